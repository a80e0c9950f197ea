"""Saved models are lean: init_vectors rows the fitted wv_ holds, and all-zero context rows, are
stored once or not at all, and come back bit for bit; older layouts still load.
"""

import pickle

import numpy as np
import pytest

from sklearn_w2v import W2V
from sklearn_w2v.persistence import load, save
from sklearn_w2v.vectors import to_keyed_vectors


@pytest.fixture(scope="module")
def pretrained():
    rng = np.random.default_rng(0)
    words = [f"w{i}" for i in range(400)]
    vectors = rng.normal(size=(400, 32)).astype(np.float32)
    vectors[3, 5] = -0.0
    return to_keyed_vectors(words, np.arange(400, 0, -1), vectors)


def _docs(n=60):
    rng = np.random.default_rng(1)
    return [[f"w{i}" for i in rng.integers(0, 40, size=10)] + ["newword"] for _ in range(n)]


def _same_kv(a, b):
    assert a.index_to_key == b.index_to_key
    assert a.vectors.tobytes() == b.vectors.tobytes()
    assert a.expandos["count"].tolist() == b.expandos["count"].tolist()


def test_epochs_0_stores_the_matrix_once(pretrained, tmp_path):
    model = W2V(vector_size=32, epochs=0, init_vectors=pretrained, min_count=1).fit(_docs())
    matrix = pretrained.vectors.nbytes
    state = model.__getstate__()
    # Before: the parameter, wv_ and an all-zero context matrix, each the full matrix.
    assert len(pickle.dumps(state["init_vectors"])) < 0.15 * matrix  # words refer to wv_
    assert len(state["init_vectors"]["others"]["counts"]) == 0
    assert state["context_vectors_"]["values"].shape == (0, 32)
    assert len(pickle.dumps(model)) < 2 * matrix
    again = pickle.loads(pickle.dumps(model))
    _same_kv(again.init_vectors, pretrained)
    _same_kv(again.wv_, model.wv_)
    assert again.context_vectors_.tobytes() == model.context_vectors_.tobytes()
    save(model, tmp_path / "m.skops")
    loaded = load(tmp_path / "m.skops")
    _same_kv(loaded.init_vectors, pretrained)


def test_fine_tuned_model_keeps_only_what_differs(pretrained):
    docs = _docs()
    model = W2V(vector_size=32, epochs=2, init_vectors=pretrained, min_count=1, n_jobs=1,
                random_state=0).fit(docs)
    frozen = W2V(vector_size=32, epochs=2, init_vectors=pretrained, min_count=1, n_jobs=1,
                 random_state=0, freeze_init=True).fit(docs)
    # Fine-tuned: the 40 corpus words' pretrained rows differ from wv_ and are kept; the 360
    # others equal wv_'s rows; 41 context rows trained (the rest are zero and left out).
    state = model.__getstate__()
    assert len(state["init_vectors"]["others"]["counts"]) == 40
    assert state["context_vectors_"]["values"].shape == (41, 32)
    # Frozen: every pretrained row is wv_'s.
    assert len(frozen.__getstate__()["init_vectors"]["others"]["counts"]) == 0
    for m in (model, frozen):
        again = pickle.loads(pickle.dumps(m))
        _same_kv(again.init_vectors, pretrained)
        _same_kv(again.wv_, m.wv_)
        assert again.context_vectors_.tobytes() == m.context_vectors_.tobytes()
    # The context vectors are kept for partial_fit: it continues as the unsaved model does.
    again = pickle.loads(pickle.dumps(model))
    more = _docs(10)
    a, b = model.partial_fit(more), again.partial_fit(more)
    assert a.wv_.vectors.tobytes() == b.wv_.vectors.tobytes()


def test_version_1_state_and_missing_new_parameters_still_load(pretrained):
    model = W2V(vector_size=32, epochs=1, init_vectors=pretrained, min_count=1, n_jobs=1,
                random_state=0).fit(_docs())
    state = model.__getstate__()
    # The layout of version 1: the parameter as a plain KeyedVectors codec, the full context.
    from sklearn_w2v.estimator import PARAMETER_CODECS

    state["init_vectors"] = PARAMETER_CODECS["keyed_vectors"].encode(pretrained)
    state["_encoded_parameters"] = {"init_vectors": "keyed_vectors"}
    state["context_vectors_"] = model.context_vectors_
    state["_state_version"] = 1
    for name in ("callbacks", "sg_rule"):  # parameters that version did not have
        del state[name]
    old = W2V.__new__(W2V)
    old.__setstate__(state)
    assert old.sg_rule == "block" and old.callbacks is None
    _same_kv(old.init_vectors, pretrained)
    assert old.context_vectors_.tobytes() == model.context_vectors_.tobytes()


def test_a_model_saved_before_cbow_schedule_keeps_training_linear(tmp_path):
    """A state of the layout before ``cbow_schedule`` existed (CBOW decayed linearly then)
    loads with the linear profile, and continues with it; today's default is "stepped".
    """
    from sklearn_w2v.estimator import training_setup

    params = dict(vector_size=8, min_count=1, epochs=2, n_jobs=1, random_state=0)
    linear = W2V(**params, cbow_schedule="linear").fit(_docs())
    state = linear.__getstate__()
    del state["cbow_schedule"]  # what __getstate__ wrote before the parameter existed
    path = tmp_path / "old.pkl"
    path.write_bytes(pickle.dumps(state))
    old = W2V.__new__(W2V)
    old.__setstate__(pickle.loads(path.read_bytes()))
    assert old.cbow_schedule == "linear" and W2V().cbow_schedule == "stepped"
    assert training_setup(old, call=1).config.cbow_schedule == "linear"
    docs = _docs()[:5]
    continued = old.partial_fit(docs).wv_.vectors
    assert continued.tobytes() == linear.partial_fit(docs).wv_.vectors.tobytes()


def test_inconsistent_lean_state_is_refused(pretrained):
    model = W2V(vector_size=32, epochs=0, init_vectors=pretrained, min_count=1).fit(_docs())
    state = model.__getstate__()
    state["init_vectors"]["row_in_model"][0] = 10**6
    with pytest.raises(ValueError, match="do not fit"):
        W2V.__new__(W2V).__setstate__(state)
    state = W2V(vector_size=8, min_count=1, epochs=1).fit(_docs()).__getstate__()
    state["context_vectors_"] = {"rows": np.array([99999]), "values": np.zeros((1, 8), "f4")}
    with pytest.raises(ValueError, match="context vectors"):
        W2V.__new__(W2V).__setstate__(state)
