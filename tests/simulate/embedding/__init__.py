"""Tests of label_noise_lab.simulate.embedding.losses (mirrors the package layout)."""
