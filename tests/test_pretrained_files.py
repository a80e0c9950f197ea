"""Pretrained files as users have them: headerless (GloVe) text, bad bytes, repeated words, and
fine-tuning with the corpus's words only.
"""

import numpy as np
import pytest

from sklearn_w2v import W2V
from sklearn_w2v.vectors import (
    DuplicateWordError,
    Word2VecFormatError,
    read_vectors,
    read_vectors_header,
    write_vectors,
)

from helpers import write

ROWS = [("the", [0.5, -1.0, 2.0]), ("cat", [1.0, 0.0, -0.25]), ("sat", [3.0, 1.5, 0.0])]


def glove(path, rows=ROWS, extra=b""):
    return write(path, "".join(f"{w} {' '.join(map(str, v))}\n" for w, v in rows).encode()
                 + extra)


@pytest.mark.parametrize("name", ["g.txt", "g.txt.gz"])
def test_headerless_files_read_strictly(tmp_path, name):
    path = glove(tmp_path / name)
    for no_header in (True, None):
        kv = read_vectors(path, no_header=no_header)
        assert kv.index_to_key == ["the", "cat", "sat"]
        np.testing.assert_array_equal(kv["cat"], [1.0, 0.0, -0.25])
        assert kv.expandos["count"].tolist() == [3, 2, 1]
    assert read_vectors_header(path, no_header=None) == (None, 3)
    assert read_vectors(path, no_header=True, limit=2).index_to_key == ["the", "cat"]
    with pytest.raises(Word2VecFormatError, match="no_header=True"):
        read_vectors(path)  # the default still wants the header, and says what to pass


@pytest.mark.parametrize("extra,match,line", [
    (b"dog 1 2\n", "expected a word and 3 values", 4),
    (b"dog 1 2 x\n", "not a number", 4),
    (b"dog 1 2 nan\n", "non-finite", 4),
    (b"\xff 1 2 3\n", "not valid UTF-8", 4),
    (b"\nmore 1 2 3\n", "blank line between rows", 4),
])
def test_headerless_rows_are_checked(tmp_path, extra, match, line):
    path = glove(tmp_path / "g.txt", extra=extra)
    with pytest.raises(Word2VecFormatError, match=match) as info:
        read_vectors(path, no_header=True)
    assert info.value.line == line


def test_a_header_file_is_not_taken_for_headerless(tmp_path):
    path = tmp_path / "v.txt"
    write_vectors(path, ["a", "b"], np.eye(2, dtype=np.float32))
    assert read_vectors(path, no_header=None).index_to_key == ["a", "b"]
    (tmp_path / "bad.txt").write_bytes(b"2 x\na 1 0\n")
    with pytest.raises(Word2VecFormatError, match="header must be"):
        read_vectors(tmp_path / "bad.txt", no_header=None)


def test_unicode_errors_and_duplicates(tmp_path):
    path = glove(tmp_path / "g.txt", extra=b"the 9 9 9\nca\xfft 1 1 1\n")
    with pytest.raises(DuplicateWordError, match="duplicates='keep_first'") as info:
        read_vectors(path, no_header=True, unicode_errors="replace")
    assert info.value.line == 4
    with pytest.warns(UserWarning, match="1 repeated word"):
        kv = read_vectors(path, no_header=True, unicode_errors="replace",
                          duplicates="keep_first")
    assert kv.index_to_key == ["the", "cat", "sat", "ca\ufffdt"]
    np.testing.assert_array_equal(kv["the"], [0.5, -1.0, 2.0])  # the first row wins
    assert kv.expandos["count"].tolist() == [5, 4, 3, 1]  # made up from the file's rows
    with pytest.raises(ValueError, match="duplicates must be"):
        read_vectors(path, duplicates="last")


def test_keep_stores_only_those_rows_but_checks_all(tmp_path):
    path = tmp_path / "v.bin"
    words = [f"w{i}" for i in range(10)]
    vectors = np.arange(30, dtype=np.float32).reshape(10, 3)
    write_vectors(path, words, vectors, binary=True)
    kv = read_vectors(path, keep={"w7", "w2", "absent"})
    assert kv.index_to_key == ["w2", "w7"]
    np.testing.assert_array_equal(kv.vectors, vectors[[2, 7]])
    assert kv.expandos["file_row"].tolist() == [2, 7]
    assert kv.expandos["count"].tolist() == [8, 3]
    bad = vectors.copy()
    bad[5, 1] = np.nan
    (tmp_path / "bad.bin").write_bytes(path.read_bytes())
    write_vectors(tmp_path / "ok.txt", words, vectors)
    text = (tmp_path / "ok.txt").read_text().replace("w5 15 16 17", "w5 15 nan 17")
    (tmp_path / "bad.txt").write_text(text)
    with pytest.raises(Word2VecFormatError, match="'w5' has non-finite"):
        read_vectors(tmp_path / "bad.txt", keep={"w2"})  # a row left out is still checked


def _docs():
    return [["the", "cat", "sat", "on", "the", "mat"]] * 20


def _unread():
    """Documents that fail the test if read."""
    raise AssertionError("the corpus was read")
    yield  # pragma: no cover


def test_w2v_reads_glove_files_and_reader_options(tmp_path):
    path = glove(tmp_path / "g.txt")
    model = W2V(vector_size=3, epochs=0, min_count=1, init_vectors=path).fit(_docs())
    assert model.wv_.index_to_key == ["the", "cat", "sat"]
    with pytest.raises(Word2VecFormatError, match="header"):
        W2V(vector_size=3, epochs=0, init_vectors=path,
            init_vectors_format="word2vec").fit(_docs())
    with pytest.raises(ValueError, match="vector_size=4 differs from the 3 dimensions"):
        W2V(vector_size=4, epochs=0, init_vectors=path, init_vectors_format="glove").fit(
            _unread())  # refused before the corpus is read
    dup = glove(tmp_path / "d.txt", extra=b"cat 0 0 0\n")
    with pytest.raises(DuplicateWordError, match="init_vectors_duplicates='keep_first'"):
        W2V(vector_size=3, epochs=0, init_vectors=dup).fit(_docs())
    with pytest.warns(UserWarning, match="repeated word"):
        kept = W2V(vector_size=3, epochs=0, init_vectors=dup,
                   init_vectors_duplicates="keep_first").fit(_docs())
    np.testing.assert_array_equal(kept.wv_["cat"], [1.0, 0.0, -0.25])
    odd = glove(tmp_path / "u.txt", extra=b"m\xfft 1 1 1\n")
    with pytest.raises(Word2VecFormatError, match="UTF-8"):
        W2V(vector_size=3, epochs=0, init_vectors=odd).fit(_docs())
    model = W2V(vector_size=3, epochs=0, init_vectors=odd,
                init_vectors_unicode_errors="ignore").fit(_docs())
    assert "mt" in model.wv_.key_to_index


@pytest.mark.parametrize("as_file", [True, False])
def test_fine_tuning_with_the_corpus_words_only(tmp_path, as_file):
    rng = np.random.default_rng(0)
    words = [f"p{i}" for i in range(50)] + ["cat", "the"]
    vectors = rng.normal(size=(len(words), 4)).astype(np.float32)
    path = tmp_path / "v.bin"
    write_vectors(path, words, vectors, binary=True)
    init = path if as_file else read_vectors(path)
    docs = [["the", "cat", "sat", "p3"]] * 30
    params = dict(vector_size=4, min_count=1, epochs=2, n_jobs=1, random_state=0,
                  init_vectors=init)
    full = W2V(**params).fit(docs)
    lean = W2V(**params, init_vectors_words="corpus").fit(docs)
    assert len(full.wv_) == 53 and sorted(lean.wv_.index_to_key) == ["cat", "p3", "sat", "the"]
    # The same training: the corpus words' vectors match the full vocabulary's fit.
    for w in lean.wv_.index_to_key:
        np.testing.assert_array_equal(lean.wv_[w], full.wv_[w])
    rank = dict(zip(lean.wv_.index_to_key, lean.pretrained_rank_.tolist()))
    assert rank == {"the": 52, "cat": 51, "sat": 0, "p3": 4}  # rows of the file, 1-based
    frozen = W2V(**{**params, "epochs": 0}, init_vectors_words="corpus").fit(docs)
    assert frozen.wv_.index_to_key == ["p3", "cat", "the"]  # file order, corpus words only
    with pytest.raises(ValueError, match="no word of X has a pretrained vector"):
        W2V(**params, init_vectors_words="corpus").fit([["zzz", "yyy"]] * 5)
    with pytest.raises(ValueError, match="init_vectors_words='corpus' needs init_vectors"):
        W2V(init_vectors_words="corpus").fit(docs)
