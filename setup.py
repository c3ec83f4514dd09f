"""The package list, the one part of the build that pyproject.toml cannot state: paper_checks as found, and
the repository's theory/, simulate/ and figures/ installed as label_noise_lab.theory, label_noise_lab.simulate and
label_noise_lab.figures (issue 67: names that a user's simulate.py cannot shadow). The rest is in pyproject.toml."""
from setuptools import find_packages, setup

NAMESPACED = ("theory", "simulate", "figures")
inner = find_packages(include=[f"{d}{s}" for d in NAMESPACED for s in ("", ".*")])
setup(packages=["label_noise_lab", *find_packages(include=["paper_checks", "paper_checks.*"]),
                *(f"label_noise_lab.{p}" for p in inner)],
      package_dir={f"label_noise_lab.{d}": d for d in NAMESPACED})
