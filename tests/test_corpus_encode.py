import numpy as np
import pytest

from sklearn_w2v.corpus import (
    EncodedCorpus,
    encode,
    encode_for_training,
    encode_with_vocabulary,
    remap,
)
from sklearn_w2v.text import default_tokenize, iter_token_lists


def test_encode_for_training_drops_rare_words_and_empty_sentences():
    docs = [["a", "b", "a"], ["zz"], ["b", "a", "q"]]
    vocab, corpus, n_raw, n_docs = encode_for_training(docs, min_count=2)
    assert vocab.words == ["a", "b"]
    assert (n_raw, n_docs) == (7, 3)
    assert corpus.ids.dtype == np.int32 and corpus.offsets.dtype == np.int64
    assert corpus.ids.tolist() == [0, 1, 0, 1, 0]
    assert corpus.offsets.tolist() == [0, 3, 5]  # ["zz"] became empty and is gone


def test_long_documents_are_cut_at_10000_tokens():
    doc = ["x", "y"] * 12_500  # 25,000 tokens
    vocab, corpus, _, _ = encode_for_training([doc, ["x", "y"]], min_count=1)
    assert np.diff(corpus.offsets).tolist() == [10_000, 10_000, 5_000, 2]


def test_cut_happens_before_dropping_unknown_words():
    doc = ["rare"] + ["x"] * 10_000  # cut after 10,000 raw tokens, then 'rare' dropped
    _, corpus, _, _ = encode_for_training([doc], min_count=2)
    assert np.diff(corpus.offsets).tolist() == [9_999, 1]


def test_one_pass_over_a_generator():
    docs = (["a", "b"] for _ in range(3))
    vocab, corpus, n_raw, n_docs = encode_for_training(docs, min_count=1)
    assert n_docs == 3 and corpus.n_tokens == 6


def test_encode_with_vocabulary_skips_unknown_tokens_and_cuts_first():
    doc = ["rare"] + ["x"] * 10_000
    vocab, corpus, n_raw, n_docs = encode_with_vocabulary([doc, ["rare"], []], {"x": 3, "y": 1},
                                                          min_count=1)
    assert vocab.words == ["x", "y"]
    assert np.diff(corpus.offsets).tolist() == [9_999, 1]  # cut at 10,000 raw tokens
    assert (n_raw, n_docs) == (10_002, 3)


def test_encode_with_fixed_vocabulary_keeps_document_boundaries():
    corpus = encode([["a", "zz", "b"], [], ["zz"], ["b"]], {"a": 0, "b": 1})
    assert corpus.ids.tolist() == [0, 1, 1]
    assert corpus.offsets.tolist() == [0, 2, 2, 2, 3]


def test_remap_validates_and_translates():
    corpus = EncodedCorpus(np.array([0, 1, 2, 1], dtype=np.int32),
                           np.array([0, 2, 4], dtype=np.int64))
    out = remap(corpus, np.array([-1, 5, 6], dtype=np.int32))
    assert out.ids.tolist() == [5, 6, 5] and out.offsets.tolist() == [0, 1, 3]
    with pytest.raises(TypeError):
        EncodedCorpus(np.array([0], dtype=np.int64), np.array([0, 1], dtype=np.int64))
    with pytest.raises(ValueError):
        EncodedCorpus(np.array([0], dtype=np.int32), np.array([0, 2], dtype=np.int64))


def test_default_tokenizer_keeps_single_letters_and_lowercases():
    assert default_tokenize("I saw A Cat, didn't I?") == ["i", "saw", "a", "cat", "didn", "t", "i"]


@pytest.mark.parametrize("bad", ["just a string", b"bytes", 42])
def test_bare_string_or_non_iterable_rejected(bad):
    with pytest.raises(TypeError, match="documents"):
        list(iter_token_lists(bad))


@pytest.mark.parametrize("doc", [None, 3.5, b"raw bytes", [1, 2, 3], [["nested"]]])
def test_bad_documents_rejected(doc):
    with pytest.raises(TypeError, match="Document 1"):
        list(iter_token_lists([["ok"], doc]))
