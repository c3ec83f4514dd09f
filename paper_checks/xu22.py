"""Checks of xu22 (placeholder until its checks land)."""
