"""Checks of patrini17 (placeholder until its checks land)."""
