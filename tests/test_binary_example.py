"""The binary worked example (examples/binary_claims.py, docs/extending.md "Binary labels and margin losses"), run as
a user would: through the command line, from outside the repository; and the guide's code is the example's."""
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "binary_claims.py"
EXPECTED = {"natarajan13.lemma1_unbiased": "proved", "natarajan13.alpha_weighted_bayes": "confirmed",
            "natarajan13.unbiased_mc": "confirmed", "vanrooyen15.unhinged_ranking": "confirmed",
            "vanrooyen15.hinge_ranking": "refuted"}


@pytest.mark.slow
def test_binary_claims_run_with_module_and_give_their_recorded_verdicts(tmp_path):
    shutil.copy(EXAMPLE, tmp_path / "binary_claims.py")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    p = subprocess.run([sys.executable, "-m", "paper_checks", "--module", "binary_claims.py", "--paper", "natarajan13",
                        "--paper", "vanrooyen15", "--precision", "quick", "--json", "r.json", "--quiet"],
                       cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stdout[-2000:] + p.stderr[-2000:]
    doc = json.loads((tmp_path / "r.json").read_text())
    assert {c["id"]: c["verdict"] for c in doc["claims"]} == EXPECTED
    assert all(c["verdict"] == c["expected"] for c in doc["claims"])
    ce = next(c for c in doc["claims"] if c["id"] == "vanrooyen15.hinge_ranking")["counterexample"]
    assert ce and '"y"' in json.dumps(ce)
    assert "Learning with Noisy Labels" in doc["bibliography"]["natarajan13"]


def test_the_example_imports_only_the_api_numpy_sympy_and_typing():
    mods = set(re.findall(r"^(?:from|import) ([\w.]+)", EXAMPLE.read_text(), re.M))
    assert mods <= {"paper_checks.api", "numpy", "sympy", "typing", "__future__"}, mods


def test_the_guide_shows_the_example_code():
    text = (ROOT / "docs" / "extending.md").read_text()
    section = text[text.index("## Binary labels and margin losses"):text.index("## When something is wrong")]
    blocks = re.findall(r"```python run\n(.*?)```", section, re.S)
    assert len(blocks) >= 3
    example = EXAMPLE.read_text()
    claim_code = [b for b in blocks if "@claim(" in b]
    assert len(claim_code) == 2
    for code in claim_code:
        for line in code.strip().splitlines():
            if line.strip() and not line.startswith(("from ", "import ", "    Context,")):
                assert line.strip() in example, f"docs/extending.md shows a line the example does not have: {line!r}"
