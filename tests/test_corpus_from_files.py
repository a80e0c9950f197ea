"""The file path of encoding (a LineCorpus counted and encoded in big blocks): identical to the
generic path.
"""

import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sklearn_w2v import LineCorpus
from sklearn_w2v.corpus import (
    IdStore,
    MemoryStore,
    TempArrays,
    encode_documents,
    encode_for_training,
    encode_line_corpus,
    encode_with_vocabulary,
)
from sklearn_w2v.text import iter_token_lists

from helpers import assert_same_encoding, awkward_file_set, whole_lines, write


def generic(corpus, **kw):
    return encode_for_training(whole_lines(corpus.paths), **kw)


@pytest.fixture
def awkward_files(tmp_path):
    return awkward_file_set(tmp_path)


@pytest.mark.parametrize("kw", [
    dict(min_count=1), dict(min_count=2), dict(min_count=3),
    dict(min_count=1, max_final_vocab=3), dict(min_count=0),
])
@pytest.mark.parametrize("block_size", [5, 100, 1 << 20])
@pytest.mark.parametrize("n_threads", [1, 3])
def test_fast_path_equals_generic_path(awkward_files, kw, block_size, n_threads):
    corpus = LineCorpus(awkward_files)
    fast = encode_line_corpus(corpus, block_size=block_size, n_threads=n_threads, **kw)
    assert_same_encoding(fast, generic(corpus, **kw))
    words = fast.vocabulary.words
    assert len(set(words)) == len(words)  # tokens decoded alike are merged
    if kw["min_count"] <= 2 and "max_final_vocab" not in kw:
        assert "\ufffd" in words and "a\ufffd" in words


@pytest.mark.parametrize("block_size", [5, 1 << 20])
def test_iterating_in_pieces_trains_the_same_sentences(awkward_files, block_size):
    """Iterated, a LineCorpus yields long lines in pieces: same sentences, more documents."""
    corpus = LineCorpus(awkward_files)
    fast = encode_line_corpus(corpus, min_count=1, block_size=block_size)
    pieces = encode_for_training(iter_token_lists(corpus), min_count=1)
    assert np.asarray(pieces.corpus.ids).tolist() == np.asarray(fast.corpus.ids).tolist()
    assert pieces.corpus.offsets.tolist() == fast.corpus.offsets.tolist()
    assert pieces.n_documents == fast.n_documents + 2  # the 25,001-token line is 3 documents


def test_merged_counts_and_cuts(awkward_files):
    encoded = encode_line_corpus(LineCorpus(awkward_files), min_count=2)
    vocab, corpus, n_docs = encoded.vocabulary, encoded.corpus, encoded.n_documents
    counts = dict(zip(vocab.words, vocab.counts.tolist()))
    assert counts["\ufffd"] == 2 * (3 + 1) + 1  # \xff, \xfe, U+FFFD in AWKWARD twice; \xfe in c.txt
    assert counts["a\ufffd"] == 2 * 3
    assert "rare" not in counts
    assert n_docs == 6 + 1 + 6 + 2
    # The 25,001-token line is cut every 10,000 raw tokens, then 'rare' dropped
    # a.txt's two empty lines leave no sentence.
    assert np.diff(corpus.offsets).tolist()[4:7] == [9_999, 10_000, 5_001]


TOKENS = [b"a", b"b", b"cc", b"\xff", b"\xfe", b"\xc3", b"\xc3\xa9", b"\xe9"]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.lists(st.sampled_from(TOKENS), max_size=8),
        max_size=12,
    ),
    st.lists(st.sampled_from([b" ", b"\t", b"  ", b"\r", b"\x0c"]), min_size=1, max_size=4),
    st.booleans(),
    st.integers(1, 3),
    st.integers(1, 40),
    st.integers(1, 3),
)
def test_fast_path_equals_generic_on_random_files(tmp_path_factory, docs, seps, trailing_newline,
                                                  min_count, block_size, n_threads):
    lines = [seps[i % len(seps)].join(doc) + seps[-1] * (i % 2) for i, doc in enumerate(docs)]
    data = b"\n".join(lines) + (b"\n" if trailing_newline and lines else b"")
    path = write(tmp_path_factory.mktemp("h") / "r.txt", data)
    corpus = LineCorpus(path)
    assert_same_encoding(encode_line_corpus(corpus, min_count=min_count, block_size=block_size,
                                            n_threads=n_threads),
                generic(corpus, min_count=min_count))
    word_counts = {"\ufffd": 3, "cc": 3, "\u00e9": 2, "\ufffd\ufffd": 2, "a": 1, "zz": 9}
    assert_same_encoding(
        encode_line_corpus(corpus, min_count=min_count, block_size=block_size,
                           word_counts=word_counts, n_threads=n_threads),
        encode_with_vocabulary(whole_lines(corpus.paths), word_counts, min_count=min_count),
    )


def test_fixed_vocabulary_fast_path_equals_generic(awkward_files):
    corpus = LineCorpus(awkward_files)
    word_counts = {"dog": 5, "\ufffd": 5, "the": 7, "unseen": 9, "x": 2, "cat": 1}
    for kw in (dict(min_count=1), dict(min_count=2, max_final_vocab=3)):
        fast = encode_line_corpus(corpus, word_counts=word_counts, **kw)
        slow = encode_with_vocabulary(whole_lines(corpus.paths), word_counts, **kw)
        assert_same_encoding(fast, slow)
    vocab = fast.vocabulary
    assert vocab.words == ["unseen", "the"]  # the two above 5 (ties at the cut drop out)
    # every token counted as read
    assert fast.n_raw_words == generic(corpus, min_count=1).n_raw_words


def test_dispatch(awkward_files, monkeypatch):
    corpus = LineCorpus(awkward_files)
    expected = generic(corpus, min_count=1)
    iterations = []  # the generic path iterates documents; the file path reads blocks only
    real = LineCorpus.__iter__
    monkeypatch.setattr(LineCorpus, "__iter__",
                        lambda self: iterations.append(1) or real(self))
    assert_same_encoding(encode_documents(corpus, min_count=1), expected)
    assert iterations == []
    # gensim's pruning during the scan needs the generic path.
    pruned = encode_documents(corpus, min_count=1, max_vocab_size=3)
    assert iterations and set(iterations) == {1}
    assert_same_encoding(pruned, encode_for_training(real(corpus), min_count=1,
                                                     max_vocab_size=3))

    class Lowercased(LineCorpus):
        def __iter__(self):
            iterations.append(2)
            return ([t.lower() for t in doc] for doc in super().__iter__())

    del iterations[:]
    encode_documents(Lowercased(awkward_files), min_count=1)
    assert 2 in iterations


class OneFileStore(MemoryStore):
    """Puts an exactly sized id array in one memory-mapped file (or a wrong dtype, on request)."""

    def __init__(self, path, dtype=np.int32):
        self.path, self.dtype = path, dtype

    def reuse(self, ids, n):
        return None  # the ids go to allocate's file, not over the scan ids

    def allocate(self, n):
        if self.dtype != np.int32:
            return np.empty(n, dtype=self.dtype)
        return np.memmap(self.path, dtype=np.int32, mode="w+", shape=(n,))


def test_ids_go_where_the_store_says(awkward_files, tmp_path):
    path = tmp_path / "ids.bin"
    corpus = LineCorpus(awkward_files)
    fast = encode_line_corpus(corpus, min_count=1, store=OneFileStore(path))
    assert isinstance(fast.corpus.ids, np.memmap)
    assert_same_encoding(fast, generic(corpus, min_count=1))
    assert np.fromfile(path, dtype=np.int32).tolist() == fast.corpus.ids.tolist()
    assert isinstance(OneFileStore(path), IdStore)
    with pytest.raises(TypeError, match="int32"):
        encode_line_corpus(corpus, store=OneFileStore(path, np.int64))


@pytest.mark.parametrize("n_threads", [1, 2])
def test_files_are_read_once_and_the_ids_take_the_scan_ids_place(awkward_files, monkeypatch,
                                                                  n_threads):
    corpus = LineCorpus(awkward_files)
    reads = []
    real = LineCorpus.iter_blocks
    monkeypatch.setattr(LineCorpus, "iter_blocks",
                        lambda self, size: reads.append(size) or real(self, size))
    store = MemoryStore()
    kept = []
    real_writer = store.writer

    def writer():
        kept.append(real_writer())
        return kept[-1]

    store.writer = writer
    encoded = encode_line_corpus(corpus, min_count=2, store=store, n_threads=n_threads)
    assert len(reads) == 1  # one pass over the files: counting keeps the scan ids
    assert_same_encoding(encoded, generic(corpus, min_count=2))
    # In memory the word ids are written over the scan ids: no second array.
    assert np.shares_memory(encoded.corpus.ids, kept[0].finish())


def test_scan_ids_must_be_those_of_the_counting(awkward_files):
    from sklearn_w2v.corpus import encode_counted
    from sklearn_w2v.vocabulary import count_line_corpus

    corpus = LineCorpus(awkward_files)
    plain = count_line_corpus(corpus)
    vocabulary, token_ids = plain.vocabulary(1)
    with pytest.raises(ValueError, match="kept no scan ids"):
        encode_counted(np.zeros(3, np.int32), plain, vocabulary)
    writer = MemoryStore().writer()
    counts = count_line_corpus(corpus, keep_ids=writer.extend)
    ids = writer.finish()
    with pytest.raises(ValueError, match="scan ids, but the counting kept"):
        encode_counted(ids[:-1], counts, vocabulary)




def _long_lines_file(path, seed=0):
    """Lines of 0 to 3,000 tokens and some of 20,000 (several blocks each), Zipf-distributed."""
    rng = np.random.default_rng(seed)
    lines = []
    for i in range(60):
        n = 20_000 if i % 9 == 4 else int(rng.integers(0, 3_000))
        lines.append(b" ".join(b"w%d" % w for w in rng.zipf(1.4, size=n) % 700))
    return write(path, b"\n".join(lines))  # the last line without its newline


@pytest.mark.parametrize("block_size", [1 << 10, 1 << 14])
@pytest.mark.parametrize("max_sentence_length", [None, 1_000])
def test_threads_give_the_serial_ids_with_lines_longer_than_a_block(
        tmp_path, block_size, max_sentence_length):
    corpus = LineCorpus(_long_lines_file(tmp_path / "long.txt"))
    kw = dict(min_count=2, block_size=block_size, max_sentence_length=max_sentence_length)
    serial = encode_line_corpus(corpus, **kw)
    if max_sentence_length:
        assert serial.corpus.n_sentences > 60  # the cuts happened
    for n_threads in (2, 4):
        assert_same_encoding(encode_line_corpus(corpus, n_threads=n_threads, **kw), serial)


def test_threads_write_into_the_store(awkward_files, tmp_path):
    corpus = LineCorpus(awkward_files)
    with TempArrays(tmp_path) as store:
        fast = encode_line_corpus(corpus, min_count=1, store=store, n_threads=2)
        assert isinstance(fast.corpus.ids, np.memmap)
        assert_same_encoding(fast, generic(corpus, min_count=1))


def test_threads_with_max_vocab_size_keep_gensims_pruning(awkward_files):
    """Pruning during the scan needs document order: the generic path, whatever the threads."""
    corpus = LineCorpus(awkward_files)
    expected = encode_for_training(iter_token_lists(corpus), min_count=1, max_vocab_size=3)
    for n_threads in (1, 2):
        pruned = encode_documents(corpus, min_count=1, max_vocab_size=3, n_threads=n_threads)
        assert_same_encoding(pruned, expected)
    unpruned = encode_documents(corpus, min_count=1, n_threads=2)
    assert len(unpruned.vocabulary) > len(pruned.vocabulary)


def test_stage_times(awkward_files):
    for n_threads in (1, 2):
        encoded = encode_line_corpus(LineCorpus(awkward_files), min_count=1, n_threads=n_threads)
        assert encoded.count_seconds > 0 and encoded.encode_seconds > 0
        vocabulary, corpus, n_raw_words, n_documents = encoded  # still a 4-tuple
        assert n_documents == encoded.n_documents
    given = encode_line_corpus(LineCorpus(awkward_files), word_counts={"dog": 3})
    assert given.encode_seconds > 0


def test_stage_times_of_the_generic_paths_stay_within_the_call():
    docs = [["a", "b", "a"], ["c", "a"]] * 50
    for encode in (lambda: encode_for_training(docs, min_count=1),
                   lambda: encode_with_vocabulary(docs, {"a": 3, "b": 1}, min_count=1)):
        began = time.perf_counter()
        encoded = encode()
        took = time.perf_counter() - began
        assert encoded.count_seconds >= 0 and encoded.encode_seconds > 0
        assert encoded.count_seconds + encoded.encode_seconds <= took
