"""Tests of label_noise_lab.simulate.engine (mirrors the package layout)."""
