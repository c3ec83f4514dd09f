"""Monotone sweeps and tails: a margin monotone in one coordinate over a whole piece (a sweep, in the coordinates or in
the charts' values), and the tail of an unbounded coordinate toward its pole (Taylor's theorem in the chart's value,
the dominant term, a cutoff with the rest as a sub-problem)."""
