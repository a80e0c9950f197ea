"""The estimator's state as plain data: what ``W2V.__getstate__`` gives and ``__setstate__`` takes.

A saved model must hold data only (numbers, strings, arrays, lists and
dicts of them), so that the safe format (skops) can store it without
pickling and load it without running code. :func:`state_to_data` turns the
two fitted attributes that are Python objects (``wv_``, a gensim
``KeyedVectors``, and the document statistics) into arrays, and parameter
values that are not plain data into data through :data:`PARAMETER_CODECS`;
:func:`data_to_state` checks the arrays' shapes and rebuilds the objects.
Pickle and joblib go through the same state.
"""

from __future__ import annotations

import os
import pathlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from gensim.models import KeyedVectors

from ..pooling import DocumentStatistics
from ..vectors import keyed_vectors_from_data, keyed_vectors_to_data

#: Version of the layout below; :func:`data_to_state` refuses newer ones.
STATE_VERSION = 1


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
    encoded = {}
    for name in parameters:
        if name in data:
            codec, data[name] = _encode_parameter(data[name])
            if codec is not None:
                encoded[name] = codec
    data["_encoded_parameters"] = encoded
    data["_state_version"] = STATE_VERSION
    if isinstance(data.get("wv_"), KeyedVectors):
        data["wv_"] = keyed_vectors_to_data(data["wv_"])
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
    for name, codec in dict(state.pop("_encoded_parameters", {})).items():
        if codec not in PARAMETER_CODECS:
            raise ValueError(f"parameter {name!r} is stored with an unknown codec {codec!r}")
        state[name] = PARAMETER_CODECS[codec].decode(state[name])
    if isinstance(state.get("wv_"), Mapping):
        state["wv_"] = keyed_vectors_from_data(state["wv_"])
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
