"""Tests of simulate.embedding.losses (mirrors the package layout)."""
