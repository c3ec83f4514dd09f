"""Checks of gce18 (placeholder until its checks land)."""
