"""Checks of le19 (placeholder until its checks land)."""
