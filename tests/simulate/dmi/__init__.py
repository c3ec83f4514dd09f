"""Tests of label_noise_lab.simulate.dmi.estimators (mirrors the package layout)."""
