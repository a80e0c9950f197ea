"""What a gensim user meets: gensim-only names get a TypeError saying what to use, sg_rule is a
validated parameter that a backend lacking the rule refuses before the corpus is read.
"""

import dataclasses
import re

import numpy as np
import pytest
from gensim.test.utils import common_texts

from sklearn_w2v import W2V
from sklearn_w2v import backends as backends_module
from sklearn_w2v.backends import check_capabilities
from sklearn_w2v.estimator import GENSIM_NAMES
from sklearn_w2v.training import Capabilities, TrainConfig


@pytest.mark.parametrize("name,hint", [
    ("seed", "random_state"), ("workers", "n_jobs"), ("hs", "not offered"),
    ("sentences", "fit(X)"), ("corpus_file", "LineCorpus"), ("trim_rule", "vocabulary="),
    ("size", "vector_size"), ("iter", "epochs"),
])
def test_gensim_names_say_what_to_use(name, hint):
    with pytest.raises(TypeError, match=f"gensim's parameter '{name}'.*{re.escape(hint)}"):
        W2V(**{name: 1})
    with pytest.raises(ValueError, match=re.escape(hint)):
        W2V().set_params(**{name: 1})


def test_every_gensim_argument_is_a_parameter_or_explained():
    import inspect

    from gensim.models import Word2Vec

    ours = set(W2V().get_params())
    for name in inspect.signature(Word2Vec.__init__).parameters:
        if name != "self":
            assert name in ours or name in GENSIM_NAMES, name


def test_other_unknown_names_keep_pythons_error():
    with pytest.raises(TypeError, match="unexpected keyword argument 'bogus'"):
        W2V(bogus=1)


def test_sg_rule_is_validated_and_reaches_the_trainer(planted):
    with pytest.raises(ValueError, match="sg_rule"):
        W2V(sg_rule="pairs").fit(common_texts)
    docs = planted[0][:200]
    params = dict(vector_size=8, min_count=1, epochs=2, n_jobs=1, random_state=0)
    block = W2V(sg=1, **params).fit(docs).wv_.vectors
    hog = W2V(sg=1, sg_rule="hogbatch", **params).fit(docs).wv_.vectors
    assert not np.array_equal(block, hog)
    cbow = [W2V(sg=0, sg_rule=r, **params).fit(docs).wv_.vectors
            for r in ("block", "hogbatch")]
    assert np.array_equal(*cbow)  # CBOW has no such rule


def test_a_backend_without_the_rule_refuses_it_before_reading(monkeypatch):
    spec = backends_module.backend_spec("torch")
    monkeypatch.setitem(backends_module._SPECS, "torch", dataclasses.replace(
        spec, capabilities=lambda options: Capabilities(sg_rules=("block",))))
    with pytest.raises(ValueError, match="torch backend does not implement.*'numba' has it"):
        check_capabilities("torch", {}, TrainConfig(sg=True, sg_rule="hogbatch"))

    def never():
        raise AssertionError("the corpus was read")
        yield

    with pytest.raises(ValueError, match="does not implement sg_rule='hogbatch'"):
        W2V(backend="torch", sg=1, sg_rule="hogbatch").fit(never())


def test_the_migration_table_names_every_gensim_argument_and_method():
    import inspect
    import pathlib

    from gensim.models import Word2Vec

    page = pathlib.Path(__file__).parent.parent / "docs" / "user_guide" / "parameters.md"
    section = page.read_text(encoding="utf-8").split("## Coming from gensim", 1)[1]
    first_cells = [line.split("|")[1] for line in section.splitlines() if line.startswith("| ")]
    named = set(re.findall(r"`(?:model\.|wv\.)?([a-z_0-9]+)", " ".join(first_cells)))
    arguments = set(inspect.signature(Word2Vec.__init__).parameters) - {"self"}
    methods = {m for m in dir(Word2Vec) if not m.startswith("_")}
    assert not arguments - named, sorted(arguments - named)
    assert not methods - named, sorted(methods - named)
