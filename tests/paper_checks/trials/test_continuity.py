"""Jumps and poles of a loss found exactly before any cell uses continuity (paper_checks.trials.continuity;
issue 35: ``atan(1/(p - 1/3))`` was called bounded with sup -atan(3) at p = 0, from a derivative taken across
its jump)."""
from __future__ import annotations

import pytest
import sympy

from label_noise_lab.theory.expressions import P
from label_noise_lab.theory.losses import default_losses
from label_noise_lab.theory.user_losses import from_expression
from paper_checks.trials.continuity import Unknown, breaks, gate


def _breaks(text: str) -> list[tuple[str, str]]:
    return [(str(b.point), b.kind) for b in breaks(from_expression(text).label, P)]


def test_jumps_and_poles_inside_the_interval_are_found_exactly():
    assert _breaks("atan(1/(p-1/3))") == [("1/3", "jump")]
    assert _breaks("Heaviside(p - 1/2)*(1 - p)") == [("1/2", "jump")]  # SymPy's own limits say 1/2 on both sides
    assert _breaks("sign(p - 1/4)*p") == [("1/4", "jump")]
    assert _breaks("exp(1/(p - 1/3))") == [("1/3", "pole")]
    assert _breaks("1/(p - 1/3)**2") == [("1/3", "pole")]
    assert _breaks("(1 - p)/(p**2 - 2)") == []  # the zero sqrt(2) lies outside (0, 1)


def test_kinks_and_continuous_functions_are_not_breaks():
    for text in ("1 - erf(p)", "Abs(p - 1/2)", "Max(0, 1 - 2*p)", "-log(p)", "(1 - p**0.5)/0.5", "atan(p - 1/3)",
                 "log(Abs(p - 1/3) + 1)", "tanh(1 - p)"):
        assert _breaks(text) == [], text


def test_every_zoo_loss_passes_the_gate():
    for loss in default_losses():
        assert gate(loss, 60) is None, loss.name


@pytest.mark.slow  # the symmetry check of this loss runs to its time limit (20 s): out of README's quick command
def test_a_loss_with_a_jump_gets_no_cell_that_needs_continuity():
    from paper_checks.trials.simplex import trial

    tr = trial(from_expression("atan(1/(p-1/3))"), [2, 3], precision="quick", timeout=20)
    bounded = tr.properties["bounded"]
    assert bounded.undecided and "jump at p = 1/3" in bounded.cell and "-pi/2" in bounded.summary
    for name in ("class_sum", "excess_risk_bound", "weight", "asymmetric", "noisy_minimiser"):
        assert tr.properties[name].undecided, name
    sym = tr.properties["symmetric"]  # exact points need no continuity: kept when they refute, else undecided
    assert sym.undecided or sym.cell.startswith("no (exact witnesses")


@pytest.mark.slow
def test_a_pole_to_infinity_is_unbounded_and_a_split_jump_is_exact():
    from paper_checks.trials.simplex import trial

    b = trial(from_expression("exp(1/(p - 1/3))"), [2], precision="quick", timeout=60).properties["bounded"]
    assert b.value["bounded"] is False and "p → 1/3 from the right" in b.cell and not b.undecided
    b = trial(from_expression("Heaviside(p - 1/2)*(1 - p)"), [2], precision="quick", timeout=60).properties["bounded"]
    assert b.cell == "yes, sup = 1/2, approached as p → 1/2" and b.method == "symbolic"


def test_an_undecidable_zero_set_is_said():
    """``exp(p) = 3 p`` has a root in (0, 1) that SymPy cannot list: the gate says so, it does not guess."""
    import pytest

    with pytest.raises(Unknown, match="cannot be found exactly"):
        breaks(1 / (sympy.exp(P) - 3 * P), P)
