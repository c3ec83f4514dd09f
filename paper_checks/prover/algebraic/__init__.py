"""z3 and real roots: polynomial, rational, radical and piecewise margins decided exactly, their translation into z3's
language, polynomial bounds of the functions outside it, and the closures that use them (z3 first, over atoms, over
bounds, over branches; real roots; the algebraic slope)."""
