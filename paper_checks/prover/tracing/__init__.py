"""The margin as the prover reads it: symbols and coordinates, the trace compiled to interval code, the charts of
unbounded and polygonal domains, where each node is real (the guards), and the normal form (with the closures that
decide a margin from its structure: the normal form, absolute values)."""
