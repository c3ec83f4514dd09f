"""Checks of ghosh17 (placeholder until its checks land)."""
