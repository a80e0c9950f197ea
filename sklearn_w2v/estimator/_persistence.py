"""Saving and loading fitted estimators and pipelines: skops (data only) or joblib (pickle).

The format follows the file name (``.skops``: skops; anything else: joblib,
as before) or ``format=``. A skops file is a zip of a JSON schema and
``.npy`` arrays; :func:`load` rebuilds only the types it trusts (this
package's estimator, and what skops trusts by default: scikit-learn's
estimators, NumPy and SciPy types, builtins) and refuses a file naming any
other type, before constructing anything. The estimator's state is plain
data (:meth:`W2V.__getstate__`), so a saved ``W2V`` names no other type;
callable parameters (a custom ``tokenizer``, ``analyzer``,
``torch_module``, ...) are stored by importable name and stay untrusted
unless the caller names them. ``callbacks`` (arbitrary objects) are left
out of a skops file, with a warning: the loaded model has
``callbacks=None``. Every save goes through
:func:`~sklearn_w2v.vectors.atomic_write`.
"""

from __future__ import annotations

import os
import sys
import types
import warnings
import zipfile
from collections.abc import Iterable, Iterator

import joblib
import skops.io as sio
from skops.io.exceptions import UntrustedTypesFoundException

from .._files import PathLike, is_gzip
from ..vectors import atomic_write
from ._estimator import W2V
from ._state import data_only

FORMATS = ("skops", "joblib")

#: The types of this package that :func:`load` trusts in a skops file.
TRUSTED_TYPES: tuple[str, ...] = (f"{W2V.__module__}.{W2V.__qualname__}",)

_CALLABLE_NOTE = (
    "Callable parameters (a custom tokenizer, preprocessor, analyzer, strip_accents or "
    "torch_module) are saved by their importable name and are never trusted by default: "
    "importing them runs their module's code."
)


class ModelFileError(ValueError):
    """A model file that cannot be read: not a skops file, truncated, or inconsistent."""


class UntrustedTypesError(UntrustedTypesFoundException):
    """A skops file names types :func:`load` does not trust; ``types`` lists them.

    A subclass of skops' own ``UntrustedTypesFoundException`` (a ``TypeError``).
    """

    def __init__(self, path: PathLike, untrusted: Iterable[str]):
        self.types = sorted(untrusted)
        TypeError.__init__(
            self,
            f"{os.fspath(path)!r} names types that are not trusted, so nothing was loaded: "
            f"{self.types}. {_CALLABLE_NOTE} If you trust the file's source and these names, "
            f"pass them: load(path, trusted={self.types!r}).",
        )


def model_format(path: PathLike, format: str | None = None) -> str:
    """The format :func:`save` and :func:`load` use for ``path``: ``format``, or by suffix.

    Examples
    --------
    >>> model_format("model.skops"), model_format("model.joblib.gz")
    ('skops', 'joblib')
    """
    if format is None:
        return "skops" if os.fspath(path).endswith(".skops") else "joblib"
    if format not in FORMATS:
        raise ValueError(f"format must be one of {FORMATS} or None, got {format!r}.")
    return format


def save(obj, path: PathLike, compress: int = 0, *, format: str | None = None) -> None:
    """Save a fitted estimator or pipeline, atomically, as skops (data only) or joblib.

    Parameters
    ----------
    obj : object
        What to save, e.g. a fitted :class:`~sklearn_w2v.W2V` or a pipeline
        holding one (joblib: any picklable object).
    path : path
        Target file; replaced atomically. ``.skops``: the skops format; any
        other name: joblib, gzip-compressed when it ends in ``.gz``.
    compress : int, default=0
        Compression level 0 to 9: joblib's zlib level, or for skops the
        zip's deflate level (0 stores the arrays uncompressed).
    format : {"skops", "joblib"} or None, default=None
        Overrides the choice by suffix.

    Raises
    ------
    TypeError
        skops: a callable parameter that cannot be found again by its name
        (a lambda, a nested function).

    Examples
    --------
    >>> import os, tempfile
    >>> from gensim.test.utils import common_texts
    >>> from sklearn_w2v import W2V
    >>> model = W2V(vector_size=8, min_count=1, n_jobs=1, random_state=0).fit(common_texts)
    >>> path = os.path.join(tempfile.mkdtemp(), "w2v.skops")
    >>> save(model, path)
    >>> (load(path).transform(common_texts) == model.transform(common_texts)).all()
    np.True_
    """
    if not 0 <= compress <= 9:
        raise ValueError(f"compress must be between 0 and 9, got {compress!r}.")
    if model_format(path, format) == "joblib":
        if is_gzip(path):
            compress = 0  # atomic_write compresses already
        with atomic_write(path) as f:
            joblib.dump(obj, f, compress=compress)
        return
    if is_gzip(path):
        raise ValueError("A skops file is a zip: name it .skops and use compress= instead of .gz.")
    for estimator in _estimators(obj):
        _check_callables_have_names(estimator)
        if estimator.callbacks:
            warnings.warn(
                "W2V(callbacks=...) is not saved in a .skops file, which holds data only; the "
                "loaded model has callbacks=None (set them again with set_params, or save "
                "with joblib, which pickles them).", UserWarning, stacklevel=2)
    with data_only():
        data = sio.dumps(
            obj,
            compression=zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED,
            compresslevel=compress or None,
        )
    with atomic_write(path) as f:
        f.write(data)


def load(path: PathLike, *, trusted: Iterable[str | type] | None = None,
         format: str | None = None):
    """Load what :func:`save` wrote.

    A skops file (``.skops``, or ``format="skops"``) is checked before
    anything is built: only this package's estimator and skops' defaults
    (scikit-learn's estimators, NumPy, SciPy and builtin types) are
    trusted, plus what ``trusted`` names. A joblib file **trusts the file**:
    unpickling can run arbitrary code.

    Parameters
    ----------
    path : path
    trusted : iterable of str or type, default=None
        skops only: more types or functions to trust, by their full names
        (``"mypackage.tokenize"``) or as themselves, e.g. a custom
        ``tokenizer`` you know. The error for an untrusted file lists the
        names it would need.
    format : {"skops", "joblib"} or None, default=None
        Overrides the choice by suffix.

    Raises
    ------
    UntrustedTypesError
        The skops file names a type that is not trusted; nothing was built.
    ModelFileError
        The file is not a valid skops file (truncated, corrupt, inconsistent).
    """
    if model_format(path, format) == "joblib":
        if trusted is not None:
            raise ValueError("trusted= applies to skops files; a joblib file trusts everything.")
        return joblib.load(os.fspath(path))
    with open(os.fspath(path), "rb") as f:
        data = f.read()
    allowed = [*TRUSTED_TYPES, *_type_names(trusted or ())]
    untrusted = set(_read(path, sio.get_untrusted_types, data=data)) - set(allowed)
    if untrusted:
        raise UntrustedTypesError(path, untrusted)
    return _read(path, sio.loads, data, trusted=allowed)


def _read(path: PathLike, read, *args, **kwargs):
    """Run a skops reader, turning whatever a broken file makes it raise into ModelFileError."""
    try:
        return read(*args, **kwargs)
    except (MemoryError, UntrustedTypesFoundException):
        raise
    except Exception as exc:  # noqa: BLE001 - the file is the input: any failure is its fault
        raise ModelFileError(
            f"{os.fspath(path)!r} is not a readable skops model file "
            f"({type(exc).__name__}: {exc})") from exc


def _type_names(trusted: Iterable[str | type]) -> list[str]:
    if isinstance(trusted, str | type):
        trusted = [trusted]
    return [t if isinstance(t, str) else f"{t.__module__}.{t.__qualname__}" for t in trusted]


def _estimators(obj) -> Iterator[W2V]:
    """The W2V estimators in ``obj`` and in its nested parameters (pipelines, searches)."""
    parts = [obj]
    if hasattr(obj, "get_params") and not isinstance(obj, type):
        parts += list(obj.get_params(deep=True).values())
    yield from (part for part in parts if isinstance(part, W2V))


def _check_callables_have_names(estimator: W2V) -> None:
    """skops stores a function or class by module and name: refuse one that name cannot find."""
    kinds = (types.FunctionType, types.BuiltinFunctionType, type)
    for name, value in estimator.get_params(deep=False).items():
        if isinstance(value, kinds):
            module = sys.modules.get(getattr(value, "__module__", None) or "")
            if getattr(module, value.__name__, None) is not value:
                raise TypeError(
                    f"W2V({name}={value!r}) cannot be saved as skops: a callable parameter is "
                    "saved by its importable name (module.name), so it must be defined at the "
                    "top level of a module (not a lambda or a nested function).")
