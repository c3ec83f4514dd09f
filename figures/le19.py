"""Figures of le19 (placeholder until they land)."""
