"""The numba backend: ``nogil`` skip-gram and CBOW kernels driven by Python threads, on the CPU.

:class:`NumbaTrainer` cuts the corpus into jobs dealt to worker threads in
turn (:func:`job_bounds`, :func:`deal_jobs`); each thread calls the
arrays-only kernel :func:`train_sentences` with its own work buffers
(:func:`work_buffers`) and random state, updating the shared weights
without locks (Hogwild, as gensim and the C tool do). The per-word update
rules it applies are :func:`sg_block_update` (skip-gram's "block" rule, the
default, and "hogbatch"), :func:`sg_pair_update` ("pairs" and "shared") and
:func:`cbow_update`; :data:`SG_RULES` names them. CBOW's learning rate
falls in steps over the epochs by default (:data:`CBOW_SCHEDULES`).
"""

from ...training import BackendSpec
from ._kernels import (
    SG_BLOCK,
    SG_HOGBATCH,
    SG_PAIRS,
    SG_RULES,
    SG_SHARED,
    SIGMOID_SIZE,
    SIGMOID_TABLE,
    cbow_update,
    sg_block_update,
    sg_pair_update,
    train_sentences,
    work_buffers,
)
from ._trainer import CBOW_SCHEDULES, JOB_TOKENS, NumbaTrainer, deal_jobs, job_bounds

#: How the registry and the estimator see this backend.
SPEC = BackendSpec(
    name="numba",
    trainer="sklearn_w2v.backends.numba._trainer:NumbaTrainer",
    options={"device": None},
    device_types=("cpu",),
)

__all__ = [
    "CBOW_SCHEDULES",
    "JOB_TOKENS",
    "SG_BLOCK",
    "SG_HOGBATCH",
    "SG_PAIRS",
    "SG_RULES",
    "SG_SHARED",
    "SIGMOID_SIZE",
    "SIGMOID_TABLE",
    "SPEC",
    "NumbaTrainer",
    "cbow_update",
    "deal_jobs",
    "job_bounds",
    "sg_block_update",
    "sg_pair_update",
    "train_sentences",
    "work_buffers",
]
