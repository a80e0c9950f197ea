"""Phrases ("new york" -> ``new_york``) as the word2vec C tool's ``word2phrase`` finds them.

The detection is gensim's :class:`~gensim.models.phrases.Phrases`: this
module only wraps it as a scikit-learn transformer and adds, through gensim's
pluggable scoring, the score ``word2phrase`` thresholds.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from numbers import Integral, Real

from gensim.models.phrases import Phrases
from sklearn.base import BaseEstimator, TransformerMixin, _fit_context
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from .._annotations import evaluate_annotations
from ._analysis import iter_token_lists

#: gensim's largest number of unigram and bigram counts held while counting (then pruned).
DEFAULT_MAX_VOCAB_SIZE = 40_000_000


def word2phrase_score(worda_count: int, wordb_count: int, bigram_count: int, len_vocab: int,
                      min_count: int, corpus_word_count: int) -> float:
    """The score ``word2phrase`` gives the pair ``a b``, as a gensim ``Phrases`` scoring function.

    ``(count(a b) - min_count) / (count(a) * count(b)) * corpus_words``:
    gensim's ``"default"`` score multiplies by the number of distinct
    unigrams and bigrams instead of the corpus words, so its scores, and the
    thresholds that suit them, are smaller (by about the corpus's tokens per
    distinct entry).

    Examples
    --------
    >>> word2phrase_score(20, 10, 10, len_vocab=50, min_count=5, corpus_word_count=1000)
    25.0
    """
    if worda_count <= 0 or wordb_count <= 0:
        return float("-inf")
    return (bigram_count - min_count) / (worda_count * wordb_count) * corpus_word_count


_SCORERS = {"word2phrase": word2phrase_score, "default": "default", "npmi": "npmi"}


def _no_raw_string(text: str) -> list[str]:
    raise TypeError("PhraseTransformer takes token lists, not raw strings; split them first "
                    "(e.g. [text.split() for text in texts]).")


def _token_lists(X: Iterable) -> Iterator[list[str]]:
    """Each document as a list of string tokens; a TypeError for anything else."""
    for tokens in iter_token_lists(X, _no_raw_string):
        yield tokens if isinstance(tokens, list) else list(tokens)


class _JoinedTokens:
    """Notes whether any token holds the delimiter (checking documents until one does)."""

    def __init__(self, delimiter: str):
        self.delimiter = delimiter
        self.seen = False

    def look(self, tokens: list[str]) -> list[str]:
        if not self.seen:
            self.seen = any(self.delimiter in t for t in tokens)
        return tokens


@evaluate_annotations
class PhraseTransformer(TransformerMixin, BaseEstimator):
    """Join frequent word pairs into one token, as ``word2phrase`` does: token lists in and out.

    The phrase detection of Mikolov et al. [1]_.

    ``fit`` counts the words and word pairs of the documents with gensim's
    :class:`~gensim.models.phrases.Phrases`; ``transform`` replaces, left to
    right, each pair scoring above ``threshold`` by the two words joined with
    ``delimiter`` (``["new", "york"]`` -> ``["new_york"]``). Run it twice
    (two steps in a pipeline) for phrases of three or four words, as the C
    tool's demo runs ``word2phrase`` twice.

    Parameters
    ----------
    min_count : int, default=5
        Words and pairs seen fewer times are never joined (word2phrase's
        ``-min-count``).
    threshold : float, default=100.0
        A pair is joined when its score exceeds this (word2phrase's
        ``-threshold``; gensim's default is 10, for its own score). With
        ``scoring="npmi"`` it must lie in [-1, 1].
    delimiter : str, default="_"
        Put between the words of a phrase.
    scoring : {"word2phrase", "default", "npmi"} or callable, default="word2phrase"
        How pairs are scored: word2phrase's score (:func:`word2phrase_score`,
        what the C tool thresholds), gensim's ``"default"`` (the same with the
        vocabulary size in place of the corpus size), gensim's normalised
        pointwise mutual information ``"npmi"``, or a picklable gensim scoring
        function.
    max_vocab_size : int, default=40_000_000
        Unigram and bigram counts held while counting; rarer ones are
        pruned beyond it, bounding memory (gensim's default).
    connector_words : iterable of str or None, default=None
        Words that may sit inside a phrase without starting or ending it
        (gensim's ``connector_words``: ``"bank of america"``); None: none, as
        word2phrase has.

    Attributes
    ----------
    phrases_ : gensim.models.phrases.FrozenPhrases or gensim.models.phrases.Phrases
        The fitted phrase model: gensim's compact, read-only form, whose
        ``phrasegrams`` maps each phrase to its score; or, when tokens of
        the corpus already hold ``delimiter`` (a second pass, for
        trigrams), the ``Phrases`` model with all its counts, since the
        compact form would lose the phrases built on such tokens.

    See Also
    --------
    sklearn_w2v.W2V : Learn word vectors from the joined tokens.

    References
    ----------
    .. [1] T. Mikolov, I. Sutskever, K. Chen, G. Corrado and J. Dean,
       "Distributed Representations of Words and Phrases and their
       Compositionality", Advances in Neural Information Processing Systems
       26 (NIPS), 2013. arXiv:1310.4546. Section 4 defines the score.

    Examples
    --------
    >>> docs = [["in", "new", "york", "today"], ["new", "york", "is", "big"]] * 10
    >>> phrases = PhraseTransformer(min_count=1, threshold=1).fit(docs)
    >>> phrases.transform([["i", "love", "new", "york"]])
    [['i', 'love', 'new_york']]
    """

    _parameter_constraints: dict = {
        "min_count": [Interval(Integral, 0, None, closed="left")],
        "threshold": [Real],
        "delimiter": [str],
        "scoring": [StrOptions(set(_SCORERS)), callable],
        "max_vocab_size": [Interval(Integral, 1, None, closed="left")],
        "connector_words": [None, list, tuple, set, frozenset],
    }

    def __init__(self, *, min_count=5, threshold=100.0, delimiter="_", scoring="word2phrase",
                 max_vocab_size=DEFAULT_MAX_VOCAB_SIZE, connector_words=None):
        self.min_count = min_count
        self.threshold = threshold
        self.delimiter = delimiter
        self.scoring = scoring
        self.max_vocab_size = max_vocab_size
        self.connector_words = connector_words

    def phrase_model(self) -> Phrases:
        """An empty gensim ``Phrases`` with these parameters (ValueError for bad ones)."""
        if not self.delimiter:
            raise ValueError("delimiter must not be empty: the words of a phrase would run "
                             "together.")
        scoring = _SCORERS[self.scoring] if isinstance(self.scoring, str) else self.scoring
        return Phrases(min_count=self.min_count, threshold=float(self.threshold),
                       max_vocab_size=self.max_vocab_size, delimiter=self.delimiter,
                       scoring=scoring, connector_words=frozenset(self.connector_words or ()))

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X: Iterable, y=None) -> PhraseTransformer:
        """Count the words and pairs of the documents in ``X`` (read once; a generator is fine).

        Parameters
        ----------
        X : iterable of list of str
            Tokenized documents.
        y : None
            Ignored.

        Returns
        -------
        self : PhraseTransformer
        """
        model = self.phrase_model()  # bad parameters fail before the corpus is read
        joined = _JoinedTokens(self.delimiter)
        model.add_vocab(map(joined.look, _token_lists(X)))
        # gensim's frozen form cannot tell "new_york city" from "new york_city", so it loses the
        # phrases of a corpus whose tokens already hold the delimiter (a second pass).
        self.phrases_ = model if joined.seen else model.freeze()
        return self

    def transform(self, X: Iterable) -> list[list[str]]:
        """Each document with its phrases joined.

        Parameters
        ----------
        X : iterable of list of str

        Returns
        -------
        list of list of str
        """
        return list(self.iter_transform(X))

    def iter_transform(self, X: Iterable) -> Iterator[list[str]]:
        """:meth:`transform` one document at a time, for corpora that do not fit in memory."""
        check_is_fitted(self, "phrases_")
        for tokens in _token_lists(X):
            yield [token for token, _ in self.phrases_.analyze_sentence(tokens)]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        tags.transformer_tags.preserves_dtype = []
        return tags

