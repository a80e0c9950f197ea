"""The examples in the public docstrings run and say what they claim."""

import doctest
import importlib

import pytest

MODULES = [
    "sklearn_w2v.estimator", "sklearn_w2v.text", "sklearn_w2v.vocabulary",
    "sklearn_w2v.sampling", "sklearn_w2v.export", "sklearn_w2v.line_corpus",
    "sklearn_w2v.byte_tokens", "sklearn_w2v.word2vec_format", "sklearn_w2v.vocabulary_update",
    "sklearn_w2v.sharding",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0
