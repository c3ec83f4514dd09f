"""Checks of imae19 (placeholder until its checks land)."""
