import re

import numpy as np
import pytest
import sympy

from label_noise_lab.theory.validators import check_classes, check_int


@pytest.mark.parametrize("good", [3, np.int64(3), sympy.Integer(3)])
def test_check_int_accepts_every_integer_type(good):
    assert check_int("n", good, 2) == 3 and type(check_int("n", good, 2)) is int


@pytest.mark.parametrize("bad", [1, 2.0, True, "3", None, np.float64(3.0)])
def test_check_int_names_the_argument_and_quotes_the_value(bad):
    with pytest.raises(ValueError, match="^batch_size must be an integer >= 2, got " + re.escape(repr(bad))):
        check_int("batch_size", bad, 2)


def test_check_classes_is_check_int_with_its_name():
    assert check_classes(np.int32(4)) == 4
    with pytest.raises(ValueError, match=r"the number of classes c must be an integer >= 2, got 1"):
        check_classes(1)
