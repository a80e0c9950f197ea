"""Where ids are stored: in memory or on disk (``temp_folder``), with the same result; int64
offsets.
"""

import os

import numpy as np
import pytest

import sklearn_w2v.estimator._setup as stage_setup  # get_trainer replaced below
from sklearn_w2v import W2V, LineCorpus
from sklearn_w2v.backends import numba as nk
from sklearn_w2v.backends.numba import JobQueue, job_bounds
from sklearn_w2v.corpus import (
    CHUNK_TOKENS,
    TempArrays,
    encode_documents,
    encode_for_training,
    encode_with_vocabulary,
    remap,
    scan_and_encode,
)
from sklearn_w2v.training import TrainConfig, alias_table, keep_thresholds, noise_distribution
from sklearn_w2v.vocabulary import prepare_vocabulary

from helpers import assert_same_encoding, planted_corpus

FAST = dict(vector_size=8, min_count=1, epochs=2, n_jobs=1, random_state=0)


def ragged_docs(n=400, seed=1):
    """Documents of varied length (some empty, some past the 10,000-token cut) over a Zipf-ish
    vocabulary.
    """
    rng = np.random.default_rng(seed)
    docs = []
    for k in range(n):
        length = 12_345 if k == 7 else int(rng.integers(0, 30))
        docs.append([f"w{int(i)}" for i in rng.zipf(1.5, size=length) % 300])
    return docs


@pytest.mark.parametrize("chunk_tokens", [1, 7, 1000, None])
@pytest.mark.parametrize("kw", [dict(min_count=1), dict(min_count=3),
                                dict(min_count=1, max_vocab_size=40),
                                dict(min_count=2, max_final_vocab=25)])
def test_on_disk_encoding_equals_in_memory(tmp_path, chunk_tokens, kw):
    docs = ragged_docs()
    with TempArrays(tmp_path, chunk_tokens or CHUNK_TOKENS) as store:
        disk = encode_for_training(iter(docs), store=store, **kw)
        assert isinstance(disk.corpus.ids, np.memmap)
        assert_same_encoding(disk, encode_for_training(docs, **kw))
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("chunk_tokens", [1, 50, None])
def test_on_disk_fixed_vocabulary_equals_in_memory(tmp_path, chunk_tokens):
    docs = ragged_docs()
    counts = {f"w{k}": 300 - k for k in range(0, 300, 2)}
    with TempArrays(tmp_path, chunk_tokens or CHUNK_TOKENS) as store:
        disk = encode_with_vocabulary(iter(docs), counts, min_count=5, store=store)
        assert_same_encoding(disk, encode_with_vocabulary(docs, counts, min_count=5))


def test_every_input_kind_goes_to_disk(tmp_path):
    docs = ragged_docs(60)
    path = tmp_path / "corpus.txt"
    path.write_text("\n".join(" ".join(d) for d in docs) + "\n")
    folder = tmp_path / "tmp"
    folder.mkdir()
    for X, kw in [(LineCorpus(path), {}), (LineCorpus(path), {"word_counts": {"w1": 9, "w2": 5}}),
                  (iter(docs), {}), (docs, {"word_counts": {"w1": 9}})]:
        with TempArrays(folder) as store:
            result = encode_documents(X, min_count=1, store=store, **kw)
            assert isinstance(result.corpus.ids, np.memmap), X
            assert_same_encoding(result, encode_documents(
                docs if not isinstance(X, LineCorpus) else X, min_count=1, **kw))
    assert os.listdir(folder) == []


def test_remap_on_disk_matches_remap_when_words_and_sentences_vanish(tmp_path):
    docs = [["a", "x"], ["x"], ["b", "x", "c"], [], ["x", "x"], ["a"]]
    raw, scanned = scan_and_encode(docs)
    _, id_map = prepare_vocabulary(raw, min_count=2)  # only "x" and "a" survive
    expected = remap(scanned, id_map)
    # x (5 times) is word 0, a (twice) word 1; b, c and the empty document vanish.
    assert expected.ids.tolist() == [1, 0, 0, 0, 0, 0, 1]
    assert expected.offsets.tolist() == [0, 2, 3, 4, 6, 7]
    for chunk in (1, 2, 3, 100):
        with TempArrays(tmp_path, chunk) as store:
            disk = encode_for_training(docs, min_count=2, store=store).corpus
            np.testing.assert_array_equal(np.asarray(disk.ids), expected.ids)
            np.testing.assert_array_equal(disk.offsets, expected.offsets)


def test_fit_with_temp_folder_equals_in_memory_and_cleans_up(tmp_path):
    docs = planted_corpus(n_groups=3, group_size=6, n_docs=300, doc_len=10)[0]
    path = tmp_path / "corpus.txt"
    path.write_text("\n".join(" ".join(d) for d in docs) + "\n")
    folder = tmp_path / "tmp"
    folder.mkdir()
    for X in (docs, LineCorpus(path)):
        memory = W2V(**FAST).fit(X)
        disk = W2V(**FAST, temp_folder=str(folder)).fit(X)
        np.testing.assert_array_equal(memory.wv_.vectors, disk.wv_.vectors)
        np.testing.assert_array_equal(memory.transform(docs), disk.transform(docs))
        assert os.listdir(folder) == []
    one_shot = W2V(**FAST, temp_folder=folder).fit(iter(docs))  # a generator, read once; a Path
    np.testing.assert_array_equal(one_shot.wv_.vectors, W2V(**FAST).fit(docs).wv_.vectors)


def test_temp_folder_removed_on_error_and_interrupt(tmp_path, monkeypatch):
    docs = planted_corpus(n_groups=2, group_size=4, n_docs=50, doc_len=8)[0]
    seen = []

    class Boom:
        name = "boom"

        def __init__(self, exc):
            self.exc = exc

        def train(self, corpus, *args, **kwargs):
            seen.append(os.listdir(tmp_path))  # the private folder exists during training
            raise self.exc

    for exc in (RuntimeError("boom"), KeyboardInterrupt()):
        monkeypatch.setattr(stage_setup, "get_trainer", lambda name, exc=exc, **kw: Boom(exc))
        with pytest.raises(type(exc)):
            W2V(**FAST, temp_folder=tmp_path).fit(docs)
        assert os.listdir(tmp_path) == []
    assert all(len(s) == 1 and s[0].startswith("sklearn_w2v-") for s in seen)


def test_bad_temp_folder(tmp_path):
    with pytest.raises(ValueError, match="not an existing folder"):
        W2V(**FAST, temp_folder=str(tmp_path / "missing")).fit([["a"]])
    with pytest.raises(ValueError, match="temp_folder"):
        W2V(**FAST, temp_folder=3).fit([["a"]])


# ------------------------------------------------ beyond 2**31 tokens

BIG = 2**31 + 3 * 65_536 + 17  # more tokens than an int32 can count


def test_jobs_and_shares_beyond_int32():
    lengths = np.array([2**31, 2**31, 5, 2**30, 70_000, 3], dtype=np.int64)
    offsets = np.concatenate(([0], np.cumsum(lengths)))
    assert offsets[-1] > 2**32
    jobs = job_bounds(offsets, 0, len(lengths))
    assert jobs[0] == 0 and jobs[-1] == len(lengths) and np.all(np.diff(jobs) > 0)
    assert jobs.dtype == np.int64
    queue = JobQueue(offsets, jobs, TrainConfig(epochs=2), n_workers=2)
    queue.open(range(2))
    taken = [*iter(lambda: queue.take(0), None), *iter(lambda: queue.take(1), None)]
    assert sum(j.tokens for j in taken) == 2 * offsets[-1]
    assert 0 < taken[-1].alpha_end < taken[-1].alpha_start < taken[0].alpha_start


def test_kernel_indexes_tokens_beyond_int32(tmp_path):
    """Train the last sentences of a sparse 8 GiB id file: positions past 2**31 must not wrap."""
    path = tmp_path / "ids.bin"
    try:
        with open(path, "wb") as f:
            f.truncate(BIG * 4)  # sparse: only the pages touched below take disk space
        ids = np.memmap(path, dtype=np.int32, mode="r+", shape=(BIG,))
    except (OSError, ValueError, OverflowError) as exc:  # no sparse files or no 64-bit mmap
        pytest.skip(f"cannot map an 8 GiB sparse file here: {exc}")
    tail = 1000
    ids[BIG - tail:] = np.arange(tail) % 4  # words 0..3; the rest of the file is word 0
    offsets = np.array([0, BIG - tail, BIG - tail // 2, BIG], dtype=np.int64)
    counts = np.array([10, 10, 10, 10], dtype=np.int64)
    rng = np.random.default_rng(0)
    inp = ((rng.random((4, 8), dtype=np.float32) - 0.5) / 8).astype(np.float32)
    out = np.zeros((4, 8), dtype=np.float32)
    noise_keep, noise_alias = alias_table(noise_distribution(counts, 0.75))
    state = np.array([12345], dtype=np.uint64)
    trained, _ = nk.train_sentences(
        ids, offsets, 1, 3, inp, out, np.zeros(4, dtype=np.uint8), keep_thresholds(counts, 0.0),
        noise_keep, noise_alias,
        True, nk.SG_BLOCK, True, 2, 2, False, False, 0.025, 0.0001, state, False,
        *nk.hot_copies(out, 0), np.zeros(1, dtype=np.int64), 0,
        *nk.work_buffers(2, 2, 8, tail // 2),
    )
    assert trained == tail  # exactly the tokens of sentences 1 and 2, read past 2**31
    assert np.abs(out).sum() > 0 and np.isfinite(inp).all()
    del ids


def test_corpus_pieces_cover_the_corpus_in_bounded_slices():
    corpus = encode_for_training(ragged_docs(), min_count=1).corpus
    for max_tokens in (1, 100, 5000, 10**9):
        pieces = list(corpus.pieces(max_tokens))
        assert sum(p.n_sentences for p in pieces) == corpus.n_sentences
        np.testing.assert_array_equal(np.concatenate([p.ids for p in pieces]), corpus.ids)
        assert all(p.n_tokens <= max_tokens + 10_000 for p in pieces)
