"""Tests of label_noise_lab.simulate.correction.backward_forward (mirrors the package layout)."""
