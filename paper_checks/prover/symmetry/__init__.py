"""Scaling and symmetry: margins homogeneous in some coordinates (the corner box at the origin, ratios, cone faces),
symmetric about a centre, or a product of proportional factors."""
