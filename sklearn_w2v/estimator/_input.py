"""``X`` checked at the door: what ``fit``, ``partial_fit`` and ``transform`` accept.

Each method calls :func:`check_input` first, before any stage runs (no
setup, no pretrained file read, no corpus counted), so that a wrong ``X``
is a one-line ``TypeError`` or ``ValueError`` raised from the method,
naming what was given and what is accepted, not an error from deep inside
the corpus code after the work has begun. What a collection of documents
is, is :func:`sklearn_w2v.text.check_documents`' to say (the phrase
transformer asks it too); this module adds what the estimator's methods
need beyond it: a first look at the first document of an in-memory
collection, and iterators, which are read once.

Every method reads ``X`` once (``fit`` of a :class:`~sklearn_w2v.LineCorpus`
reads its files twice, but a ``LineCorpus`` can be re-read), so a generator
is a valid ``X``. What cannot work is an iterator already read to its end:
the method would see no documents. A generator's state and a sized
iterator's remaining length tell that without reading anything; any other
iterator is watched as it is read, and says so if it yields nothing.
"""

from __future__ import annotations

import inspect
import operator
from collections.abc import Iterable, Iterator, Sized

import numpy as np

from ..text import check_documents, tokenized_document

_REREADABLE = "pass a list, or a corpus that can be read again such as LineCorpus"


def check_input(X: object, method: str, *, fitting: bool) -> Iterable:
    """``X`` as the method ``W2V.<method>`` should read it, or the error that refuses it.

    Checks, without reading ``X`` beyond the first document of a list, tuple,
    array or Series: that it is a collection of documents
    (:func:`~sklearn_w2v.text.check_documents`); that an in-memory
    collection's first document is a document; that an iterator is not
    already exhausted; and, when ``fitting``, that ``X`` is not empty.

    Parameters
    ----------
    X : object
        What the method was given.
    method : str
        The method's name, for the messages (``"fit"``).
    fitting : bool
        Whether the method learns from ``X`` (no documents: an error), or
        transforms it (no documents: no rows).

    Returns
    -------
    iterable
        ``X`` itself, or, for an iterator, an iterator over the same
        documents that raises a ``ValueError`` if it yields none.

    Raises
    ------
    TypeError
        ``X`` is not a collection of documents, or its first document is not
        a document.
    ValueError
        ``X`` is an exhausted iterator, or, when ``fitting``, holds no
        documents.
    """
    where = f"W2V.{method}"
    check_documents(X, where)
    if isinstance(X, Iterator):  # read once, by the method
        if _exhausted(X):
            raise ValueError(f"{where}: X is an iterator ({type(X).__name__}) with no documents "
                             f"left: an iterator can be read only once (was it read before?); "
                             f"{_REREADABLE}.")
        return _watched(X, where)
    if isinstance(X, Sized) and _in_memory(X):
        if len(X) == 0:
            if fitting:
                raise ValueError(f"{where}: X contains no documents (an empty {type(X).__name__}).")
            return X
        first = next(iter(X))
        if not isinstance(first, (str, Iterator)):  # (reading an iterator would consume it)
            tokenized_document(0, first)
    return X


def _in_memory(X: object) -> bool:
    """A list, tuple, NumPy array or pandas Series: looking at its first document reads nothing
    and changes nothing.
    """
    return isinstance(X, (list, tuple, np.ndarray)) or (hasattr(X, "iloc") and hasattr(X, "dtype"))


def _exhausted(X: Iterator) -> bool:
    """Whether the iterator ``X`` is known to be at its end, without reading it."""
    if inspect.isgenerator(X):
        return inspect.getgeneratorstate(X) == inspect.GEN_CLOSED
    return operator.length_hint(X, -1) == 0  # list, tuple, range, dict iterators know it


def _watched(X: Iterator, where: str) -> Iterator:
    """The documents of ``X``; a ``ValueError`` at its end if there were none."""
    empty = True
    for document in X:
        empty = False
        yield document
    if empty:
        raise ValueError(f"{where}: X is an iterator ({type(X).__name__}) that yielded no "
                         f"documents: an iterator can be read only once (was it read before?); "
                         f"{_REREADABLE}.")
