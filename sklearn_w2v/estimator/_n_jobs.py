"""How many training threads a fit gets: ``n_jobs``, read in its joblib context."""

from __future__ import annotations

import os

from joblib.parallel import get_active_backend


def available_cpus() -> int:
    """Cores this process may run on (its affinity mask where the OS has one)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


def _joblib_context() -> tuple[int, int | None]:
    """joblib's nesting level here and the ``n_jobs`` of an enclosing ``parallel_config``.

    Inside a task that joblib runs in parallel (``GridSearchCV(n_jobs=2)``,
    ``cross_val_score(n_jobs=-1)``, with processes or threads) the active
    backend has a nesting level of 1 or more; at top level it is 0.
    """
    try:
        backend, n_jobs = get_active_backend()
    except Exception:  # an unexpected joblib: behave as at top level
        return 0, None
    return int(getattr(backend, "nesting_level", 0) or 0), n_jobs


def resolve_n_jobs(n_jobs: int | None) -> int:
    """The number of training threads for an ``n_jobs`` value.

    ``k > 0``: exactly ``k``; ``-1`` all cores this process may use, ``-2``
    all but one, and so on. ``None``: one thread inside a task that joblib
    already runs in parallel (nested in ``GridSearchCV(n_jobs=...)`` and
    friends, where more threads would only compete for the same cores); the
    ``n_jobs`` of an enclosing ``joblib.parallel_config(n_jobs=...)``;
    otherwise all cores this process may use.
    """
    n_cpus = available_cpus()
    if n_jobs is None:
        nesting_level, context_n_jobs = _joblib_context()
        if nesting_level > 0:
            return 1
        if context_n_jobs is None:
            return n_cpus
        n_jobs = int(context_n_jobs) or 1
    if n_jobs < 0:
        return max(n_cpus + 1 + n_jobs, 1)
    return int(n_jobs)
