"""Tests of simulate.engine (mirrors the package layout)."""
