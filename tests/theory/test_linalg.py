from label_noise_lab.theory.linalg import matrix_identities_every_c


def test_matrix_identities_hold_for_symbolic_c():
    assert matrix_identities_every_c() == {"p^T T T^-1 l = p^T l": True, "det(Q T) = det Q det T": True,
                                           "det(Q^T) = det Q": True}
