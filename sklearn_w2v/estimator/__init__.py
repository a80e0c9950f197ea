"""The estimator: :class:`W2V`, and the stages a fit runs through (internal package).

:class:`W2V` (public as ``sklearn_w2v.W2V``) is a scikit-learn transformer.
Its ``fit``, ``partial_fit`` and distributed training all go through one function,
:func:`fit_stages`, which runs a :class:`FitStages` object: ``setup``
(a :class:`TrainingSetup` from the parameters: :func:`training_setup`), ``read`` (the
:class:`TrainingData`), ``train``, and the document statistics; ``fit``
uses :class:`FreshFit` and ``partial_fit`` :class:`ContinuedFit`. That is the
documented seam for the package's own front ends (distributed training, the
benchmark): they subclass :class:`FitStages` to read or train another way,
call :func:`training_setup` with backend options of their own, and run the fit
with :func:`fit_stages`, without touching the estimator's insides. A fit from
pretrained vectors (``init_vectors``) loads them with
:func:`load_pretrained`, lays out its vocabulary with
:func:`pretrained_vocabulary` and its weights with :func:`starting_vectors`;
:func:`train_counted_words` trains only the words with a count
(:func:`counted_rows`).

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

``fit``, ``partial_fit`` and ``transform`` check ``X`` with
:func:`check_input` before any stage runs.
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
from ._estimator import W2V, fit_stages
from ._gensim_names import GENSIM_NAMES
from ._input import check_input
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
    INIT_VECTORS_WORDS,
    PretrainedVectors,
    PretrainedVocabulary,
    check_pretrained,
    load_pretrained,
    pretrained_vocabulary,
    starting_vectors,
)
from ._setup import TrainingSetup, training_setup
from ._stages import (
    STAGE_NAMES,
    ContinuedFit,
    CorpusSummary,
    FitStages,
    FreshFit,
    StageClock,
    TrainingData,
    counted_rows,
    train_counted_words,
)
from ._state import PARAMETER_CODECS, ParameterCodec

# Internal: the names imported above are seams between this package and the
# package's other modules, not public API (the API reference lists what is).
__all__: list[str] = []
