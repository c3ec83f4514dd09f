"""Tests of simulate.correction.backward_forward (mirrors the package layout)."""
