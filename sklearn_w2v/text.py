"""Turning the documents a user passes into lists of tokens.

A document is either a raw string, which is lowercased and split into word
tokens, or an already tokenized sequence of strings, which is used as is.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence

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


def check_documents(X: object) -> Iterable:
    """Reject inputs that are not a collection of documents, before any work.

    A bare string (or bytes) is iterable, so without this check it would be
    read as a corpus of one-character documents.
    """
    if isinstance(X, (str, bytes)):
        raise TypeError(
            "Expected an iterable of documents (raw strings or lists of tokens), "
            f"got a single {type(X).__name__}. Wrap it in a list: [text]."
        )
    if hasattr(X, "columns") and hasattr(X, "iloc"):
        raise TypeError(
            "Expected a 1-D collection of documents, got a DataFrame; "
            "select the text column first (df['text'])."
        )
    try:
        iter(X)
    except TypeError:
        raise TypeError(
            f"Expected an iterable of documents, got {type(X).__name__}."
        ) from None
    return X


def iter_token_lists(
    X: Iterable, tokenize: Tokenizer = default_tokenize
) -> Iterator[Sequence[str]]:
    """Yield each document of ``X`` as a sequence of string tokens.

    Raises
    ------
    TypeError
        If a document is neither a string nor a sequence of strings.
    """
    for n, doc in enumerate(check_documents(X)):
        if isinstance(doc, str):
            yield tokenize(doc)
            continue
        if isinstance(doc, (list, tuple)):
            tokens = doc
        elif doc is None or isinstance(doc, (bytes, int, float)):
            raise TypeError(
                f"Document {n} is a {type(doc).__name__}; each document must be "
                "a string or a list of string tokens."
            )
        else:
            try:
                tokens = list(doc)
            except TypeError:
                raise TypeError(
                    f"Document {n} is a {type(doc).__name__}; each document must "
                    "be a string or a list of string tokens."
                ) from None
        # Checking the first token catches the common mistakes (lists of ids,
        # nested lists) at the price of one isinstance per document.
        if len(tokens) and not isinstance(tokens[0], str):
            raise TypeError(
                f"Document {n} contains a token of type {type(tokens[0]).__name__}; "
                "tokens must be strings."
            )
        yield tokens
