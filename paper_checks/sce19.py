"""Checks of sce19 (placeholder until its checks land)."""
