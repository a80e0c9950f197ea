"""The estimator's state as plain data: what ``W2V.__getstate__`` gives and ``__setstate__`` takes.

A saved model must hold data only (numbers, strings, arrays, lists and
dicts of them), so that the safe format (skops) can store it without
pickling and load it without running code. :func:`state_to_data` turns the
two fitted attributes that are Python objects (``wv_``, a gensim
``KeyedVectors``, and the document statistics) into arrays, and parameter
values that are not plain data into data through :data:`PARAMETER_CODECS`;
:func:`data_to_state` checks the arrays' shapes and rebuilds the objects.
Pickle and joblib go through the same state.

Saved models are lean (layout version 2): a ``KeyedVectors`` given as
``init_vectors`` stores only the rows that differ from the fitted ``wv_``
(none after ``epochs=0``, only the fine-tuned ones otherwise), and the
context matrix stores only its rows that are not all zero (pretrained words
the corpus lacks never train theirs; after ``epochs=0`` none did). Both are
rebuilt bit for bit. Files of version 1 still load.
"""

from __future__ import annotations

import contextlib
import os
import pathlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import numpy as np
from gensim.models import KeyedVectors

from ..pooling import DocumentStatistics
from ..vectors import keyed_vectors_from_data, keyed_vectors_to_data, to_keyed_vectors

#: Version of the layout below; :func:`data_to_state` refuses newer ones.
STATE_VERSION = 2

_ROWS = 1 << 14  # rows compared at a time (bounds the temporary boolean arrays)
#: Parameters holding the caller's own objects, which a data-only file leaves out.
OBJECT_PARAMETERS = ("callbacks",)
_DATA_ONLY: ContextVar[bool] = ContextVar("sklearn_w2v_data_only", default=False)


@contextlib.contextmanager
def data_only() -> Iterator[None]:
    """Within it, :func:`state_to_data` leaves out :data:`OBJECT_PARAMETERS` (set to None).

    The skops save uses it: a callback is an arbitrary object, which a
    file that holds data only cannot keep.
    """
    token = _DATA_ONLY.set(True)
    try:
        yield
    finally:
        _DATA_ONLY.reset(token)


@dataclass(frozen=True)
class ParameterCodec:
    """How a parameter value of one type is stored as data, and rebuilt.

    Attributes
    ----------
    kind : type or tuple of types
        The values this codec stores (checked with ``isinstance``).
    encode : callable
        Value to plain data (numbers, strings, arrays, lists, dicts).
    decode : callable
        That data back to an equivalent value.
    """

    kind: type | tuple[type, ...]
    encode: Callable[[Any], Any]
    decode: Callable[[Any], Any]


#: Parameter values that are not plain data, by codec name, tried in order:
#: a parameter holding gensim ``KeyedVectors`` is stored as its words, counts
#: and vectors; a path as its string; a mapping that is not a ``dict`` (a
#: ``Counter``, say) as a ``dict``. A new kind of parameter value is one more
#: entry; the name is what the saved state records, so keep names stable.
#: Callables (``tokenizer``, ``analyzer``, ``torch_module``, ...) need no
#: codec: the formats store them by importable name.
PARAMETER_CODECS: dict[str, ParameterCodec] = {
    "keyed_vectors": ParameterCodec(KeyedVectors, keyed_vectors_to_data, keyed_vectors_from_data),
    "path": ParameterCodec(os.PathLike, os.fspath, pathlib.Path),
    "mapping": ParameterCodec(Mapping, dict, dict),
}


def _encode_parameter(value: Any) -> tuple[str | None, Any]:
    if type(value) in (dict, list, str, int, float, bool, type(None)):  # exact: not a Counter
        return None, value
    for name, codec in PARAMETER_CODECS.items():
        if isinstance(value, codec.kind):
            return name, codec.encode(value)
    return None, value


def state_to_data(state: Mapping[str, Any], parameters: Iterable[str]) -> dict[str, Any]:
    """An estimator's ``__dict__`` as plain data (see the module docstring).

    Parameters
    ----------
    state : mapping
        The estimator's attributes.
    parameters : iterable of str
        The names of its constructor parameters.
    """
    data = dict(state)
    if _DATA_ONLY.get():
        for name in OBJECT_PARAMETERS:
            if name in data:
                data[name] = None
    encoded = {}
    wv = data.get("wv_")
    for name in parameters:
        if name not in data:
            continue
        if isinstance(data[name], KeyedVectors) and isinstance(wv, KeyedVectors):
            encoded[name], data[name] = "keyed_vectors_in_model", _vectors_beside(data[name], wv)
            continue
        codec, data[name] = _encode_parameter(data[name])
        if codec is not None:
            encoded[name] = codec
    data["_encoded_parameters"] = encoded
    data["_state_version"] = STATE_VERSION
    if isinstance(wv, KeyedVectors):
        data["wv_"] = keyed_vectors_to_data(wv)
    context = data.get("context_vectors_")
    if isinstance(context, np.ndarray) and context.ndim == 2:
        data["context_vectors_"] = _nonzero_rows(context)
    stats = data.get("_document_statistics")
    if isinstance(stats, DocumentStatistics):
        data["_document_statistics"] = {
            "document_frequency": stats.document_frequency,
            "n_documents": int(stats.n_documents),
            "sif_gram": stats.sif_gram,
        }
    return data


def data_to_state(data: Mapping[str, Any]) -> dict[str, Any]:
    """The inverse of :func:`state_to_data`, checking the fitted arrays against each other.

    Raises
    ------
    ValueError
        When the data is of an unknown version, names an unknown codec, or
        its arrays do not fit together.
    """
    state = dict(data)
    version = state.pop("_state_version", None)
    if version is None:  # a pickle from before the data layout: objects as they were
        return state
    if not isinstance(version, int) or not 1 <= version <= STATE_VERSION:
        raise ValueError(f"unknown state version {version!r} (this version reads up to "
                         f"{STATE_VERSION}); update sklearn-w2v to load it")
    if isinstance(state.get("wv_"), Mapping):
        state["wv_"] = keyed_vectors_from_data(state["wv_"])
    for name, codec in dict(state.pop("_encoded_parameters", {})).items():
        if codec == "keyed_vectors_in_model" and isinstance(state.get("wv_"), KeyedVectors):
            state[name] = _vectors_from_beside(state[name], state["wv_"])
            continue
        if codec not in PARAMETER_CODECS:
            raise ValueError(f"parameter {name!r} is stored with an unknown codec {codec!r}")
        state[name] = PARAMETER_CODECS[codec].decode(state[name])
    if isinstance(state.get("context_vectors_"), Mapping) and "wv_" in state:
        state["context_vectors_"] = _rows_to_matrix(state["context_vectors_"],
                                                    state["wv_"].vectors.shape)
    stats = state.get("_document_statistics")
    if isinstance(stats, Mapping):
        state["_document_statistics"] = DocumentStatistics(
            np.asarray(stats["document_frequency"]), int(stats["n_documents"]),
            np.asarray(stats["sif_gram"]))
    if "wv_" in state:
        _check_fitted_shapes(state)
    return state


def _check_fitted_shapes(state: Mapping[str, Any]) -> None:
    """Refuse fitted arrays that do not fit the vocabulary and vector size (an edited file)."""
    n, d = state["wv_"].vectors.shape
    stats = state.get("_document_statistics")
    expected = {
        "context_vectors_": (n, d),
        "idf_": (n,),
        "sif_weights_": (n,),
        "sif_component_": (d,),
    }
    shapes = {name: np.shape(state.get(name)) for name in expected}
    if stats is not None:
        expected.update(document_frequency=(n,), sif_gram=(d, d))
        shapes.update(document_frequency=np.shape(stats.document_frequency),
                      sif_gram=np.shape(stats.sif_gram))
    wrong = [f"{name} {shapes[name]} (expected {shape})" for name, shape in expected.items()
             if shapes[name] != shape]
    if wrong:
        raise ValueError(f"the fitted arrays do not fit {n} words of size {d}: {', '.join(wrong)}")


def _equal_rows(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Which rows of two float32 matrices of one shape are equal bit for bit."""
    out = np.empty(len(a), dtype=bool)
    for i in range(0, len(a), _ROWS):
        x, y = a[i:i + _ROWS].view(np.uint32), b[i:i + _ROWS].view(np.uint32)
        out[i:i + _ROWS] = (x == y).all(axis=1)
    return out


def _vectors_beside(kv: KeyedVectors, wv: KeyedVectors) -> dict[str, Any]:
    """``kv`` as data that leaves out its rows equal (word and vector) to rows of ``wv``."""
    index = wv.key_to_index
    at = np.fromiter((index.get(w, -1) for w in kv.index_to_key), dtype=np.int64,
                     count=len(kv.index_to_key))
    vectors = np.ascontiguousarray(kv.vectors, dtype=np.float32)
    same = np.zeros(len(at), dtype=bool)
    found = np.flatnonzero(at >= 0)
    if vectors.ndim == 2 and vectors.shape[1] == wv.vector_size and len(vectors) == len(at):
        for i in range(0, len(found), _ROWS):
            rows = found[i:i + _ROWS]
            same[rows] = _equal_rows(vectors[rows], wv.vectors[at[rows]])
    rest = np.flatnonzero(~same)
    counts = (kv.expandos["count"] if "count" in kv.expandos
              else np.zeros(len(at), dtype=np.int64))
    others = to_keyed_vectors([kv.index_to_key[i] for i in rest], np.asarray(counts)[rest],
                              vectors[rest] if len(rest) else np.zeros((0, kv.vector_size),
                                                                      np.float32))
    return {"row_in_model": np.where(same, at, -1), "counts": np.asarray(counts, np.int64),
            "others": keyed_vectors_to_data(others)}


def _vectors_from_beside(data: Mapping[str, Any], wv: KeyedVectors) -> KeyedVectors:
    """The inverse of :func:`_vectors_beside`, checking the references."""
    try:
        at, counts = np.asarray(data["row_in_model"]), np.asarray(data["counts"])
        others = keyed_vectors_from_data(data["others"])
    except (KeyError, TypeError) as exc:
        raise ValueError(f"stored init_vectors are incomplete (missing {exc})") from None
    n = len(at)
    if (at.dtype.kind not in "iu" or at.ndim != 1 or counts.shape != (n,)
            or (at >= len(wv)).any() or int((at < 0).sum()) != len(others)):
        raise ValueError("stored init_vectors do not fit the model's vectors")
    words: list[str] = [""] * n
    vectors = np.empty((n, wv.vector_size), dtype=np.float32)
    same = np.flatnonzero(at >= 0)
    rest = np.flatnonzero(at < 0)
    for i in same.tolist():
        words[i] = wv.index_to_key[at[i]]
    for j, i in enumerate(rest.tolist()):
        words[i] = others.index_to_key[j]
    vectors[same] = wv.vectors[at[same]]
    if len(rest):
        if others.vector_size != wv.vector_size:
            raise ValueError("stored init_vectors do not fit the model's vectors")
        vectors[rest] = others.vectors
    return to_keyed_vectors(words, counts, vectors)


def _nonzero_rows(matrix: np.ndarray) -> np.ndarray | dict[str, Any]:
    """``matrix`` as is, or, when some rows are all zero (bit for bit), only its other rows."""
    bits = np.ascontiguousarray(matrix, dtype=np.float32)
    nonzero = np.empty(len(bits), dtype=bool)
    for i in range(0, len(bits), _ROWS):
        nonzero[i:i + _ROWS] = bits[i:i + _ROWS].view(np.uint32).any(axis=1)
    if nonzero.all():
        return matrix
    rows = np.flatnonzero(nonzero)
    return {"rows": rows, "values": bits[rows]}


def _rows_to_matrix(data: Mapping[str, Any], shape: tuple[int, int]) -> np.ndarray:
    """The inverse of :func:`_nonzero_rows` (``shape``: that of the full matrix)."""
    try:
        rows, values = np.asarray(data["rows"]), np.asarray(data["values"])
    except (KeyError, TypeError) as exc:
        raise ValueError(f"stored context vectors are incomplete (missing {exc})") from None
    if (rows.dtype.kind not in "iu" or rows.ndim != 1 or values.dtype != np.float32
            or values.shape != (len(rows), shape[1]) or (rows < 0).any()
            or (rows >= shape[0]).any()):
        raise ValueError("stored context vectors do not fit the model's vectors")
    matrix = np.zeros(shape, dtype=np.float32)  # zero pages: the empty rows cost no memory
    matrix[rows] = values
    return matrix
