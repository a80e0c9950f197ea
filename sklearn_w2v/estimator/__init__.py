"""The estimator: :class:`W2V`, and the stages a fit runs through.

:class:`W2V` is a scikit-learn transformer. Its ``fit``, ``partial_fit``
and distributed training all go through one documented method,
:meth:`W2V.fit_stages`, which runs a :class:`FitStages` object: ``setup``
(a :class:`TrainingSetup` from the parameters), ``read`` (the
:class:`TrainingData`), ``train``, and the document statistics; ``fit``
uses :class:`FreshFit` and ``partial_fit`` :class:`ContinuedFit`. Subclass
:class:`FitStages` to read or train another way without touching the
estimator's insides.
"""

from ..training import DIVERGED_NORM
from ._estimator import W2V
from ._n_jobs import available_cpus, resolve_n_jobs
from ._stages import (
    ContinuedFit,
    CorpusSummary,
    FitStages,
    FreshFit,
    TrainingData,
    TrainingSetup,
)

__all__ = [
    "DIVERGED_NORM",
    "ContinuedFit",
    "CorpusSummary",
    "FitStages",
    "FreshFit",
    "TrainingData",
    "TrainingSetup",
    "W2V",
    "available_cpus",
    "resolve_n_jobs",
]
