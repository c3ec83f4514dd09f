"""Tests of simulate.dmi.estimators (mirrors the package layout)."""
