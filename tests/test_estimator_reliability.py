"""Reliability of the estimator: clear errors on bad input, divergence detection, interrupt
safety, and thread safety under load (saves: test_vectors_persistence.py)."""

import _thread
import os
import signal
import threading
import time
import warnings
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning

import sklearn_w2v.backends.numba._trainer as numba_trainer  # its thread loop is timed below
import sklearn_w2v.estimator._setup as stage_setup  # get_trainer replaced below
import sklearn_w2v.estimator._stages as stages_module  # document_statistics replaced below
from sklearn_w2v import W2V, LineCorpus
from sklearn_w2v.text import DEFAULT_BLOCK_SIZE, MAX_SENTENCE_LENGTH
from sklearn_w2v.training import DIVERGED_NORM, SUSPECT_SCORE, check_converged

from helpers import planted_corpus

FAST = dict(vector_size=8, min_count=1, epochs=2, n_jobs=1, random_state=0)


@pytest.fixture(scope="module")
def fitted(docs):
    return W2V(**FAST).fit(docs)


def untouched():
    """A generator that fails the test if anything reads it."""
    raise AssertionError("the corpus was read before the parameters were checked")
    yield  # pragma: no cover


# ------------------------------------------------------------ bad input


@pytest.mark.parametrize("params,message", [
    (dict(vector_size=0), "vector_size"),
    (dict(window=-1), "window"),
    (dict(negative=0), "negative"),
    (dict(sample=-0.1), "sample"),
    (dict(alpha=0), "alpha"),
    (dict(alpha=-1.0), "alpha"),
    (dict(alpha=0.01, min_alpha=0.02), "min_alpha"),
    (dict(epochs=0), "epochs"),
    (dict(backend="no-such-backend"), "backend"),
    (dict(temp_folder=5), "temp_folder"),
    (dict(temp_folder="/no/such/folder"), "temp_folder"),
])
def test_invalid_parameters_fail_before_reading_the_corpus(params, message):
    # Device validation arrives with the torch backend's ``device`` parameter.
    with pytest.raises(ValueError, match=message):
        W2V(**{**FAST, **params}).fit(untouched())


@pytest.mark.parametrize("X,error,message", [
    ([], ValueError, "no documents"),
    (iter([]), ValueError, "no documents"),
    ([["a", "b"], ["c"]], ValueError, "min_count=5"),  # every word is rare
    (["", "   "], ValueError, "min_count"),  # only empty documents
    ("a bare string", TypeError, "single str"),
    (b"bytes", TypeError, "single bytes"),
    (["fine", None], TypeError, "Document 1 is a NoneType"),
    (["fine", 3.5], TypeError, "Document 1 is a float"),
    ([b"raw bytes"], TypeError, "Document 0 is a bytes"),
    ([["a", None]], TypeError, "token"),
    ([["a", 7]], TypeError, "token of type int"),
    ([["a", b"b"]], TypeError, "token of type bytes"),
])
def test_bad_documents_give_clear_errors(X, error, message):
    kw = {**FAST, "min_count": 5}
    with pytest.raises(error, match=message):
        W2V(**kw).fit(X)


def test_non_utf8_corpus_file_is_decoded_with_replacement(tmp_path):
    path = tmp_path / "latin1.txt"
    text = "caf\u00e9 na\u00efve caf\u00e9 ok\n".encode("latin-1") * 20 + b"\xff\xfe ok ok\n"
    path.write_bytes(text)
    corpus = LineCorpus(path)
    for kw in ({}, {"max_vocab_size": 100}, {"temp_folder": tmp_path}):  # fast, generic, on disk
        model = W2V(**{**FAST, **kw}).fit(corpus)
        assert "caf\ufffd" in model.wv_ and "ok" in model.wv_
        assert np.isfinite(model.wv_.vectors).all()


def test_a_line_longer_than_a_block(tmp_path):
    """A single 3 MiB line (three 1 MiB read blocks) is read in bounded blocks and pieces, and
    trains alike on every path (``examples/out_of_core_memory.py --one-line`` measures 100 MB).
    """
    rng = np.random.default_rng(0)
    words = np.array(["alpha", "beta", "gamma", "delta", "eps"])
    tokens = words[rng.integers(5, size=600_000)]
    line = " ".join(tokens)
    assert len(line) > 3 * (1 << 20)
    path = tmp_path / "one_line.txt"
    path.write_text(line)  # no final newline either
    corpus = LineCorpus(path)
    assert max(map(len, corpus.iter_blocks())) <= 2 * DEFAULT_BLOCK_SIZE  # never the whole line
    assert max(map(len, corpus)) == MAX_SENTENCE_LENGTH  # iterated in pieces, as trained
    kw = {**FAST, "epochs": 1}
    from_file = W2V(**kw).fit(corpus)
    on_disk = W2V(**kw, temp_folder=tmp_path).fit(corpus)
    generic = W2V(**kw, max_vocab_size=100).fit(corpus)  # pruning: the document-by-document path
    from_string = W2V(**kw).fit([line])
    for m in (from_file, on_disk, generic, from_string):
        assert m.training_stats_["n_corpus_words"] == 600_000
        assert sorted(m.wv_.index_to_key) == sorted(words)
        np.testing.assert_array_equal(m.wv_.vectors, from_string.wv_.vectors)
    assert [m.training_stats_["n_documents"] for m in (from_file, generic, from_string)] == [
        1, 60, 1]  # iterated, the line is 60 documents of 10,000 tokens


# ------------------------------------------------------------ divergence


@pytest.mark.parametrize("alpha", [1e6, 1e3])
@pytest.mark.parametrize("sg", [0, 1])
def test_divergence_is_an_error_not_garbage(docs, alpha, sg):
    model = W2V(**{**FAST, "alpha": alpha, "sg": sg, "epochs": 5})
    with pytest.raises(FloatingPointError, match="diverged.*smaller alpha"):
        model.fit(docs)
    assert not hasattr(model, "wv_")


@pytest.mark.parametrize("backend", ["numba", "torch"])
@pytest.mark.parametrize("sg", [0, 1])
def test_too_fast_training_warns_and_sane_training_does_not(docs, backend, sg):
    if backend == "torch":
        pytest.importorskip("torch")
    kw = {**FAST, "epochs": 5, "sg": sg, "backend": backend}
    if backend == "torch":
        kw["device"] = "cpu"
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        W2V(**kw).fit(docs)  # the default alpha
    with pytest.warns(ConvergenceWarning, match="too fast.*smaller alpha"):
        model = W2V(**kw, alpha=3.0).fit(docs)  # typical scores in the thousands here
    assert hasattr(model, "wv_")  # a warning, not an error: the vectors are kept


def test_check_converged_threshold():
    ok = np.full((3, 4), 1.0, dtype=np.float32)
    check_converged(ok, ok, 0.025)
    big = ok.copy()
    big[1] = DIVERGED_NORM  # norm 2 * DIVERGED_NORM
    with pytest.raises(FloatingPointError, match="context vector has norm"):
        check_converged(ok, big, 0.025)
    # Rows of norm 2 (ok) times rows of norm 2 * k: typical scores of 4 * k.
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        check_converged(ok * SUSPECT_SCORE / 4.2, ok, 0.025)
        check_converged(ok, ok * SUSPECT_SCORE / 4.2, 0.025)
    for word, context in ((ok * SUSPECT_SCORE / 3.8, ok), (ok, ok * SUSPECT_SCORE / 3.8)):
        with pytest.warns(ConvergenceWarning, match="too fast.*scores of 10[0-9]"):
            check_converged(word, context, 0.025)
    few_long = np.ones((1000, 4), dtype=np.float32)
    few_long[:5] = 1000.0  # a few long rows (0.5%) are not the typical score
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        check_converged(few_long, few_long, 0.025)
    nan = ok.copy()
    nan[0, 0] = np.nan
    with pytest.raises(FloatingPointError, match="non-finite word"):
        check_converged(nan, ok, 0.025)
    inf = ok.copy()
    inf[2, 3] = -np.inf
    with pytest.raises(FloatingPointError, match="non-finite context"):
        check_converged(ok, inf, 0.025)
    huge = ok.copy()
    huge[0] = np.finfo(np.float32).max  # finite: its norm is large, not non-finite
    with pytest.raises(FloatingPointError, match="word vector has norm"):
        check_converged(huge, ok, 0.025)


# ------------------------------------------------------------ interrupts


def snapshot(model):
    return {
        "vectors": model.wv_.vectors.copy(),
        "words": list(model.wv_.index_to_key),
        "context": model.context_vectors_.copy(),
        "stats": dict(model.training_stats_),
        "idf": model.idf_.copy(),
        "calls": model._n_training_calls,
    }


def assert_unchanged(model, before):
    after = snapshot(model)
    for key in ("vectors", "context", "idf"):
        np.testing.assert_array_equal(after[key], before[key])
    assert after["words"] == before["words"]
    assert after["stats"] == before["stats"] and after["calls"] == before["calls"]


class Scribbler:
    """A trainer that half-updates the weights it is given, then is interrupted."""

    name = "scribbler"

    def train(self, corpus, counts, config, inp, out, *, frozen=None):
        inp[:] = 123.0
        out[:] = 456.0
        raise KeyboardInterrupt


@pytest.mark.parametrize("where", ["training", "document statistics"])
def test_interrupt_leaves_fresh_estimator_unfitted(docs, monkeypatch, where):
    if where == "training":
        monkeypatch.setattr(stage_setup, "get_trainer", lambda name, **kw: Scribbler())
    else:  # after the weights are stored on the staged copy
        def interrupted(*args):
            raise KeyboardInterrupt
        monkeypatch.setattr(stages_module, "document_statistics", interrupted)
    model = W2V(**FAST)
    with pytest.raises(KeyboardInterrupt):
        model.fit(docs)
    assert not any(k.endswith("_") and not k.startswith("__") for k in vars(model))
    assert vars(model) == vars(W2V(**FAST))


@pytest.mark.parametrize("method", ["fit", "partial_fit"])
@pytest.mark.parametrize("where", ["training", "document statistics"])
def test_interrupt_keeps_previous_fitted_state(docs, monkeypatch, method, where):
    model = W2V(**FAST).fit(docs)
    before = snapshot(model)
    if where == "training":
        monkeypatch.setattr(stage_setup, "get_trainer", lambda name, **kw: Scribbler())
    else:
        def interrupted(*args):
            raise KeyboardInterrupt
        monkeypatch.setattr(stages_module, "document_statistics", interrupted)
    with pytest.raises(KeyboardInterrupt):
        getattr(model, method)(docs + [["brand", "new", "words"]])
    assert_unchanged(model, before)
    monkeypatch.undo()
    model.partial_fit([["brand", "new", "words"]] * 3)  # still usable
    assert "brand" in model.wv_


def test_real_interrupt_stops_threads_promptly(monkeypatch):
    """``interrupt_main`` during a multi-threaded fit: threads stop, state is kept."""
    # A process started in the background by a non-interactive shell ignores
    # SIGINT, and then interrupt_main does nothing: install Python's handler.
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        _interrupt_during_fit(monkeypatch)
    finally:
        signal.signal(signal.SIGINT, previous)


def _interrupt_during_fit(monkeypatch):
    docs = planted_corpus(n_groups=4, group_size=8, n_docs=200, doc_len=10)[0]
    model = W2V(**{**FAST, "n_jobs": 2}).fit(docs)
    before = snapshot(model)
    # 480k tokens per epoch x 2000 epochs: minutes, even at full speed.
    big = planted_corpus(n_groups=4, group_size=8, n_docs=40_000, doc_len=12)[0]
    model.set_params(epochs=2000, vector_size=8)
    threads_before = threading.active_count()
    fired = []

    def fire():
        fired.append(time.perf_counter())
        _thread.interrupt_main()

    real_run = numba_trainer.NumbaTrainer._run

    def run_with_timer(self, workers, *args):  # interrupt once training has started
        threading.Timer(0.5, fire).start()
        return real_run(self, workers, *args)

    monkeypatch.setattr(numba_trainer.NumbaTrainer, "_run", run_with_timer)
    with pytest.raises(KeyboardInterrupt):
        model.fit(big)
    stopped = time.perf_counter()
    assert fired, "the fit ended before the interrupt"
    print(f"stopped {stopped - fired[0]:.3f}s after the interrupt")
    assert stopped - fired[0] < 5.0  # one job per thread (~65k tokens) at most, even niced
    time.sleep(0.1)
    assert threading.active_count() <= threads_before
    model.set_params(epochs=FAST["epochs"])
    assert_unchanged(model, before)


# ------------------------------------------------------------ under load


@pytest.mark.parametrize("agg", ["mean", "max", "tfidf", "sif"])
def test_concurrent_transform_equals_serial(docs, agg):
    model = W2V(**{**FAST, "agg": agg, "norm": "l2"}).fit(docs)
    batches = [docs[k : k + 37] for k in range(0, len(docs), 37)] * 4
    serial = [model.transform(b) for b in batches]
    with ThreadPoolExecutor(max_workers=8) as pool:
        parallel = list(pool.map(model.transform, batches))
    for a, b in zip(serial, parallel):
        np.testing.assert_array_equal(a, b)


def test_concurrent_fits_equal_serial_fits(docs, tmp_path):
    params = [dict(FAST, random_state=s) for s in range(3)] + [dict(FAST, temp_folder=tmp_path)]
    serial = [W2V(**p).fit(docs).wv_.vectors for p in params]
    models = [W2V(**p) for p in params]
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(lambda m: m.fit(docs), models))
    for m, expected in zip(models, serial):
        np.testing.assert_array_equal(m.wv_.vectors, expected)  # n_jobs=1: bit-for-bit
    assert os.listdir(tmp_path) == []
