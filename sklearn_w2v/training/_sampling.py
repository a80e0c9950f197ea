"""Backend-neutral sampling tables: frequent-word subsampling and the noise distribution.

:func:`sampling_tables` is the one builder every backend calls: it gives the
:class:`SamplingTables` of a vocabulary's counts (the subsampling keep
probabilities and their 32-bit thresholds, Walker's alias table of the noise
distribution), built once per counts and settings and kept for the next
training call of the process (a second ``fit`` on the same corpus, the
rounds of distributed training), whatever trainer object asks. A backend
that needs the tables in another form (torch tensors on a device) derives
it once with :meth:`SamplingTables.derived`, which the cached tables keep
too.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numba import njit


def keep_probabilities(counts: np.ndarray, sample: float) -> np.ndarray:
    """Probability of keeping each occurrence of a word, by gensim's formula.

    With ``t = sample * total`` (or, for ``sample >= 1``, an absolute
    threshold), a word seen ``c`` times is kept with probability
    ``min(1, (sqrt(c / t) + 1) * t / c)``; ``sample=0`` keeps everything.

    Examples
    --------
    >>> keep_probabilities(np.array([100000, 10]), sample=1e-3).round(3).tolist()
    [0.033, 1.0]
    """
    counts = np.asarray(counts, dtype=np.float64)
    if len(counts) == 0:
        return counts
    total = counts.sum()
    if not sample:
        threshold = total
    elif sample < 1.0:
        threshold = sample * total
    else:
        threshold = float(int(sample * (3 + np.sqrt(5)) / 2))
    with np.errstate(divide="ignore"):
        p = (np.sqrt(counts / threshold) + 1.0) * (threshold / counts)
    return np.minimum(p, 1.0)


def keep_thresholds(counts: np.ndarray, sample: float) -> np.ndarray:
    """:func:`keep_probabilities` as uint32 thresholds: keep when ``rand32 <= threshold``."""
    return _thresholds(keep_probabilities(counts, sample))


def _thresholds(p: np.ndarray) -> np.ndarray:
    return np.floor(p * (2**32 - 1)).astype(np.uint32)


def noise_distribution(counts: np.ndarray, ns_exponent: float) -> np.ndarray:
    """Negative-sampling distribution: ``count ** ns_exponent``, normalised."""
    w = np.asarray(counts, dtype=np.float64) ** float(ns_exponent)
    return w / w.sum()


@njit(nogil=True, cache=True)
def _pair_slots(scaled, keep, alias):  # pragma: no cover (compiled; tested through alias_table)
    """Vose's pairing: each slot under 1 takes its remainder from a slot over 1.

    The slots under 1 and those at or over 1 are two stacks filled in index
    order; the last slot under 1 pairs with the last one over 1, which gives
    up what it lent and moves to the stack under 1 once it falls below 1.
    This order (and every floating-point step) is fixed: the table is the
    same bit for bit wherever it is built, which seeded training relies on.
    """
    n = len(scaled)
    small = np.empty(n, dtype=np.int64)
    large = np.empty(n, dtype=np.int64)
    n_small = 0
    n_large = 0
    for i in range(n):
        if scaled[i] < 1.0:
            small[n_small] = i
            n_small += 1
    for i in range(n):
        if scaled[i] >= 1.0:
            large[n_large] = i
            n_large += 1
    while n_small > 0 and n_large > 0:
        n_small -= 1
        s = small[n_small]
        g = large[n_large - 1]
        keep[s] = scaled[s]
        alias[s] = g
        scaled[g] -= 1.0 - scaled[s]
        if scaled[g] < 1.0:
            n_large -= 1
            small[n_small] = g
            n_small += 1


def alias_table(p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Walker's alias table for drawing from ``p`` in O(1).

    Draw ``i`` uniformly from ``range(len(p))`` and a 32-bit uniform ``u``;
    the sample is ``i`` if ``u < threshold[i]``, else ``alias[i]``. Built in
    compiled code (about a millisecond for 50k words).

    Returns
    -------
    threshold : ndarray of uint64
        Probability of keeping ``i``, scaled to ``2**32``.
    alias : ndarray of int32

    Examples
    --------
    >>> threshold, alias = alias_table(np.array([0.5, 0.25, 0.25]))
    >>> (threshold / 2**32).tolist(), alias.tolist()
    ([1.0, 0.75, 0.75], [0, 0, 0])
    """
    n = len(p)
    scaled = np.asarray(p, dtype=np.float64) * n / np.sum(p)
    alias = np.arange(n, dtype=np.int32)
    keep = np.ones(n, dtype=np.float64)
    if n:
        _pair_slots(scaled, keep, alias)
    # Whatever is left holds probability 1 up to rounding.
    threshold = np.round(np.clip(keep, 0.0, 1.0) * 2.0**32).astype(np.uint64)
    return threshold, alias


@dataclass(frozen=True, eq=False)
class SamplingTables:
    """The sampling tables of one vocabulary and settings (see :func:`sampling_tables`).

    Attributes
    ----------
    keep_probability : ndarray of float64, shape (n_words,)
        :func:`keep_probabilities`.
    keep_threshold : ndarray of uint32, shape (n_words,)
        The same as 32-bit thresholds (:func:`keep_thresholds`).
    noise_keep : ndarray of uint64, shape (n_words,)
        The noise distribution's alias-table thresholds, scaled to ``2**32``.
    noise_alias : ndarray of int32, shape (n_words,)
        Its aliases (:func:`alias_table`).
    noise_max : float
        The largest noise probability (the torch backend's step size reads it).
    sample, ns_exponent : float
        The settings they were built with.
    """

    keep_probability: np.ndarray
    keep_threshold: np.ndarray
    noise_keep: np.ndarray
    noise_alias: np.ndarray
    noise_max: float
    sample: float
    ns_exponent: float
    _derived: dict = field(default_factory=dict, repr=False)
    _lock: Any = field(default_factory=threading.Lock, repr=False)

    def derived(self, key: Hashable, build: Callable[[SamplingTables], Any]) -> Any:
        """``build(self)``, made once per ``key`` and kept with these tables.

        For the forms a backend trains with (the torch backend's tensors on
        one device): they live as long as the tables, so a later training
        call with the same counts finds them made.
        """
        with self._lock:
            if key not in self._derived:
                self._derived[key] = build(self)
            return self._derived[key]


def _build(counts: np.ndarray, sample: float, ns_exponent: float) -> SamplingTables:
    p_keep = keep_probabilities(counts, sample)
    noise = noise_distribution(counts, ns_exponent)
    noise_keep, noise_alias = alias_table(noise)
    return SamplingTables(p_keep, _thresholds(p_keep), noise_keep, noise_alias,
                          float(noise.max()) if len(noise) else 0.0, float(sample),
                          float(ns_exponent))


class _LastTables:
    """The tables built last, with the counts and settings they were built from.

    One entry: a process trains one vocabulary at a time, and the tables of
    1M words take about 30 MB that a bigger cache would keep alive.
    Comparing the counts is O(n_words), far cheaper than building.
    """

    def __init__(self):
        self._lock = threading.Lock()
        self._key: tuple | None = None
        self._counts: np.ndarray | None = None
        self._tables: SamplingTables | None = None

    def get(self, counts: np.ndarray, sample: float, ns_exponent: float) -> SamplingTables:
        counts = np.asarray(counts)
        key = (float(sample), float(ns_exponent))
        with self._lock:
            if (self._tables is not None and key == self._key
                    and np.array_equal(self._counts, counts)):
                return self._tables
        tables = _build(counts, sample, ns_exponent)  # outside the lock: other fits go on
        with self._lock:
            self._key, self._counts, self._tables = key, np.array(counts, copy=True), tables
        return tables

    def clear(self) -> None:
        with self._lock:
            self._key = self._counts = self._tables = None


_LAST = _LastTables()


def sampling_tables(counts: np.ndarray, sample: float, ns_exponent: float) -> SamplingTables:
    """The subsampling and noise tables of ``counts``: the one builder of every backend.

    Kept for the process's next call: the same counts (compared by value) and
    settings give back the very same :class:`SamplingTables`, so a second
    ``fit`` on the same corpus, or the next round of distributed training,
    builds nothing (nor, through :meth:`SamplingTables.derived`, copies the
    tables to a device again).

    Examples
    --------
    >>> tables = sampling_tables(np.array([100000, 10]), 1e-3, 0.75)
    >>> tables.keep_threshold.dtype, tables.noise_alias.tolist()
    (dtype('uint32'), [0, 0])
    >>> sampling_tables(np.array([100000, 10]), 1e-3, 0.75) is tables
    True
    """
    return _LAST.get(counts, sample, ns_exponent)


def clear_sampling_tables() -> None:
    """Forget the kept tables (and what was derived from them, device copies included)."""
    _LAST.clear()
