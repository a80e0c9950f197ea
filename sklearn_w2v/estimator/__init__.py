"""The estimator: :class:`W2V`, and the stages a fit runs through.

:class:`W2V` is a scikit-learn transformer. Its ``fit``, ``partial_fit``
and distributed training all go through one documented method,
:meth:`W2V.fit_stages`, which runs a :class:`FitStages` object: ``setup``
(a :class:`TrainingSetup` from the parameters), ``read`` (the
:class:`TrainingData`), ``train``, and the document statistics; ``fit``
uses :class:`FreshFit` and ``partial_fit`` :class:`ContinuedFit`. Subclass
:class:`FitStages` to read or train another way without touching the
estimator's insides.

:func:`save` and :func:`load` (public home: :mod:`sklearn_w2v.persistence`)
keep fitted estimators and pipelines as skops files, which hold plain data
(:meth:`W2V.__getstate__`; :data:`PARAMETER_CODECS` says how parameter
values that are not plain data are stored), or as joblib pickles.
"""

from ..training import DIVERGED_NORM
from ._estimator import W2V
from ._n_jobs import available_cpus, resolve_n_jobs
from ._persistence import (
    TRUSTED_TYPES,
    ModelFileError,
    UntrustedTypesError,
    load,
    model_format,
    save,
)
from ._stages import (
    ContinuedFit,
    CorpusSummary,
    FitStages,
    FreshFit,
    TrainingData,
    TrainingSetup,
)
from ._state import PARAMETER_CODECS, ParameterCodec

__all__ = [
    "DIVERGED_NORM",
    "ContinuedFit",
    "CorpusSummary",
    "FitStages",
    "FreshFit",
    "ModelFileError",
    "PARAMETER_CODECS",
    "ParameterCodec",
    "TRUSTED_TYPES",
    "TrainingData",
    "TrainingSetup",
    "UntrustedTypesError",
    "W2V",
    "available_cpus",
    "load",
    "model_format",
    "resolve_n_jobs",
    "save",
]
