"""``python -m benchmarks``: a smoke run on ``array_api_strict`` writes the ratio table between its markers."""
from benchmarks.__main__ import END, START, main


def test_benchmarks_write_their_table(tmp_path):
    out = tmp_path / "RESULTS.md"
    out.write_text(f"# Benchmark results\n\nkept\n\n{START}\nold\n{END}\n\nalso kept\n")
    main(["--backend", "strict", "--quick", "--reps", "1", "--only", "noisy labels", "mine hard",
          "--results", str(out)])
    text = out.read_text()
    assert "kept" in text and "also kept" in text and "old" not in text
    assert text.count(START) == 1 and "| noisy labels |" in text and "| mine hard |" in text
