"""word2vec text/binary vectors and vocabulary files: layout, gensim round trips, strictness."""

import gzip
import os
import struct

import numpy as np
import pytest
from gensim.models import KeyedVectors
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sklearn_w2v.vectors._word2vec_format as fmt  # its batching is replaced below
from sklearn_w2v.vectors import (
    Word2VecFormatError,
    read_vectors,
    read_vectors_header,
    read_vocabulary,
    write_classes,
    write_keyed_vectors,
    write_vectors,
    write_vocabulary,
)

WORDS = ["the", "cät", "naïve", "日本", "x" * 30]


@pytest.fixture
def vectors():
    return np.random.default_rng(0).standard_normal((len(WORDS), 7)).astype(np.float32)


# ---------------------------------------------------------------- gensim round trips


@pytest.mark.parametrize("binary", [False, True])
def test_ours_write_gensim_reads(tmp_path, vectors, binary):
    path = tmp_path / "v"
    write_vectors(path, WORDS, vectors, binary=binary)
    kv = KeyedVectors.load_word2vec_format(str(path), binary=binary)
    assert kv.index_to_key == WORDS
    np.testing.assert_array_equal(kv.vectors, vectors)  # text keeps float32 exactly too


@pytest.mark.parametrize("binary", [False, True])
@pytest.mark.parametrize("detect", [False, True])
def test_gensim_writes_ours_reads(tmp_path, vectors, binary, detect):
    kv = KeyedVectors(vectors.shape[1])
    kv.add_vectors(WORDS, vectors)
    path = tmp_path / "g"
    kv.save_word2vec_format(str(path), binary=binary)
    got = read_vectors(path, binary=None if detect else binary)
    assert got.index_to_key == WORDS
    if binary:
        np.testing.assert_array_equal(got.vectors, vectors)
    else:  # gensim prints str(float32): shortest repr, also exact
        np.testing.assert_array_equal(got.vectors, vectors)
    # Without a vocabulary file counts are made up in descending order, as gensim does.
    assert [int(got.get_vecattr(w, "count")) for w in WORDS] == [5, 4, 3, 2, 1]


@pytest.mark.parametrize("binary", [False, True])
def test_gzip_round_trip(tmp_path, vectors, binary):
    path = tmp_path / "v.txt.gz"
    write_vectors(path, WORDS, vectors, binary=binary)
    with gzip.open(path, "rb") as f:
        assert f.read(4) == b"5 7\n"
    np.testing.assert_array_equal(read_vectors(path).vectors, vectors)
    kv = KeyedVectors.load_word2vec_format(str(path), binary=binary)
    np.testing.assert_array_equal(kv.vectors, vectors)


def test_keyed_vectors_with_counts_from_vocabulary(tmp_path, vectors):
    kv = KeyedVectors(vectors.shape[1])
    kv.add_vectors(WORDS, vectors)
    write_keyed_vectors(tmp_path / "v.bin", kv, binary=True)
    counts = {w: 10 * (i + 1) for i, w in enumerate(WORDS)}
    write_vocabulary(tmp_path / "vocab.txt", counts)
    got = read_vectors(tmp_path / "v.bin", vocabulary=tmp_path / "vocab.txt")
    assert {w: int(got.get_vecattr(w, "count")) for w in WORDS} == counts
    with pytest.raises(Word2VecFormatError, match="no count"):
        read_vectors(tmp_path / "v.bin", vocabulary={"the": 3})


# ---------------------------------------------------------------- exact layout


def test_binary_layout_is_the_c_tools(tmp_path):
    vecs = np.array([[1.5, -2.0, 0.1], [0.0, 3.25, -1e-8]], dtype=np.float32)
    write_vectors(tmp_path / "v.bin", ["ab", "ç"], vecs, binary=True)
    expected = (
        b"2 3\n"
        + b"ab " + struct.pack("<3f", 1.5, -2.0, 0.1) + b"\n"
        + "ç ".encode() + struct.pack("<3f", 0.0, 3.25, -1e-8) + b"\n"
    )
    assert (tmp_path / "v.bin").read_bytes() == expected


def test_text_layout(tmp_path):
    vecs = np.array([[0.5, -1.0], [0.1, 1e-20]], dtype=np.float32)
    write_vectors(tmp_path / "v.txt", ["a", "b"], vecs)
    assert (tmp_path / "v.txt").read_text() == "2 2\na 0.5 -1\nb 0.100000001 9.99999968e-21\n"


def test_reader_accepts_c_tool_trailing_space_and_rows_without_newline(tmp_path):
    (tmp_path / "t").write_bytes(b"2 2\na 0.5 1 \nb 2 3 \n")
    assert read_vectors(tmp_path / "t").vectors.tolist() == [[0.5, 1], [2, 3]]
    rows = b"a " + struct.pack("<2f", 1, 2) + b"b " + struct.pack("<2f", 3, 4)
    (tmp_path / "b").write_bytes(b"2 2\n" + rows)  # gensim's binary rows: no newline
    assert read_vectors(tmp_path / "b", binary=True).vectors.tolist() == [[1, 2], [3, 4]]


def test_classes_file(tmp_path):
    write_classes(tmp_path / "c", ["a", "b"], np.array([1, 0]))
    assert (tmp_path / "c").read_text() == "a 1\nb 0\n"


# ---------------------------------------------------------------- vocabulary files


def test_vocabulary_round_trip(tmp_path):
    vocab = {"the": 9, "cät": 3, "日本": 1}
    write_vocabulary(tmp_path / "v", vocab)
    assert (tmp_path / "v").read_text() == "the 9\ncät 3\n日本 1\n"
    got = read_vocabulary(tmp_path / "v")
    assert got == vocab and list(got) == list(vocab)


def test_c_tool_vocabulary_eos(tmp_path):
    (tmp_path / "v").write_text("</s> 0\nthe 9\nof 3\n")
    assert read_vocabulary(tmp_path / "v", skip_eos=True) == {"the": 9, "of": 3}
    with pytest.raises(Word2VecFormatError, match="line 1: count of '</s>' must be positive"):
        read_vocabulary(tmp_path / "v")
    (tmp_path / "v").write_text("</s> 12\nthe 9\n")
    assert read_vocabulary(tmp_path / "v") == {"</s>": 12, "the": 9}  # an ordinary word


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "no words"),
        (b"the 9\nof\n", "line 2: expected 'word count'"),
        (b"the 9\n\nof 2\n", "line 2: expected 'word count'"),
        (b"the 9 1\n", "line 1: expected 'word count'"),
        (b"the 9\nof 2.5\n", "line 2: count of 'of' is not a non-negative integer"),
        (b"the -3\n", "line 1: count of 'the' is not a non-negative integer"),
        (b"the 9\nof 0\n", "line 2: count of 'of' must be positive"),
        (b"the 9\nof 2\nthe 1\n", "line 3: duplicate word 'the' \\(first on line 1\\)"),
        (b"the 9\n\xff\xfe 2\n", "line 2: word .* is not valid UTF-8"),
    ],
)
def test_malformed_vocabulary(tmp_path, content, message):
    path = tmp_path / "vocab.txt"
    path.write_bytes(content)
    with pytest.raises(Word2VecFormatError, match=message) as info:
        read_vocabulary(path)
    assert str(path) in str(info.value)


# ---------------------------------------------------------------- strict reading


def _row(word: bytes, *values) -> bytes:
    return word + b" " + struct.pack(f"<{len(values)}f", *values) + b"\n"


TEXT_CASES = [
    (b"", "line 1: empty file"),
    (b"\n", "line 1: header must be two positive integers"),
    (b"three 2\na 1.0 2.0\n", "line 1: header must be two positive integers"),
    (b"1 2 3\na 1.0 2.0\n", "line 1: header must be two positive integers"),
    (b"-1 2\na 1.0 2.0\n", "line 1: header must be two positive integers"),
    (b"0 2\n", "line 1: header declares 0 words"),
    (b"9" * 200, "line 1: no header line"),
    (b"1 2000000\na 1\n", "dimensions"),
    (b"2 3\na 1.0 2.0 3.0\nb 1.0 2.0 3.0 4.0\n", "line 3: expected a word and 3 values, got 5"),
    (b"2 3\na 1.0 2.0 3.0\nb 1.0 2.0\n\n", "line 3: expected a word and 3 values, got 3"),
    (b"2 3\na 1.0 2.0 3.0\nb 1.0 two 3.0\n", "line 3: value b'two' of 'b' is not a number"),
    (b"2 3\na 1.0 2.0 3.0\nb 1.0 1_0 3.0\n", "line 3: value b'1_0' of 'b' is not a number"),
    (b"2 3\na 1.0 2.0 3.0\nb 1.0 nan 3.0\n", "line 3: vector of 'b' has non-finite values"),
    (b"2 3\na 1.0 2.0 3.0\nb 1.0 -inf 3.0\n", "line 3: vector of 'b' has non-finite values"),
    (b"2 3\na 1.0 2.0 3.0\nb 1.0 1e39 3.0\n", "line 3: vector of 'b' has non-finite values"),
    (b"2 3\na 1.0 2.0 3.0\na 1.0 2.0 3.0\n", "line 3: duplicate word 'a' \\(first in row 1\\)"),
    (b"2 3\na 1.0 2.0 3.0\n\xc3\x28 1.0 2.0 3.0\n", "line 3: word .* is not valid UTF-8"),
    (b"1 3\na 1.0 2.0 3.0\n\n \nb 1.0 2.0 3.0\n",
     "line 5: unexpected data after the last of the 1 rows"),
    (b"3 3\na 1 2 3\n",
     "line 1: header declares 3 words of 3 dimensions, which need at least 27 bytes in text "
     "layout; the file has 12"),
]


def test_truncated_text_reports_rows_read(tmp_path):
    # Long enough to pass the size check, so the row count is what fails.
    path = tmp_path / "v.txt"
    path.write_bytes(b"3 1\na 1.000000000\nb 2.000000000\n")
    with pytest.raises(Word2VecFormatError, match="line 4: file ends after 2 of 3 rows"):
        read_vectors(path, binary=False)


BINARY_CASES = [
    (b"2 3\n" + _row(b"a", 1, 2, 3) + _row(b"b", 1, 2, 3)[:-6],
     "need at least 32 bytes in binary layout; the file has 28"),
    (b"2 2\n" + _row(b"a", 1, 2) + b"bbbbbbbbbbbbbbbbb", "byte 15: file ends in row 2 of 2"),
    (b"2 2\n" + _row(b"a", 1, 2) + b"bbbbbbbbbbbb " + b"\0" * 4,
     "byte 15: file ends inside the vector of 'bbbbbbbbbbbb'"),
    (b"2 2\n" + _row(b"a", 1, 2) + _row(b"b", 1, float("nan")),
     "byte 15: vector of 'b' has non-finite values"),
    (b"2 2\n" + _row(b"a", 1, 2) + _row(b"a", 3, 4), "byte 15: duplicate word 'a'"),
    (b"2 2\n" + _row(b"a", 1, 2) + _row(b"\xff", 3, 4),
     "byte 15: word b'\\\\xff' is not valid UTF-8"),
    (b"2 2\n" + _row(b"a", 1, 2) + _row(b"\tb", 3, 4), "byte 15: word .* contains whitespace"),
    (b"1 2\n" + _row(b"a", 1, 2) + b"junk", "byte 15: unexpected data after"),
    (b"2 2\n" + _row(b"a", 1, 2) + b" " + b"\0" * 20, "byte 15: empty word"),
    (b"1 2\n" + b"w" * (fmt.MAX_WORD_BYTES + 10) + b" " + b"\0" * 8, "no b' ' within 10000 bytes"),
]


@pytest.mark.parametrize(
    "binary, content, message",
    [(False, *case) for case in TEXT_CASES] + [(True, *case) for case in BINARY_CASES],
)
def test_malformed_file(tmp_path, binary, content, message):
    path = tmp_path / ("vectors.bin" if binary else "vectors.txt")
    path.write_bytes(content)
    with pytest.raises(Word2VecFormatError, match=message) as info:
        read_vectors(path, binary=binary)
    assert str(info.value).startswith(str(path))


def test_lying_header_is_refused_before_allocation(tmp_path, monkeypatch):
    path = tmp_path / "v.bin"
    path.write_bytes(b"4000000000 300\n" + _row(b"a", *range(300)))
    allocated = []
    real_empty = np.empty
    monkeypatch.setattr(fmt.np, "empty", lambda *a, **k: allocated.append(a) or real_empty(*a, **k))
    for binary in (True, False, None):
        with pytest.raises(Word2VecFormatError, match="header declares 4000000000 words of 300"):
            read_vectors(path, binary=binary)
    assert allocated == []


def test_lying_header_in_gzip_allocates_only_what_it_reads(tmp_path, monkeypatch):
    # A compressed file's size is unknown: storage grows with the rows read.
    path = tmp_path / "v.bin.gz"
    with gzip.open(path, "wb") as f:
        f.write(b"4000000000 300\n" + _row(b"a", *range(300)))
    with pytest.raises(Word2VecFormatError, match="file ends in row 2 of 4000000000"):
        read_vectors(path, binary=True)


def test_corrupt_gzip(tmp_path):
    path = tmp_path / "v.txt.gz"
    path.write_bytes(gzip.compress(b"1 2\na 1 2\n")[:-12])
    with pytest.raises(Word2VecFormatError, match="cannot read"):
        read_vectors(path)


def test_unicode_errors_policy(tmp_path):
    path = tmp_path / "v.txt"
    path.write_bytes(b"2 1\nab\xff 1.0\nc 2.0\n")
    with pytest.raises(Word2VecFormatError, match="line 2: .*unicode_errors='replace'"):
        read_vectors(path)
    assert read_vectors(path, unicode_errors="replace").index_to_key == ["ab\ufffd", "c"]
    with pytest.raises(ValueError, match="unicode_errors"):
        read_vectors(path, unicode_errors="bogus")


# ---------------------------------------------------------------- writer checks


@pytest.mark.parametrize(
    "words, values, error, message",
    [
        (["a b", "c"], np.ones((2, 2)), ValueError, "contains whitespace"),
        (["a\tb", "c"], np.ones((2, 2)), ValueError, "contains whitespace"),
        (["a\n", "c"], np.ones((2, 2)), ValueError, "contains whitespace"),
        (["", "c"], np.ones((2, 2)), ValueError, "Empty word"),
        (["a", "a"], np.ones((2, 2)), ValueError, "more than once"),
        (["a", 3], np.ones((2, 2)), TypeError, "must be str"),
        (["a", "b"], np.array([[1, np.nan], [0, 0]]), ValueError, "'a' .* non-finite"),
        (["a", "b"], np.ones((3, 2)), ValueError, "shape"),
        ([], np.ones((0, 2)), ValueError, "No words"),
        (["a"], np.array([["x"]]), TypeError, "real numbers"),
    ],
)
def test_writer_refuses(tmp_path, words, values, error, message):
    with pytest.raises(error, match=message):
        write_vectors(tmp_path / "v", words, values)
    assert list(tmp_path.iterdir()) == []


def test_unicode_space_is_representable(tmp_path):
    # Only ASCII whitespace separates fields, as in LineCorpus and the C tool.
    write_vectors(tmp_path / "v", ["a\u00a0b"], np.ones((1, 2)))
    assert read_vectors(tmp_path / "v").index_to_key == ["a\u00a0b"]


@pytest.mark.parametrize("vocab, message", [
    ({"a": 0}, "positive"), ({"a": 1.5}, "integer"), ({"a b": 1}, "whitespace"), ({}, "No words"),
])
def test_vocabulary_writer_refuses(tmp_path, vocab, message):
    with pytest.raises((ValueError, TypeError), match=message):
        write_vocabulary(tmp_path / "v", vocab)


# ---------------------------------------------------------------- atomic writes


@pytest.mark.parametrize("binary", [False, True])
@pytest.mark.parametrize("failure", [OSError("disk full"), KeyboardInterrupt()])
def test_failed_write_keeps_old_file(tmp_path, monkeypatch, binary, failure):
    path = tmp_path / "vectors"
    path.write_bytes(b"the old file")
    monkeypatch.setattr(fmt, "_BATCH_ROWS", 2)  # so some rows reach the temporary file
    real_format = fmt._format_row
    calls = []

    def failing_format(word, row, binary):
        calls.append(word)
        if len(calls) == 5:
            raise failure
        return real_format(word, row, binary)

    monkeypatch.setattr(fmt, "_format_row", failing_format)
    words = [f"w{i}" for i in range(8)]
    with pytest.raises(type(failure)):
        write_vectors(path, words, np.ones((8, 3)), binary=binary)
    assert len(calls) == 5
    assert path.read_bytes() == b"the old file"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["vectors"]


def test_failed_rename_cleans_up(tmp_path, monkeypatch):
    monkeypatch.setattr(fmt.os, "replace", lambda *a: (_ for _ in ()).throw(OSError("no")))
    with pytest.raises(OSError, match="no"):
        write_vocabulary(tmp_path / "v", {"a": 1})
    assert list(tmp_path.iterdir()) == []


def test_write_replaces_and_keeps_usual_permissions(tmp_path):
    path = tmp_path / "v"
    path.write_text("old")
    write_vocabulary(path, {"a": 1})
    assert path.read_text() == "a 1\n"
    umask = os.umask(0)
    os.umask(umask)
    assert (path.stat().st_mode & 0o777) == (0o666 & ~umask)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["v"]


# ---------------------------------------------------------------- fuzzing

WORD = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters=" \t\n\r\v\f"),
    min_size=1,
    max_size=8,
)
FUZZ = settings(max_examples=60, derandomize=True, deadline=None,
                suppress_health_check=list(HealthCheck))


@FUZZ
@given(
    words=st.lists(WORD, min_size=1, max_size=12, unique=True),
    dim=st.integers(1, 6),
    seed=st.integers(0, 2**32 - 1),
    binary=st.booleans(),
)
def test_fuzz_round_trip(tmp_path_factory, words, dim, seed, binary):
    folder = tmp_path_factory.mktemp("rt")
    rng = np.random.default_rng(seed)
    # Any finite float32, including subnormals and extremes.
    bits = rng.integers(0, 2**32, size=(len(words), dim), dtype=np.uint64).astype(np.uint32)
    values = bits.view(np.float32)
    values[~np.isfinite(values)] = 1.0
    write_vectors(folder / "v", words, values, binary=binary)
    got = read_vectors(folder / "v", binary=binary)
    assert got.index_to_key == words
    np.testing.assert_array_equal(got.vectors.view(np.uint32), values.view(np.uint32))
    counts = rng.integers(1, 10**12, size=len(words)).tolist()
    write_vocabulary(folder / "c", zip(words, counts))
    assert read_vocabulary(folder / "c") == dict(zip(words, counts))


def _reads_or_refuses(path, **kwargs):
    try:
        read_vectors(path, **kwargs)
    except Word2VecFormatError:
        pass


@FUZZ
@given(data=st.binary(max_size=200), header=st.sampled_from([b"", b"2 3\n", b"1 1\n", b"3 2\na "]))
def test_fuzz_random_bytes_raise_only_format_errors(tmp_path_factory, data, header):
    path = tmp_path_factory.mktemp("fz") / "f"
    path.write_bytes(header + data)
    for binary in (None, True, False):
        _reads_or_refuses(path, binary=binary)
    try:
        read_vocabulary(path, skip_eos=True)
    except Word2VecFormatError:
        pass


@FUZZ
@given(cut=st.integers(0, 200), flip=st.integers(0, 200), byte=st.integers(0, 255),
       binary=st.booleans())
def test_fuzz_damaged_files_raise_only_format_errors(tmp_path_factory, cut, flip, byte, binary):
    folder = tmp_path_factory.mktemp("dm")
    write_vectors(folder / "v", ["a", "bc", "déf"], np.arange(12).reshape(3, 4) / 7, binary=binary)
    data = bytearray((folder / "v").read_bytes())
    if flip < len(data):
        data[flip] = byte
    (folder / "v").write_bytes(bytes(data[: len(data) - cut % (len(data) + 1)]))
    for b in (None, binary):
        _reads_or_refuses(folder / "v", binary=b)


@pytest.mark.parametrize("binary", [True, False])
@pytest.mark.parametrize("suffix", ["", ".gz"])
def test_limit_reads_the_first_rows_only(tmp_path, binary, suffix):
    path = tmp_path / f"v{suffix}"
    vectors = np.arange(12, dtype=np.float32).reshape(4, 3)
    write_vectors(path, ["a", "b", "c", "d"], vectors, binary=binary)
    data = gzip.open(path).read() if suffix else path.read_bytes()
    # Garbage after the second row is never read.
    cut = tmp_path / "cut"
    second_end = data.index(b"c ")
    cut.write_bytes(data[:second_end] + b"\xff" * 40)
    for p in (path, cut):
        kv = read_vectors(p, binary=binary, limit=2)
        assert kv.index_to_key == ["a", "b"] and kv.vectors.tolist() == vectors[:2].tolist()
        assert kv.expandos["count"].tolist() == [4, 3]  # the header's V - index, as without limit
    assert len(read_vectors(path, limit=10)) == 4
    assert read_vectors_header(path) == (4, 3)
    with pytest.raises(ValueError, match="limit must be a positive integer"):
        read_vectors(path, limit=0)
