"""Fixtures shared by the tests (plain helpers live in helpers.py)."""

import pytest

from helpers import planted_corpus


@pytest.fixture(scope="session")
def planted():
    """Five groups of eight words; each document draws from one group."""
    return planted_corpus()


@pytest.fixture(scope="session")
def docs():
    """300 short documents over three planted groups of six words."""
    return planted_corpus(n_groups=3, group_size=6, n_docs=300, doc_len=10)[0]
