"""Evidence as report.json carries it (paper_checks.evidence)."""
import json

import sympy

from paper_checks.evidence import Evidence
from paper_checks.jsonable import exact_values


def test_a_counterexample_in_json_holds_its_exact_values_as_strings():
    """``["1/2", 0, "1/2"]`` and ``t: 4`` were written beside strings: every exact value is a string now."""
    R = sympy.Rational
    ev = Evidence("refuted", "exact", "fails", counterexample={
        "point": [R(1, 2), sympy.Integer(0), R(1, 2)], "t": 4, "margin": sympy.sqrt(2) - 2, "value": -0.5858,
        "verified": True, "note": None})
    ce = json.loads(json.dumps(ev.to_json()))["counterexample"]
    assert ce == {"point": ["1/2", "0", "1/2"], "t": "4", "margin": "-2 + sqrt(2)", "value": -0.5858,
                  "verified": True, "note": None}
    assert [sympy.Rational(v) for v in ce["point"]] == [R(1, 2), 0, R(1, 2)]
    assert exact_values(exact_values({"c": 3})) == {"c": "3"}  # idempotent
