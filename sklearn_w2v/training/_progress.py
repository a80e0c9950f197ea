"""Progress of a training run, reported the same way by every trainer."""

from __future__ import annotations

import math
import sys
import time

from ._config import LinearSchedule


class ProgressReporter:
    """Lines on stderr during training: share done, learning rate, words/s and time left.

    A line goes out at most every :attr:`every` seconds, when ``verbose``
    is set, and once at :meth:`finish`. Trainers call :meth:`update` as
    often as they like (it only reads the clock).

    Parameters
    ----------
    label : str
        Shown at the start of each line, e.g. the backend's name.
    total_words : int
        Words (corpus tokens times epochs) the run will train.
    schedule : LinearSchedule
        The run's learning rate, shown at the share done.
    verbose : bool or int
        Silent when false.
    """

    #: Seconds between two progress lines.
    every = 5.0

    def __init__(self, label: str, total_words: int, schedule: LinearSchedule, verbose: int):
        self.label = label
        self.total = max(int(total_words), 1)
        self.schedule = schedule
        self.verbose = bool(verbose)
        self.start = self.last = time.perf_counter()

    def update(self, words_done: int) -> None:
        """Report ``words_done`` if a line is due."""
        if not self.verbose:
            return
        now = time.perf_counter()
        if now - self.last >= self.every:
            self.last = now
            self._print(words_done, now - self.start)

    def finish(self, seconds: float | None = None) -> None:
        """The last line: everything done, in ``seconds`` (default: since the start)."""
        if self.verbose:
            self._print(self.total,
                        time.perf_counter() - self.start if seconds is None else seconds)

    def _print(self, done: int, elapsed: float) -> None:
        rate = done / elapsed if elapsed > 0 else 0.0
        left = (self.total - done) / rate if rate > 0 else float("inf")
        share = done / self.total
        eta = f"about {left:.0f}s left" if math.isfinite(left) else "time left unknown"
        print(
            f"[W2V {self.label}] {100.0 * share:5.1f}% alpha {self.schedule.at(share):.5f} "
            f"{rate:,.0f} words/s, {eta}",
            file=sys.stderr,
            flush=True,
        )
