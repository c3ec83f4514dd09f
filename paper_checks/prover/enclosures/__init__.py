"""Enclosures and boxes: interval arithmetic (exact ends rounded outward, special functions, Clarke's generalised
derivatives, Arb's balls), the domain's pieces and boxes, and the first-order bounds that close a box (with the
closures that close a box by them, as written or outside its region)."""
