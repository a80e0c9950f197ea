"""LineCorpus and its fast path: identical to the generic path on awkward files."""

import doctest
import gzip
from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sklearn_w2v import LineCorpus
from sklearn_w2v import byte_tokens
from sklearn_w2v.byte_tokens import ByteTokenCounter
from sklearn_w2v.corpus import encode_documents, encode_for_training, encode_with_vocabulary
from sklearn_w2v.corpus_file import encode_line_corpus
from sklearn_w2v.text import iter_token_lists

# Invalid UTF-8 tokens that all decode to "\ufffd" (the last one is the valid
# encoding of U+FFFD itself), and two that decode to "a\ufffd".
AWKWARD = (
    b"the cat\tsat on\x0bthe mat\r\n"
    b"\xff dog \xfe\x0c the a\xff\r\n"
    b"\n"
    b"   \t \r\n"
    b"a\xfe \xef\xbf\xbd cat the  dog\n"
    b"mat \xff sat\ta\xfe dog"  # no newline at the end
)


def write(path, data: bytes):
    if str(path).endswith(".gz"):
        with gzip.open(path, "wb") as f:
            f.write(data)
    else:
        path.write_bytes(data)
    return path


def generic(corpus, **kw):
    return encode_for_training(iter_token_lists(corpus), **kw)


def assert_same(fast, slow):
    (v1, c1, r1, d1), (v2, c2, r2, d2) = fast, slow
    assert v1.words == v2.words
    assert v1.counts.tolist() == v2.counts.tolist()
    assert v1.effective_min_count == v2.effective_min_count
    assert c1.ids.tolist() == c2.ids.tolist()
    assert c1.offsets.tolist() == c2.offsets.tolist()
    assert (r1, d1) == (r2, d2)


@pytest.fixture
def awkward_files(tmp_path):
    long_line = b" ".join([b"rare"] + [b"x", b"y"] * 12_500) + b"\n"  # 25,001 tokens
    return [
        write(tmp_path / "a.txt", AWKWARD),
        write(tmp_path / "b.txt.gz", long_line + AWKWARD + b"\n"),
        write(tmp_path / "empty.txt", b""),
        write(tmp_path / "c.txt", b"dog dog\n\xfe cat\n"),
    ]


def test_iteration_decodes_and_splits_like_bytes_split(tmp_path):
    corpus = LineCorpus(write(tmp_path / "a.txt", AWKWARD))
    docs = list(corpus)
    assert len(docs) == 6
    assert docs[0] == ["the", "cat", "sat", "on", "the", "mat"]
    assert docs[1] == ["\ufffd", "dog", "\ufffd", "the", "a\ufffd"]
    assert docs[2] == docs[3] == []
    assert docs[5] == ["mat", "\ufffd", "sat", "a\ufffd", "dog"]


@pytest.mark.parametrize("block_size", [1, 7, 64, 1 << 20])
def test_blocks_hold_whole_lines(awkward_files, block_size):
    corpus = LineCorpus(awkward_files)
    blocks = list(corpus.iter_blocks(block_size))
    assert all(b.endswith(b"\n") for b in blocks)
    lines = [line.split() for b in blocks for line in b.split(b"\n")[:-1]]
    expected = []
    for path in awkward_files:
        with (gzip.open if path.suffix == ".gz" else open)(path, "rb") as f:
            expected += [line.split() for line in f]
    assert lines == expected


def test_bad_block_size_and_missing_files(tmp_path):
    with pytest.raises(ValueError, match="block_size"):
        next(LineCorpus(write(tmp_path / "a.txt", b"a\n")).iter_blocks(0))
    with pytest.raises(FileNotFoundError):
        LineCorpus(tmp_path / "nope.txt")
    with pytest.raises(ValueError):
        LineCorpus([])


@pytest.mark.parametrize("kw", [
    dict(min_count=1), dict(min_count=2), dict(min_count=3),
    dict(min_count=1, max_final_vocab=3), dict(min_count=0),
])
@pytest.mark.parametrize("block_size", [5, 100, 1 << 20])
def test_fast_path_equals_generic_path(awkward_files, kw, block_size):
    corpus = LineCorpus(awkward_files)
    fast = encode_line_corpus(corpus, block_size=block_size, **kw)
    assert_same(fast, generic(corpus, **kw))
    words = fast[0].words
    assert len(set(words)) == len(words)  # tokens decoded alike are merged
    if kw["min_count"] <= 2 and "max_final_vocab" not in kw:
        assert "\ufffd" in words and "a\ufffd" in words


def test_merged_counts_and_cuts(awkward_files):
    vocab, corpus, n_raw, n_docs = encode_line_corpus(LineCorpus(awkward_files), min_count=2)
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
)
def test_fast_path_equals_generic_on_random_files(tmp_path_factory, docs, seps, trailing_newline,
                                                  min_count, block_size):
    lines = [seps[i % len(seps)].join(doc) + seps[-1] * (i % 2) for i, doc in enumerate(docs)]
    data = b"\n".join(lines) + (b"\n" if trailing_newline and lines else b"")
    path = write(tmp_path_factory.mktemp("h") / "r.txt", data)
    corpus = LineCorpus(path)
    assert_same(encode_line_corpus(corpus, min_count=min_count, block_size=block_size),
                generic(corpus, min_count=min_count))
    word_counts = {"\ufffd": 3, "cc": 3, "\u00e9": 2, "\ufffd\ufffd": 2, "a": 1, "zz": 9}
    assert_same(
        encode_line_corpus(corpus, min_count=min_count, block_size=block_size,
                           word_counts=word_counts),
        encode_with_vocabulary(iter_token_lists(corpus), word_counts, min_count=min_count),
    )


def test_fixed_vocabulary_fast_path_equals_generic(awkward_files):
    corpus = LineCorpus(awkward_files)
    word_counts = {"dog": 5, "\ufffd": 5, "the": 7, "unseen": 9, "x": 2, "cat": 1}
    for kw in (dict(min_count=1), dict(min_count=2, max_final_vocab=3)):
        fast = encode_line_corpus(corpus, word_counts=word_counts, **kw)
        slow = encode_with_vocabulary(iter_token_lists(corpus), word_counts, **kw)
        assert_same(fast, slow)
    vocab = fast[0]
    assert vocab.words == ["unseen", "the"]  # the two above 5 (ties at the cut drop out)
    assert fast[2] == generic(corpus, min_count=1)[2]  # every token counted as read


def test_dispatch(awkward_files, monkeypatch):
    corpus = LineCorpus(awkward_files)
    calls = []
    import sklearn_w2v.corpus_file as cf

    real = cf.encode_line_corpus
    monkeypatch.setattr(cf, "encode_line_corpus", lambda *a, **k: calls.append(1) or real(*a, **k))
    assert_same(encode_documents(corpus, min_count=1), generic(corpus, min_count=1))
    assert calls == [1]
    # gensim's pruning during the scan needs the generic path.
    pruned = encode_documents(corpus, min_count=1, max_vocab_size=3)
    assert_same(pruned, generic(corpus, min_count=1, max_vocab_size=3))

    class Lowercased(LineCorpus):
        def __iter__(self):
            return ([t.lower() for t in doc] for doc in super().__iter__())

    encode_documents(Lowercased(awkward_files), min_count=1)
    assert calls == [1]


def test_ids_go_where_the_allocator_says(awkward_files, tmp_path):
    path = tmp_path / "ids.bin"
    allocate = lambda n: np.memmap(path, dtype=np.int32, mode="w+", shape=(n,))  # noqa: E731
    corpus = LineCorpus(awkward_files)
    fast = encode_line_corpus(corpus, min_count=1, allocate=allocate)
    assert isinstance(fast[1].ids, np.memmap)
    assert_same(fast, generic(corpus, min_count=1))
    assert np.fromfile(path, dtype=np.int32).tolist() == fast[1].ids.tolist()
    with pytest.raises(TypeError, match="int32"):
        encode_line_corpus(corpus, allocate=lambda n: np.empty(n, dtype=np.int64))


def test_files_changed_between_passes(tmp_path, monkeypatch):
    corpus = LineCorpus(write(tmp_path / "a.txt", b"a b\n"))
    texts = iter([[b"a b\n"], [b"a b c\n"]])
    monkeypatch.setattr(LineCorpus, "iter_blocks", lambda self, size: next(texts))
    with pytest.raises(RuntimeError, match="changed"):
        encode_line_corpus(corpus, min_count=1)


def test_byte_token_counter_grows_and_counts_like_counter():
    rng = np.random.default_rng(0)
    tokens = [bytes(rng.integers(33, 127, size=rng.integers(1, 30)).astype(np.uint8))
              for _ in range(3000)]
    text = b" ".join(tokens[i] for i in rng.integers(0, len(tokens), size=20_000))
    counter = ByteTokenCounter(capacity=1)
    for k in range(0, len(text), 10_000):  # blocks split mid-token are fine for counting
        counter.update(text[k : k + 10_000])
    expected = Counter()
    for k in range(0, len(text), 10_000):
        expected.update(text[k : k + 10_000].split())
    assert counter.tokens() == list(expected)
    assert counter.counts.tolist() == list(expected.values())
    assert counter.n_read == sum(expected.values())


def test_byte_tokens_docstring_examples():
    result = doctest.testmod(byte_tokens)
    assert result.attempted > 0 and result.failed == 0


def test_byte_token_counter_find_and_non_ascii():
    counter = ByteTokenCounter()
    counter.update("caf\u00e9 cafe \xff".encode("utf-8") + b" \xff\n")
    assert counter.tokens() == ["caf\u00e9".encode(), b"cafe", "\xff".encode(), b"\xff"]
    assert counter.non_ascii().tolist() == [True, False, True, True]
    found = [counter.find(t) for t in ("caf\u00e9", b"cafe", b"\xff", "", "caf")]
    assert found == [0, 1, 3, -1, -1]


def test_fit_on_files(tmp_path, awkward_files):
    from sklearn_w2v import W2V

    with pytest.raises(ValueError, match="no documents"):
        W2V().fit(LineCorpus(write(tmp_path / "e.txt", b"")))
    with pytest.raises(ValueError, match="min_count=5"):
        W2V().fit(LineCorpus(write(tmp_path / "r.txt", b"a b\nc\n")))
    model = W2V(vector_size=4, min_count=2, epochs=1, n_jobs=1, random_state=0)
    model.fit(LineCorpus(awkward_files))
    assert model.training_stats_["n_documents"] == 15
    assert "\ufffd" in model.wv_ and model.wv_.get_vecattr("\ufffd", "count") == 9
