"""Figures of xu22 (placeholder until they land)."""
