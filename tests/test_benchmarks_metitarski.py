"""``benchmarks.metitarski``: TPTP conjectures read against a whitelist into a margin and a box (never eval)."""
import pytest
import sympy

from benchmarks.metitarski import Unsupported, classify, convert, read_dir

X, Y = sympy.symbols("X Y", real=True)


def test_bounds_intervals_and_exact_numbers():
    p = convert("% a comment\nfof(b, conjecture, ! [X,Y] : ((X : (=0,1=) & 0 < Y & Y < 3/2) =>\n"
                "  10^-5 + arctan(X) * Y >= -0.5 + cbrt(Y))).\ninclude('Axioms/general.ax').")
    assert p.name == "b" and not p.strict and p.unbounded == []
    assert p.domain == {X: (0, 1), Y: sympy.Interval.open(0, sympy.Rational(3, 2))}  # a strict bound: open
    assert sympy.simplify(p.margin - (sympy.Rational(1, 10**5) + sympy.atan(X) * Y + sympy.Rational(1, 2)
                                      - Y ** sympy.Rational(1, 3))) == 0
    assert p.klass == "arctan"


def test_strict_and_one_sided():
    p = convert("fof(c, conjecture, ! [X] : (X > 0 => (X + 1/X) * arctan(X) > 1)).")
    assert p.strict and p.unbounded == ["X"] and p.domain[X] == sympy.Interval.open(0, sympy.oo)
    q = convert("fof(d, conjecture, ! [X] : abs(arctan(X)) <= pi/2 + 10^-5).")
    assert q.domain[X] == (-sympy.oo, sympy.oo)


@pytest.mark.parametrize("text, why", [
    ("fof(e, conjecture, ? [X] : exp(X) > 2).", "existential"),
    ("fof(f, conjecture, ! [X] : ((0 <= X & X <= 1) => foo(X) > 0)).", "not in the whitelist"),
    ("fof(g, conjecture, ! [X] : ((0 <= X & X <= 1) => __import__(X) > 0)).", "whitelist"),
    ("fof(h, conjecture, ! [X] : ((0 <= X & X <= 1) => (X <=> X))).", "expected"),
    ("fof(h, conjecture, ! [X] : ((0 <= X & X <= 1) => X != 1)).", "not an inequality"),
    ("fof(i, axiom, ! [X] : X > 0).", "0 conjectures"),
])
def test_outside_the_fragment_is_refused_with_a_reason(text, why):
    with pytest.raises(Unsupported, match=why):
        convert(text)


def test_classes():
    assert classify(sympy.exp(X) - 1) == "exp"
    assert classify(sympy.sinh(X) - sympy.exp(X)) == "sinh, cosh, tanh"
    assert classify(X ** sympy.Rational(1, 3) - X) == "cube and n-th roots"
    assert classify(sympy.sqrt(X) - X) == "sqrt"


def test_read_dir_reads_only_what_is_asked(tmp_path):
    (tmp_path / "a.tptp").write_text("fof(a, conjecture, ! [X] : ((0 <= X & X <= 1) => exp(X) >= 1 + X)).")
    (tmp_path / "b.tptp").write_text("fof(b, conjecture, ! [X] : bad(X) > 0).")
    (tmp_path / "c.txt").write_text("not a problem")
    got = dict(read_dir(tmp_path))
    assert set(got) == {"a.tptp", "b.tptp"}
    assert got["a.tptp"].klass == "exp" and "whitelist" in got["b.tptp"]


def test_irrational_bounds_are_kept_exactly_and_nthrt():
    """``X < pi/2`` stays ``pi/2``: a rational end above it would hold the pole of ``tan``."""
    p = convert("fof(j, conjecture, ! [X] : ((0 < X & X < pi/2 - 10^-6) => nthrt(3, X) >= 0)).")
    assert p.domain[X].end == sympy.pi / 2 - sympy.Rational(1, 10**6) and p.domain[X].right_open
    assert p.margin == X ** sympy.Rational(1, 3)
    tan = convert("fof(t, conjecture, ! [X] : ((0 < X & X < pi/2) => tan(X) >= X)).")
    assert tan.domain[X] == sympy.Interval.open(0, sympy.pi / 2)


def test_several_bounds_on_one_side_the_tightest_and_empty_bounds_vacuous():
    p = convert("fof(k, conjecture, ! [X] : ((0 < X & 1/2 < X & X <= 1) => X >= 0)).")
    assert p.domain[X] == sympy.Interval.Lopen(sympy.Rational(1, 2), 1)  # the tightest, open as it is
    q = convert("fof(k, conjecture, ! [X] : ((0 < X & X < pi/6 & X <= 1) => X >= 0)).")
    assert q.domain[X] == sympy.Interval.open(0, sympy.pi / 6)
    e = convert("fof(l, conjecture, ! [X] : ((1 < X & X <= 1) => X >= 0)).")
    assert e.kind == "vacuous" and "never hold" in e.vacuous


def test_constraints_axioms_and_definitions():
    """Hypotheses beyond constant bounds are constraints; the file's constants and functions are read from its
    axioms; MetiTarski's ``log`` is its axiom's rounded decimal logarithm."""
    S = sympy.Symbol("S", real=True)
    p = convert("fof(e, conjecture, ! [X,S] : ((0 < X & 0 <= S & S^2 = X & ~ X = 1) => S > 0)).")
    assert p.kind == "constrained" and p.domain[S] == (0, sympy.oo)
    assert set(map(str, p.constraints)) == {"Eq(S**2, X)", "Ne(X, 1)"}
    a = convert("fof(a, axiom, a = 6).\nfof(t, axiom, abs(t) <= a).\n"
                "fof(c, conjecture, 0 <= exp(-t) - (1 - t/a)^a).")
    t = sympy.Symbol("t", real=True)
    assert a.domain == {t: (-6, 6)} and a.margin == sympy.exp(-t) - (1 - t / 6) ** 6
    f = convert("cnf(f1,axiom,(f1(X)=(X^2+1))).\nfof(d, conjecture, ! [X] : ((0 < X & X < 1) => log(f1(X)) >= 0)).")
    assert f.margin == sympy.Rational("0.4342945") * sympy.log(X**2 + 1)  # Axioms/log.ax, as MetiTarski states it
    assert convert("fof(g, conjecture, ! [X] : ((0 < X & X < 1) => .5 + X >= pow(X, X))).").margin.has(sympy.exp)


def test_disjunctions_split_hypotheses_into_cases_and_join_conclusions():
    p = convert("fof(h, conjecture, ! [X] : ((1 < X | X < 0) => X^2 >= X)).")
    assert p.kind == "cases" and [c.domain[X] for c in p.cases] == [sympy.Interval.open(1, sympy.oo),
                                                                     sympy.Interval.open(-sympy.oo, 0)]
    q = convert("fof(i, conjecture, ! [X] : ((0 <= X & X <= 1) => (X <= 1/2 | X >= 1/2))).")
    assert q.margin == sympy.Max(sympy.Rational(1, 2) - X, X - sympy.Rational(1, 2))
    r = convert("fof(j, conjecture, ! [X] : ((0 <= X & X <= 1) => X : (=0, 1=))).")
    assert r.margins == [X, 1 - X]


@pytest.mark.slow
def test_the_table_over_a_folder(tmp_path, capsys):
    from benchmarks.bench_prover import metitarski_table

    (tmp_path / "a.tptp").write_text("fof(a, conjecture, ! [X] : ((0 <= X & X <= 1000) => arctan(X) <= X)).")
    (tmp_path / "b.tptp").write_text("fof(b, conjecture, ! [X] : (0 <= X => exp(X) >= 1 + X)).")
    (tmp_path / "c.tptp").write_text("fof(c, conjecture, ? [X] : exp(X) > 2).")
    out = str(tmp_path / "rows.json")
    rows = metitarski_table(str(tmp_path), 0, 0, 60.0, work=3.75, jobs=2, out=out)
    assert {n: r["outcome"] for n, r in rows.items()} == {"a.tptp": "proved", "b.tptp": "proved"}
    text = capsys.readouterr().out
    assert "3 files; 2 in scope" in text and "| all | 2 | 2 | 0 | 0 | 0 |" in text
    again = metitarski_table(str(tmp_path), 0, 0, 60.0, work=3.75, jobs=2, out=out)  # resumed: nothing run again
    assert again == rows and "2 kept" in capsys.readouterr().out


@pytest.mark.slow
def test_the_table_runs_the_named_problems_alone_and_as_written(tmp_path):
    """``names`` (``--names FILE``) runs only the problems the file names; ``exact_first=False`` (``--as-written``) the
    boxes and sweeps alone: ``atan x <= x`` is proved without the exact stage too, and says so in its counters."""
    from benchmarks.bench_prover import metitarski_table

    (tmp_path / "a.tptp").write_text("fof(a, conjecture, ! [X] : ((0 <= X & X <= 1000) => arctan(X) <= X)).")
    (tmp_path / "b.tptp").write_text("fof(b, conjecture, ! [X] : (0 <= X => exp(X) >= 1 + X)).")
    (tmp_path / "names.txt").write_text("a.tptp\n")
    rows = metitarski_table(str(tmp_path), 0, 0, 60.0, work=3.75, names=str(tmp_path / "names.txt"),
                            exact_first=False)
    assert list(rows) == ["a.tptp"] and rows["a.tptp"]["outcome"] == "proved"
    assert not {"NormalForm", "Z3Algebraic", "Z3Atoms", "Z3Bounds"} & set(rows["a.tptp"]["counters"])


@pytest.mark.slow
def test_a_box_is_charged_about_the_calls_it_makes(tmp_path, capsys):
    """``bench_meter --boxes``: what a box is charged against the calls it makes, counted by cProfile (the meter's
    unit); ``prove.BOX_STEP_WORK`` is calibrated by it (the median over its problems near 1)."""
    from benchmarks.bench_meter import box_charge

    (tmp_path / "a.tptp").write_text(
        "fof(a, conjecture, ! [X] : ((0 <= X & X <= 3) => sin(X) + cos(2*X) + 1/4 >= X*exp(-X) - 1)).")
    ratios = box_charge(str(tmp_path), 3.75, ("a.tptp",))
    text = capsys.readouterr().out
    assert "| a.tptp | proved |" in text and len(ratios) == 1 and 0.1 < ratios[0] < 10
