"""Turning the documents a user passes into lists of tokens.

A document is either a raw string, which goes through an *analyzer* (by
default: lowercase, then ``\\w+`` tokens), or an already tokenized sequence
of strings, which is used as is. The analyzer options are scikit-learn's
``CountVectorizer`` ones, and string analysis is delegated to
``CountVectorizer.build_analyzer`` so that the options mean exactly the same.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence

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


#: What a collection of documents may be, as error messages say it.
ACCEPTED_DOCUMENTS = ("an iterable of documents, each a string or a list of string tokens "
                      "(a list, a 1-D array or pandas Series, a generator, a LineCorpus)")


def check_documents(X: object, caller: str | None = None) -> Iterable:
    """Reject inputs that are not a collection of documents, before any work; return ``X``.

    A bare string (or bytes) is iterable, so without this check it would be
    read as a corpus of one-character documents, and a dict as a corpus of
    its keys. 1-D NumPy arrays and pandas Series of strings (a
    ``ColumnTransformer`` text column) are accepted; DataFrames, arrays of
    numbers, arrays of other than one dimension and sparse matrices are
    not. Nothing is read from ``X`` (its ``__iter__`` is not called). The
    one-line ``TypeError`` names what was given and what is accepted,
    prefixed with ``caller`` (``"W2V.fit"``) when given.

    Examples
    --------
    >>> check_documents({"a b": 1}, "W2V.fit")
    Traceback (most recent call last):
    ...
    TypeError: W2V.fit: expected an iterable of documents, ... got a dict, whose iteration ...
    """
    problem = _not_documents(X)
    if problem is None:
        return X
    where = f"{caller}: " if caller else ""
    raise TypeError(f"{where}expected {ACCEPTED_DOCUMENTS}; got {problem}")


def _not_documents(X: object) -> str | None:
    """What is wrong with ``X`` as a collection of documents (the end of the error message), or
    None.
    """
    if X is None:
        return "None."
    if isinstance(X, str):
        shown = X if len(X) <= 40 else X[:37] + "..."
        return (f"a single str object ({shown!r}). Wrap one document in a list: [text]; "
                "to read a text file, pass LineCorpus(path).")
    if isinstance(X, (bytes, bytearray, memoryview)):
        return (f"a single {type(X).__name__} object. Decode the text and wrap each document "
                "in a list: [data.decode()].")
    if isinstance(X, os.PathLike):
        return f"a {type(X).__name__}. To read a text file, pass LineCorpus(path)."
    if isinstance(X, Mapping):
        return (f"{_with_article(type(X).__name__)}, whose iteration gives its keys. Pass the "
                "documents themselves, e.g. list(d.values()).")
    if hasattr(X, "columns") and hasattr(X, "iloc"):
        return ("a DataFrame. Select the text column first (df['text'], or the column name as "
                "a string, not a list, in a ColumnTransformer).")
    ndim, shape = getattr(X, "ndim", None), getattr(X, "shape", None)
    if ndim is not None and shape is not None:
        if ndim != 1:
            return f"a {ndim}-D {type(X).__name__} of shape {tuple(shape)}; it must be 1-D."
        kind = getattr(getattr(X, "dtype", None), "kind", "O")
        if kind in "biufcmM":
            return f"a 1-D {type(X).__name__} of {X.dtype} numbers; documents are text."
        if kind == "S":
            return (f"a 1-D {type(X).__name__} of bytes; decode the documents to str first "
                    "(X.astype(str)).")
    # Without calling iter(X): a corpus's __iter__ may open files, and nothing is read here.
    if not (isinstance(X, Iterable) or hasattr(type(X), "__getitem__")):
        return f"{_with_article(type(X).__name__)}, which is not iterable."
    return None


def tokenized_document(n: int, doc: object) -> Sequence[str]:
    """The tokens of document ``n``, which is not a raw string; a ``TypeError`` naming it when
    it is not a tokenized document either.

    A list or tuple is returned as it is, any other iterable of strings as a
    list. Only the first token's type is checked: that catches the common
    mistakes (lists of ids, nested lists) at the price of one ``isinstance``
    per document.
    """
    if isinstance(doc, (list, tuple)):
        tokens = doc
    elif doc is None or isinstance(doc, (bytes, int, float)):
        raise _bad_document(n, doc)
    else:
        try:
            tokens = list(doc)
        except TypeError:
            raise _bad_document(n, doc) from None
    if len(tokens) and not isinstance(tokens[0], str):
        raise TypeError(
            f"Document {n} contains a token of type {type(tokens[0]).__name__}; "
            "tokens must be strings."
        )
    return tokens


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
        elif type(doc) is list and (not doc or type(doc[0]) is str):
            yield doc  # the common case, without a call per document
        else:
            yield tokenized_document(n, doc)
