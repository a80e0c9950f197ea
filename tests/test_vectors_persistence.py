"""Saving and loading estimators and KeyedVectors: atomic, one file, nothing left half-written."""

import os

import numpy as np
import pytest
from gensim.models import KeyedVectors

import sklearn_w2v.estimator._persistence as estimator_persistence
import sklearn_w2v.vectors as vectors
from sklearn_w2v import W2V
from sklearn_w2v.persistence import load, load_keyed_vectors, save, save_keyed_vectors

FAST = dict(vector_size=8, min_count=1, epochs=2, n_jobs=1, random_state=0)


@pytest.fixture(scope="module")
def fitted(docs):
    return W2V(**FAST).fit(docs)


def test_atomic_write_is_the_one_implementation():
    for module in (vectors._word2vec_format, vectors._persistence, estimator_persistence):
        assert module.atomic_write is vectors._atomic.atomic_write


def test_save_and_load_estimator(fitted, docs, tmp_path):
    for name in ("model.joblib", "model.joblib.gz"):
        path = tmp_path / name
        save(fitted, path)
        loaded = load(path)
        np.testing.assert_array_equal(loaded.transform(docs), fitted.transform(docs))
    save(fitted, tmp_path / "c.joblib", compress=3)
    np.testing.assert_array_equal(load(tmp_path / "c.joblib").wv_.vectors, fitted.wv_.vectors)


@pytest.mark.parametrize("exc", [OSError("disk full"), KeyboardInterrupt()])
def test_failed_save_keeps_the_existing_file(fitted, tmp_path, monkeypatch, exc):
    path = tmp_path / "model.joblib"
    path.write_bytes(b"previous model")

    def half_dump(obj, f, **kw):
        f.write(b"half of the new")
        raise exc

    monkeypatch.setattr(estimator_persistence.joblib, "dump", half_dump)
    with pytest.raises(type(exc)):
        save(fitted, path)
    assert path.read_bytes() == b"previous model"
    assert os.listdir(tmp_path) == ["model.joblib"]  # no temporary file left


def test_keyed_vectors_native_format_is_one_atomic_file(fitted, tmp_path, monkeypatch):
    big = KeyedVectors(64)  # large enough that kv.save(path) would write separate .npy files
    big.add_vectors([f"w{k}" for k in range(50_000)],
                    np.random.default_rng(0).random((50_000, 64), dtype=np.float32))
    for kv in (fitted.wv_, big):
        path = tmp_path / "vectors.kv"
        save_keyed_vectors(kv, path)
        assert os.listdir(tmp_path) == ["vectors.kv"]
        loaded = load_keyed_vectors(path)
        assert loaded.index_to_key == kv.index_to_key
        np.testing.assert_array_equal(loaded.vectors, kv.vectors)

    def broken_save(self, f, *a, **kw):
        f.write(b"partial")
        raise OSError("disk full")

    monkeypatch.setattr(KeyedVectors, "save", broken_save)
    with pytest.raises(OSError):
        save_keyed_vectors(fitted.wv_, path)
    assert load_keyed_vectors(path).index_to_key == big.index_to_key
    assert os.listdir(tmp_path) == ["vectors.kv"]
    with pytest.raises(TypeError, match="KeyedVectors"):
        save_keyed_vectors(fitted, path)
