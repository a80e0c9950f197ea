"""The estimator: :class:`W2V`, and the stages a fit runs through.

:class:`W2V` is a scikit-learn transformer. Its ``fit``, ``partial_fit``
and distributed training all go through one documented method,
:meth:`W2V.fit_stages`, which runs a :class:`FitStages` object: ``setup``
(a :class:`TrainingSetup` from the parameters), ``read`` (the
:class:`TrainingData`), ``train``, and the document statistics; ``fit``
uses :class:`FreshFit` and ``partial_fit`` :class:`ContinuedFit`. Subclass
:class:`FitStages` to read or train another way without touching the
estimator's insides. A fit from pretrained vectors (``init_vectors``) loads
them with :func:`load_pretrained`, lays out its vocabulary with
:func:`pretrained_vocabulary` and its weights with :func:`starting_vectors`;
:func:`train_counted_words` trains only the words with a count.

:func:`save` and :func:`load` (public home: :mod:`sklearn_w2v.persistence`)
keep fitted estimators and pipelines as skops files, which hold plain data
(:meth:`W2V.__getstate__`; :data:`PARAMETER_CODECS` says how parameter
values that are not plain data are stored), or as joblib pickles.

Training callbacks (``W2V(callbacks=...)``; public home
:mod:`sklearn_w2v.callbacks`): :class:`Callback`, :class:`EpochStats`,
:class:`StopTraining`, :class:`Checkpoint`, :class:`EarlyStopping`; the
estimator runs them through a :class:`CallbackRunner`.
:data:`GENSIM_NAMES` maps gensim ``Word2Vec`` argument names W2V does not
take to what to use instead.
"""

from ..training import DIVERGED_NORM
from ._callbacks import (
    Callback,
    CallbackRunner,
    Checkpoint,
    EarlyStopping,
    EpochStats,
    StopTraining,
    check_callbacks,
)
from ._estimator import W2V
from ._gensim_names import GENSIM_NAMES
from ._n_jobs import available_cpus, resolve_n_jobs
from ._persistence import (
    TRUSTED_TYPES,
    ModelFileError,
    UntrustedTypesError,
    load,
    model_format,
    save,
)
from ._pretrained import (
    INIT_VECTORS_FORMATS,
    PretrainedVectors,
    PretrainedVocabulary,
    check_pretrained,
    load_pretrained,
    pretrained_vocabulary,
    starting_vectors,
    zipf_probabilities,
)
from ._stages import (
    ContinuedFit,
    CorpusSummary,
    FitStages,
    FreshFit,
    TrainingData,
    TrainingSetup,
    train_counted_words,
)
from ._state import PARAMETER_CODECS, ParameterCodec

__all__ = [
    "Callback",
    "CallbackRunner",
    "Checkpoint",
    "ContinuedFit",
    "CorpusSummary",
    "DIVERGED_NORM",
    "EarlyStopping",
    "EpochStats",
    "FitStages",
    "FreshFit",
    "GENSIM_NAMES",
    "INIT_VECTORS_FORMATS",
    "ModelFileError",
    "PARAMETER_CODECS",
    "ParameterCodec",
    "PretrainedVectors",
    "PretrainedVocabulary",
    "TRUSTED_TYPES",
    "StopTraining",
    "TrainingData",
    "TrainingSetup",
    "UntrustedTypesError",
    "W2V",
    "available_cpus",
    "check_callbacks",
    "check_pretrained",
    "load",
    "load_pretrained",
    "model_format",
    "pretrained_vocabulary",
    "resolve_n_jobs",
    "save",
    "starting_vectors",
    "train_counted_words",
    "zipf_probabilities",
]
