"""Turning the documents a user passes into lists of tokens.

A document is either a raw string, which goes through an *analyzer* (by
default: lowercase, then ``\\w+`` tokens), or an already tokenized sequence
of strings, which is used as is. The analyzer options are scikit-learn's
``CountVectorizer`` ones, and string analysis is delegated to
``CountVectorizer.build_analyzer`` so that the options mean exactly the same.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence

from sklearn.feature_extraction.text import CountVectorizer

# ``\w+`` rather than scikit-learn's ``\w\w+``: one-letter words ("a", "i")
# carry context that word2vec learns from, and the C tool keeps them too.
DEFAULT_TOKEN_PATTERN = r"(?u)\b\w+\b"
_default_regex = re.compile(DEFAULT_TOKEN_PATTERN)

Tokenizer = Callable[[str], list[str]]


def default_tokenize(text: str) -> list[str]:
    """Lowercase ``text`` and return its word tokens (runs of ``\\w`` characters).

    Examples
    --------
    >>> default_tokenize("It's a Dog-eat-dog world.")
    ['it', 's', 'a', 'dog', 'eat', 'dog', 'world']
    """
    return _default_regex.findall(text.lower())


def build_analyzer(
    *,
    lowercase: bool = True,
    preprocessor: Callable[[str], str] | None = None,
    tokenizer: Callable[[str], list[str]] | None = None,
    token_pattern: str | None = DEFAULT_TOKEN_PATTERN,
    analyzer: str | Callable[[str], list[str]] = "word",
    strip_accents: str | Callable[[str], str] | None = None,
    stop_words: str | list[str] | None = None,
) -> Tokenizer:
    """The callable that turns one raw string into its tokens.

    The options mean what they mean for :class:`~sklearn.feature_extraction.text.CountVectorizer`
    with ``analyzer="word"`` and ``ngram_range=(1, 1)`` (word n-grams are not
    word2vec tokens). A callable ``analyzer`` replaces all the other steps.

    Examples
    --------
    >>> build_analyzer()("The CAT sat; a dog ran.")
    ['the', 'cat', 'sat', 'a', 'dog', 'ran']
    >>> build_analyzer(stop_words="english", strip_accents="unicode")("The café is open")
    ['cafe', 'open']
    """
    if callable(analyzer):
        return analyzer
    if analyzer != "word":
        raise ValueError(
            f"analyzer must be 'word' or a callable, got {analyzer!r} "
            "(character n-grams are not word2vec tokens)."
        )
    if tokenizer is None and token_pattern is None:
        raise ValueError("token_pattern=None needs a tokenizer; set one of the two.")
    if tokenizer is None and re.compile(token_pattern).groups > 1:
        raise ValueError(
            f"token_pattern={token_pattern!r} has more than one capturing group; "
            "at most one may capture the token."
        )
    return CountVectorizer(
        lowercase=lowercase,
        preprocessor=preprocessor,
        tokenizer=tokenizer,
        token_pattern=token_pattern,
        strip_accents=strip_accents,
        stop_words=stop_words,
        analyzer="word",
        ngram_range=(1, 1),
    ).build_analyzer()


def check_documents(X: object) -> Iterable:
    """Reject inputs that are not a collection of documents, before any work.

    A bare string (or bytes) is iterable, so without this check it would be
    read as a corpus of one-character documents. 1-D NumPy arrays and pandas
    Series of strings (a ``ColumnTransformer`` text column) are accepted;
    DataFrames, 2-D arrays and sparse matrices are not.
    """
    if isinstance(X, (str, bytes)):
        raise TypeError(
            "Iterable over raw text documents expected, got a single "
            f"{type(X).__name__} object. Wrap it in a list: [text]. "
            "(Expected an iterable of documents: raw strings or lists of tokens.)"
        )
    if hasattr(X, "columns") and hasattr(X, "iloc"):
        raise TypeError(
            "Expected a 1-D collection of documents, got a DataFrame; "
            "select the text column first (df['text'], or the column name as a "
            "string, not a list, in a ColumnTransformer)."
        )
    ndim = getattr(X, "ndim", None)
    if ndim is not None and hasattr(X, "shape") and ndim != 1:
        raise TypeError(
            f"Expected a 1-D collection of documents, got an array of shape {X.shape}."
        )
    try:
        iter(X)
    except TypeError:
        raise TypeError(
            f"Expected an iterable of documents, got {type(X).__name__}."
        ) from None
    return X


def _with_article(noun: str) -> str:
    """``"an int"``, ``"a float"``, ``"a uint8"``: a type name with its article.

    Examples
    --------
    >>> [_with_article(n) for n in ("int", "float", "NoneType", "object", "uint8")]
    ['an int', 'a float', 'a NoneType', 'an object', 'a uint8']
    """
    lower = noun.lower()
    # A "u" that sounds like "you" (uint8, unicode, UUID) takes "a".
    sounds_you = lower.startswith(("uint", "uni", "uu"))
    vowel = lower[:1] in "aeio" or (lower[:1] == "u" and not sounds_you)
    return f"{'an' if vowel else 'a'} {noun}"


def _bad_document(n: int, doc: object) -> TypeError:
    return TypeError(
        f"Document {n} is {_with_article(type(doc).__name__)}; each document must be "
        "a string or a list of string tokens."
    )


def iter_token_lists(
    X: Iterable, tokenize: Tokenizer = default_tokenize
) -> Iterator[Sequence[str]]:
    """Yield each document of ``X`` as a sequence of string tokens.

    Strings go through ``tokenize``; sequences of strings are used as given.

    Raises
    ------
    TypeError
        If a document is neither a string nor a sequence of strings.
    """
    for n, doc in enumerate(check_documents(X)):
        if isinstance(doc, str):
            tokens = tokenize(doc)
            if isinstance(tokens, str):  # a user analyzer that returns a string
                raise TypeError(
                    f"The analyzer returned a str for document {n}; it must "
                    "return a list of tokens."
                )
            yield tokens if isinstance(tokens, (list, tuple)) else list(tokens)
            continue
        if isinstance(doc, (list, tuple)):
            tokens = doc
        elif doc is None or isinstance(doc, (bytes, int, float)):
            raise _bad_document(n, doc)
        else:
            try:
                tokens = list(doc)
            except TypeError:
                raise _bad_document(n, doc) from None
        # Checking the first token catches the common mistakes (lists of ids,
        # nested lists) at the price of one isinstance per document.
        if len(tokens) and not isinstance(tokens[0], str):
            raise TypeError(
                f"Document {n} contains a token of type {type(tokens[0]).__name__}; "
                "tokens must be strings."
            )
        yield tokens
