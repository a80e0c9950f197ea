"""Saving as skops: data only, round trips bit for bit, and loading never runs the file's code."""

import collections
import json
import os
import pathlib
import zipfile

import numpy as np
import pytest
import skops.io as sio
from gensim.models import KeyedVectors
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

from sklearn_w2v import W2V
from sklearn_w2v.estimator import PARAMETER_CODECS, model_format
from sklearn_w2v.persistence import (
    TRUSTED_TYPES,
    ModelFileError,
    UntrustedTypesError,
    load,
    save,
)

FAST = dict(vector_size=8, min_count=1, epochs=2, n_jobs=1, random_state=0)
FUZZ = settings(max_examples=40, derandomize=True, deadline=None,
                suppress_health_check=list(HealthCheck))


def split_tokenizer(text):
    """A custom tokenizer importable by name (as ``test_estimator_skops.split_tokenizer``)."""
    return text.split()


@pytest.fixture(scope="module")
def fitted(docs):
    return W2V(**FAST).fit(docs)


@pytest.fixture(scope="module")
def saved(fitted, tmp_path_factory):
    path = tmp_path_factory.mktemp("skops") / "model.skops"
    save(fitted, path)
    return path


def assert_same_model(a, b, docs):
    assert a.get_params() == b.get_params()
    assert a.wv_.index_to_key == b.wv_.index_to_key
    np.testing.assert_array_equal(a.wv_.expandos["count"], b.wv_.expandos["count"])
    for name in ("context_vectors_", "idf_", "sif_weights_", "sif_component_"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
    np.testing.assert_array_equal(a.wv_.vectors, b.wv_.vectors)
    for agg in ("mean", "tfidf", "sif"):
        np.testing.assert_array_equal(a.set_params(agg=agg).transform(docs),
                                      b.set_params(agg=agg).transform(docs))
    a.set_params(agg="mean"), b.set_params(agg="mean")


def test_format_follows_the_suffix_or_the_argument():
    assert model_format("m.skops") == "skops"
    assert model_format("m.joblib") == model_format("m.pkl.gz") == "joblib"
    assert model_format("m.bin", "skops") == "skops"
    with pytest.raises(ValueError, match="format"):
        model_format("m.skops", "pickle")


def test_round_trip_is_bit_identical_and_holds_only_data(fitted, saved, docs):
    assert sio.get_untrusted_types(file=saved) == list(TRUSTED_TYPES)
    with zipfile.ZipFile(saved) as z:
        schema = z.read("schema.json").decode()
    assert "gensim" not in schema and "DocumentStatistics" not in schema
    assert_same_model(fitted, load(saved), docs)


def test_torch_fit_round_trip(docs, tmp_path):
    pytest.importorskip("torch")
    model = W2V(**FAST, backend="torch", device="cpu", compute_loss=True).fit(docs)
    save(model, tmp_path / "t.skops")
    back = load(tmp_path / "t.skops")
    assert_same_model(model, back, docs)
    assert back.training_stats_ == model.training_stats_
    np.testing.assert_array_equal(back.epoch_loss_, model.epoch_loss_)


def test_pipeline_round_trip(docs, tmp_path):
    y = np.array([int(d[0][1]) for d in docs])  # the planted group of each document
    pipe = make_pipeline(W2V(**FAST), LogisticRegression()).fit(docs, y)
    save(pipe, tmp_path / "pipe.skops", compress=6)
    back = load(tmp_path / "pipe.skops")
    np.testing.assert_array_equal(back.predict_proba(docs), pipe.predict_proba(docs))
    assert_same_model(pipe[0], back[0], docs)


def test_partial_fit_continues_from_a_loaded_model(docs, tmp_path):
    model = W2V(**FAST).partial_fit(docs[:100]).partial_fit(docs[100:200])
    save(model, tmp_path / "p.skops")
    back = load(tmp_path / "p.skops")
    assert_same_model(model, back, docs)
    model.partial_fit(docs[200:])
    back.partial_fit(docs[200:])
    assert_same_model(model, back, docs)


def test_parameters_that_are_not_plain_data_come_back(docs, tmp_path):
    counts = collections.Counter(w for d in docs for w in d)
    model = W2V(**{**FAST, "random_state": np.random.RandomState(0)}, vocabulary=counts,
                temp_folder=tmp_path, stop_words=["g0w0"]).fit(docs)
    save(model, tmp_path / "m.skops")
    assert sio.get_untrusted_types(file=tmp_path / "m.skops") == list(TRUSTED_TYPES)
    back = load(tmp_path / "m.skops")
    assert back.vocabulary == dict(counts) and back.temp_folder == pathlib.Path(tmp_path)
    np.testing.assert_array_equal(back.transform(docs), model.transform(docs))


def test_a_keyed_vectors_parameter_is_stored_as_data():
    kv = KeyedVectors(3)
    kv.add_vectors(["a", "ünï"], np.arange(6, dtype=np.float32).reshape(2, 3))
    data = W2V(init_vectors=kv, vector_size=3, alpha=0.1).__getstate__()  # what the formats save
    assert data["_encoded_parameters"] == {"init_vectors": "keyed_vectors"}
    assert "KeyedVectors" not in sio.dumps(data).decode("latin-1")
    rebuilt = W2V.__new__(W2V)
    rebuilt.__setstate__(sio.loads(sio.dumps(data)))
    back = rebuilt.init_vectors
    assert back.index_to_key == ["a", "ünï"]
    np.testing.assert_array_equal(back.vectors, kv.vectors)
    assert list(PARAMETER_CODECS) == ["keyed_vectors", "path", "mapping"]


def test_custom_tokenizer_is_saved_by_name_and_untrusted_until_named(tmp_path):
    texts = ["a b c a", "b c d b", "a d a c"] * 10
    model = W2V(**FAST, tokenizer=split_tokenizer).fit(texts)
    save(model, tmp_path / "t.skops")
    name = f"{split_tokenizer.__module__}.split_tokenizer"
    with pytest.raises(UntrustedTypesError, match="Callable parameters") as info:
        load(tmp_path / "t.skops")
    assert info.value.types == [name] and isinstance(info.value, sio.exceptions.
                                                     UntrustedTypesFoundException)
    for trusted in ([name], [split_tokenizer]):
        back = load(tmp_path / "t.skops", trusted=trusted)
        assert back.tokenizer is split_tokenizer
        np.testing.assert_array_equal(back.transform(texts), model.transform(texts))


def test_callables_without_an_importable_name_are_refused_at_save(tmp_path):
    def nested(text):
        return text.split()

    for tokenizer in (nested, lambda text: text.split()):
        with pytest.raises(TypeError, match="importable name"):
            save(W2V(tokenizer=tokenizer), tmp_path / "x.skops")
    assert not os.listdir(tmp_path)


def test_torch_module_is_untrusted_on_load(tmp_path):
    pytest.importorskip("torch")  # the backend's package imports without it, its names do not
    torch_backend = pytest.importorskip("sklearn_w2v.backends.torch")
    save(W2V(backend="torch", torch_module=torch_backend.SGNSModule), tmp_path / "u.skops")
    with pytest.raises(UntrustedTypesError, match="SGNSModule"):
        load(tmp_path / "u.skops")
    back = load(tmp_path / "u.skops", trusted=[torch_backend.SGNSModule])
    assert back.torch_module is torch_backend.SGNSModule


def _rewrite_schema(path, out, edit):
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "schema.json":
                schema = json.loads(data)
                edit(schema)
                data = json.dumps(schema).encode()
            dst.writestr(item, data)


@pytest.mark.parametrize("where", ["estimator", "tokenizer"])
def test_a_file_naming_os_system_is_refused_without_running_it(saved, tmp_path, monkeypatch,
                                                               where):
    calls = []
    monkeypatch.setattr(os, "system", lambda *a: calls.append(a))

    def edit(schema):
        if where == "estimator":
            schema.update(__module__="os", __class__="system")
        else:  # a parameter pointing at os.system, loaded as a function
            schema["content"]["content"]["tokenizer"] = {
                "__class__": "system", "__module__": "os", "__loader__": "FunctionNode"}

    _rewrite_schema(saved, tmp_path / "evil.skops", edit)
    with pytest.raises(UntrustedTypesError, match="os.system"):
        load(tmp_path / "evil.skops")
    assert calls == []


def test_inconsistent_arrays_are_refused(fitted, tmp_path):
    state = fitted.__getstate__()
    state["idf_"] = state["idf_"][:-1]
    with pytest.raises(ValueError, match="idf_"):
        object.__new__(W2V).__setstate__(state)
    # The same edit in a file: the schema of a plain dict of that state, relabelled as W2V.
    (tmp_path / "dict.skops").write_bytes(sio.dumps(state))
    _rewrite_schema(tmp_path / "dict.skops", tmp_path / "bad.skops", lambda s: s.update(
        __class__="W2V", __module__=W2V.__module__, __loader__="ObjectNode",
        content={k: s.pop(k) for k in list(s) if k not in ("protocol", "_skops_version")}))
    with pytest.raises(ModelFileError, match="idf_"):
        load(tmp_path / "bad.skops")


def test_joblib_stays_and_trusted_is_refused_there(fitted, docs, tmp_path):
    save(fitted, tmp_path / "m.joblib")
    np.testing.assert_array_equal(load(tmp_path / "m.joblib").transform(docs),
                                  fitted.transform(docs))
    with pytest.raises(ValueError, match="trusted"):
        load(tmp_path / "m.joblib", trusted=["os.system"])
    with pytest.raises(ModelFileError):
        load(tmp_path / "m.joblib", format="skops")  # a pickle is never unpickled as skops


def _loads_or_refuses(path, docs, expected):
    try:
        model = load(path)
    except (ModelFileError, UntrustedTypesError):
        return
    np.testing.assert_array_equal(model.transform(docs), expected)


@FUZZ
@given(data=st.binary(max_size=300), zip_header=st.booleans())
def test_fuzz_random_bytes_raise_a_clear_error(tmp_path_factory, data, zip_header):
    path = tmp_path_factory.mktemp("rb") / "r.skops"
    path.write_bytes((b"PK\x03\x04" if zip_header else b"") + data)
    with pytest.raises(ModelFileError):
        load(path)


@FUZZ
@given(cut=st.integers(1, 10**6), flip=st.integers(0, 10**6), byte=st.integers(0, 255))
def test_fuzz_truncated_and_damaged_files(tmp_path_factory, saved, fitted, docs, cut, flip,
                                          byte):
    data = saved.read_bytes()
    folder = tmp_path_factory.mktemp("dm")
    (folder / "cut.skops").write_bytes(data[: len(data) - 1 - cut % len(data)])
    with pytest.raises(ModelFileError):
        load(folder / "cut.skops")
    damaged = bytearray(data)
    damaged[flip % len(data)] = byte
    (folder / "flip.skops").write_bytes(bytes(damaged))
    _loads_or_refuses(folder / "flip.skops", docs[:20], fitted.transform(docs[:20]))


def test_a_fit_from_pretrained_keyed_vectors_round_trips(docs, tmp_path):
    """``init_vectors`` (a KeyedVectors) and ``freeze_init`` are stored as data and come back."""
    base = W2V(**FAST).fit(docs)
    kv = KeyedVectors(8)
    kv.add_vectors(base.wv_.index_to_key[:5], base.wv_.vectors[:5])
    model = W2V(**{**FAST, "init_vectors": kv, "freeze_init": True}).fit(docs)
    path = tmp_path / "pretrained.skops"
    save(model, path)
    again = load(path)
    params = again.get_params()
    restored = params.pop("init_vectors")
    assert isinstance(restored, KeyedVectors) and restored.index_to_key == kv.index_to_key
    np.testing.assert_array_equal(restored.vectors, kv.vectors)
    assert params == {k: v for k, v in model.get_params().items() if k != "init_vectors"}
    np.testing.assert_array_equal(again.pretrained_rank_, model.pretrained_rank_)
    np.testing.assert_array_equal(again.transform(docs), model.transform(docs))
    again.partial_fit(docs[:3])  # continues from the loaded model
    assert np.isfinite(again.wv_.vectors).all()
