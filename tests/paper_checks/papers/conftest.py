"""Fixtures of the catalogue's tests."""
import pytest

from paper_checks import figdata


@pytest.fixture(autouse=True)
def _fresh_figure_data():
    """No memoised check data leaks between tests."""
    figdata.clear()
    yield
    figdata.clear()
