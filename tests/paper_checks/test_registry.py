"""The registry: papers declared where their claims are, the catalogue loaded like a user's module, claims from
anywhere."""
import pickle
import re

import pytest

from paper_checks import registry as rg
from paper_checks.registry import PAPERS, REGISTRY, Paper, RegistryError, load, load_module


def test_the_catalogue_is_loaded_like_a_claims_module_and_declares_its_papers():
    assert rg.CATALOGUE == "paper_checks.papers"
    reg = load()
    assert len(reg) >= 63 and set(PAPERS) >= {"ghosh17", "gce18", "patrini17", "imae19", "sce19", "dmi19", "le19",
                                             "xu22"}
    for p in PAPERS.values():
        assert p.title and p.authors and p.year and p.venue and p.source
    years = [p.year for p in PAPERS.values()]
    assert years == sorted(years)  # papers by year, claims grouped by paper
    seen = []
    for c in reg.values():
        if not seen or seen[-1] != c.paper:
            assert c.paper not in seen, f"claims of {c.paper} are not together"
            seen.append(c.paper)


@pytest.mark.parametrize("kw, message", [
    ({"id": "Bad-Id"}, "lower-case"), ({"year": 1800}, "year"), ({"title": " "}, "title is empty")])
def test_a_bad_paper_is_refused(kw, message):
    fields = dict(id="x21", authors="A. B", year=2021, title="T", venue="V", source="S")
    with pytest.raises(RegistryError, match=message):
        Paper(**{**fields, **kw})


def test_a_paper_declared_twice_differently_is_an_error():
    rg.paper("gce18", **{k: getattr(PAPERS["gce18"], k) for k in ("authors", "year", "title", "venue", "source",
                                                                    "note")})  # the same: harmless
    with pytest.raises(RegistryError, match="declared twice"):
        rg.paper("gce18", authors="X", year=2018, title="Other", venue="V", source="S")


def test_registered_claims_pickle_by_reference_with_their_origin():
    c = load()["gce18.eq7_bounds"]
    assert c.origin == "paper_checks.papers.gce18.lq"
    assert pickle.loads(pickle.dumps(c)) is c


def _write(tmp_path, name, body):
    path = tmp_path / name
    path.write_text("from paper_checks.registry import claim, paper\n"
                    "from paper_checks.evidence import Evidence\n" + body)
    return path


GOOD = ("paper('zz99', authors='A. B', year=2099, title='T', venue='V', source='S')\n"
        "@claim('zz99.one', source='s', statement='t', expected='confirmed', method='sim', space=lambda: None)\n"
        "def one(ctx):\n    return Evidence('confirmed', 'sim', 'ok')\n")


def test_a_claims_file_loads_once_and_pickles_by_path(tmp_path, isolated_registry):
    path = _write(tmp_path, "zz_claims.py", GOOD)
    try:
        reg = load([str(path)])
        c = reg["zz99.one"]
        assert c.origin == str(path.resolve()) and list(reg)[-1] == "zz99.one"  # 2099: last
        assert pickle.loads(pickle.dumps(c)) is c  # the lambda space need not pickle
        assert load([str(path)])["zz99.one"] is c  # loading again changes nothing
    finally:
        REGISTRY.pop("zz99.one", None)
        PAPERS.pop("zz99", None)


def test_every_problem_is_reported_together_and_taken_back(tmp_path, isolated_registry):
    path = _write(tmp_path, "zz_bad.py",
                  "@claim('zz98.a', source='s', statement='t', expected='maybe', method='sim')\n"
                  "def a(ctx):\n    pass\n"
                  "@claim('zz98.b', source='s', statement='t', expected='proved', method='guess')\n"
                  "def b(ctx):\n    pass\n"
                  "@claim('zz98.c', source='s', statement='t', expected='proved', method='symbolic')\n"
                  "def c(ctx):\n    pass\n")
    before = dict(REGISTRY)
    with pytest.raises(RegistryError) as err:
        load([str(path)])
    msg = str(err.value)
    assert "3 registration problem(s)" in msg and "'maybe'" in msg and "'guess'" in msg and "zz98" in msg
    assert dict(REGISTRY) == before  # nothing of the bad file stays registered
    fixed = _write(tmp_path, "zz_bad.py", GOOD)
    try:
        assert "zz99.one" in load([str(fixed)])  # the corrected file loads
    finally:
        REGISTRY.pop("zz99.one", None)
        PAPERS.pop("zz99", None)


def test_entry_points_register_claims(monkeypatch, tmp_path, isolated_registry):
    path = _write(tmp_path, "zz_ep.py", GOOD)
    monkeypatch.setattr(rg, "entry_point_modules", lambda: [("zz", lambda: rg.load_module(str(path)))])
    monkeypatch.setattr(rg, "_ENTRY_POINTS_SCANNED", False)
    try:
        assert "zz99.one" in load()
    finally:
        REGISTRY.pop("zz99.one", None)
        PAPERS.pop("zz99", None)


def test_a_failing_entry_point_names_itself(monkeypatch):
    def boom():
        raise ImportError("no module named zz")

    monkeypatch.setattr(rg, "entry_point_modules", lambda: [("zz", boom)])
    monkeypatch.setattr(rg, "_ENTRY_POINTS_SCANNED", False)
    with pytest.raises(RegistryError, match="entry point 'zz' of label_noise_lab.claims failed: ImportError"):
        load()


def test_documents_and_findings_are_declared_by_the_catalogue_not_the_instrument():
    load()
    assert {d.tag for d in rg.DOCUMENTS.values()} == {"Le & Odobez 2019", "Xu et al. 2022", "Patrini et al. 2017",
                                                      "S. Li, Robust Losses", "Zhang & Sabuncu 2018"}
    assert rg.FINDINGS["gce18.eq10_tight"][0] == "qualified"
    rg.document("004_bedc5f2f9c2d4575.txt", tag=rg.DOCUMENTS["004_bedc5f2f9c2d4575.txt"].tag,
                description=rg.DOCUMENTS["004_bedc5f2f9c2d4575.txt"].description)  # the same twice: harmless
    with pytest.raises(RegistryError, match="declared twice"):
        rg.document("004_bedc5f2f9c2d4575.txt", tag="x", description="another")
    with pytest.raises(RegistryError, match="unknown verdict"):
        rg.finding("gce18.eq10_tight", "maybe", "text")
    with pytest.raises(RegistryError, match="twice"):
        rg.finding("gce18.eq10_tight", "qualified", "another sentence")


def test_a_failed_load_takes_back_its_documents_and_findings(tmp_path):
    f = tmp_path / "bad_docs.py"
    f.write_text("from paper_checks.api import document, finding, claim\n"
                 "document('mine.txt', tag='M', description='my notes')\n"
                 "finding('zz99.x', 'proved', 'a sentence')\n"
                 "@claim('zz99.x', source='mine.txt', statement='s', expected='proved', method='symbolic')\n"
                 "def check(ctx):\n    pass\n")
    with pytest.raises(RegistryError, match="zz99"):
        load([str(f)])
    assert "mine.txt" not in rg.DOCUMENTS and "zz99.x" not in rg.FINDINGS


def test_reconstructed_carries_how_the_claim_was_reconstructed(tmp_path, isolated_registry):
    head = ("from paper_checks.api import claim, paper\n"
            "paper('zz97', authors='A', year=2097, title='T', venue='V', source='S')\n")
    body = "".join(f"@claim('zz97.{name}', source='s', statement='t', expected='proved', method='symbolic', "
                   f"reconstructed={value!r})\ndef {name}(ctx):\n    pass\n"
                   for name, value in (("plain", False), ("old", True), ("outline", "outline"),
                                       ("weak", "weakened"), ("neg", "negated"), ("free", " read off Fig. 2 ")))
    reg = load([str(_write(tmp_path, "zz_recon.py", head + body))])
    got = {cid.split(".")[1]: (c.reconstructed, c.reconstruction) for cid, c in reg.items() if cid.startswith("zz97")}
    assert got == {"plain": (False, ""), "old": (True, "outline"), "outline": (True, "outline"),
                   "weak": (True, "weakened"), "neg": (True, "negated"), "free": (True, "read off Fig. 2")}
    # each kind has its own sentence; True keeps the one it always had; free text is quoted
    assert "only in outline" in rg.reconstruction_note(True) == rg.reconstruction_note("outline")
    assert "weaker" in rg.reconstruction_note("weakened") and "negation" in rg.reconstruction_note("negated")
    assert rg.reconstruction_note("read off Fig. 2.") == "read off Fig. 2; the statement below is what was checked."
    assert rg.reconstruction_note(False) == ""


@pytest.mark.parametrize("value, message", [("''", "says nothing"), ("1", "True/False or a string")])
def test_a_bad_reconstructed_is_a_registration_problem(tmp_path, isolated_registry, value, message):
    path = _write(tmp_path, "zz_badrecon.py",
                  "from paper_checks.api import claim, paper\n"
                  "paper('zz96', authors='A', year=2096, title='T', venue='V', source='S')\n"
                  f"@claim('zz96.a', source='s', statement='t', expected='proved', method='symbolic', "
                  f"reconstructed={value})\ndef a(ctx):\n    pass\n")
    with pytest.raises(RegistryError, match=message):
        load([str(path)])


@pytest.mark.slow
def test_a_failing_first_load_keeps_the_catalogue():
    """A notebook whose first call names a missing claims file still finds the catalogue afterwards."""
    import subprocess
    import sys
    from pathlib import Path

    code = ("from paper_checks import registry\n"
            "try:\n    registry.load(['no_such_claims.py'])\nexcept registry.RegistryError:\n    pass\n"
            "print(len(registry.load()))")
    out = subprocess.run([sys.executable, "-c", code], cwd=Path(__file__).resolve().parents[2], capture_output=True,
                         text=True, check=True)
    assert int(out.stdout) > 50


@pytest.mark.parametrize("body, words", [("import sys\nsys.exit(3)\n", "it called sys.exit(3)"),
                                         ("raise SystemExit('bye')\n", "it called sys.exit('bye')")])
def test_a_claims_file_that_calls_sys_exit_at_import_is_a_one_line_error(tmp_path, isolated_registry, capsys,
                                                                         body, words):
    """``run --module`` exited 3 with no message, and pytest --claims printed an INTERNALERROR traceback."""
    from paper_checks.cli import main

    (tmp_path / "exits.py").write_text(body)
    with pytest.raises(RegistryError, match=f"failed to import: {re.escape(words)}"):
        load_module(str(tmp_path / "exits.py"))
    assert main(["run", "--module", str(tmp_path / "exits.py"), "--claim", "gce18.eq7_bounds"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and words in err


def test_expected_at_is_a_precision_and_defaults_to_run_s(isolated_registry):
    """Issue 59, item 4: a claim's expected= is recorded at one precision (``expected_at=``, standard by default)."""
    from paper_checks import registry as rg
    from paper_checks.api import Evidence, claim, paper

    paper("at24", authors="A", year=2024, title="T", venue="V", source="here")

    @claim("at24.x", source="here", statement="s", expected="proved", method="exact", expected_at="quick")
    def x(ctx):
        return Evidence("proved", "exact", "s")

    @claim("at24.y", source="here", statement="s", expected="proved", method="exact", expected_at="fast")
    def y(ctx):
        return Evidence("proved", "exact", "s")

    assert rg._PROBLEMS[-1] == ("claim 'at24.y': unknown expected_at precision 'fast'; choose one of quick, "
                                "standard, full")  # collected, reported with the others by load() (a module's)
    del rg._PROBLEMS[-1]
    assert "at24.y" not in rg.REGISTRY and rg.REGISTRY["at24.x"].expected_at == "quick"
    assert all(c.expected_at == "standard" for c in rg.REGISTRY.values() if c.paper != "at24")
