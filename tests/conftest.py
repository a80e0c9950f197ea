"""Fixtures shared by the tests (plain helpers live in helpers.py)."""

import pytest

from helpers import planted_corpus


@pytest.fixture(scope="session")
def planted():
    """Five groups of eight words; each document draws from one group."""
    return planted_corpus()
