"""Checks of dmi19 (placeholder until its checks land)."""
