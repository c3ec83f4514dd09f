"""Figures for the L_DMI summary of ``003`` (Xu et al. 2019); filled when the dmi19 checks land."""
