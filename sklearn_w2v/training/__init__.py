"""The backend contract: what every trainer takes, returns and shares.

Between the encoded corpus and the backends sit plain arrays and a frozen
:class:`TrainConfig`. A backend is a :class:`Trainer` (or, when it can keep
weights on a device between calls, a :class:`TensorTrainer`) described by a
:class:`BackendSpec`; it returns a :class:`TrainResult` with typed
:class:`TrainStats`, after the checks every backend runs
(:func:`check_training_arrays`), and the hook a trainer calls between
epochs (:data:`EpochHook`, given an :class:`EpochEnd`). That contract is
the public API, for backend authors. What the package's own backends share lives here too, as
internal seams: the declaration of every training parameter
(:data:`TRAINING_PARAMETERS`, from which ``TrainConfig``, ``W2V``, the command line and
the benchmark take their fields, checks and flags), the starting weights, the sampling
tables (subsampling thresholds and the noise alias table), the learning-rate schedule
(:class:`RateSchedule`),
progress reporting, seeds for the parts of a run, the ``MAX_EXP`` rule and
the check that trained weights did not diverge.
"""

from ._config import RateSchedule, TrainConfig, check_learning_rates
from ._contract import (
    MAX_EXP,
    BackendSpec,
    Capabilities,
    EpochEnd,
    EpochHook,
    TensorTrainer,
    Trainer,
    TrainResult,
    TrainStats,
    check_corpus_and_counts,
    check_training_arrays,
    frozen_rows,
)
from ._parameters import (
    CBOW_SCHEDULES,
    FRONT_ENDS,
    SG_RULE_NAMES,
    TRAINING_PARAMETERS,
    TrainingParameter,
    check_fields,
    declared_fields,
    shown_in,
    training_parameter,
)
from ._progress import ProgressReporter
from ._sampling import (
    SamplingTables,
    alias_table,
    clear_sampling_tables,
    keep_probabilities,
    keep_thresholds,
    noise_distribution,
    sampling_tables,
)
from ._seeds import derive_seed
from ._weights import DIVERGED_NORM, SUSPECT_SCORE, check_converged, initial_vectors

# The other names imported above are seams for the package's other modules,
# not public API.
__all__ = [
    "CBOW_SCHEDULES",
    "SG_RULE_NAMES",
    "BackendSpec",
    "Capabilities",
    "EpochEnd",
    "EpochHook",
    "TensorTrainer",
    "TrainConfig",
    "TrainResult",
    "TrainStats",
    "Trainer",
    "check_training_arrays",
]
