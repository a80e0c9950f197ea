"""Progress of a training run, shown the same way by every trainer and by distributed training."""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Callable

from tqdm.auto import tqdm

from ._config import RateSchedule

#: A loss as trainers pass it: a number, or a function giving it (read only when shown, so a
#: GPU trainer does not wait for its device on every step).
Loss = float | Callable[[], float] | None


def draws_bar(stream=None) -> bool:
    """Whether progress on ``stream`` (default stderr) is drawn as a bar: a terminal, or a
    notebook (where :mod:`tqdm.auto` draws a widget).

    Anywhere else (a pipe, a log file) a bar would leave a line of carriage
    returns, so progress is printed as lines instead.
    """
    if any(c.__module__ == "tqdm.notebook" for c in tqdm.__mro__):
        return True
    try:
        return bool((stream or sys.stderr).isatty())
    except (AttributeError, ValueError):  # no isatty, or a closed stream
        return False


class ProgressReporter:
    """Training progress on stderr: a tqdm bar, or the word2vec C tool's progress lines.

    On a terminal or in a notebook (see :func:`draws_bar`) a :mod:`tqdm.auto`
    bar shows the words done, words/s, the time left, the learning rate
    and, when the trainer passes one, the loss per word since the last
    refresh. Elsewhere a line in the C tool's format (``Alpha: ...
    Progress: ...% Words/thread/sec: ...k``, then the time left and the
    loss) goes out at most every :attr:`every` seconds. Nothing is shown
    unless ``verbose``; :meth:`finish` shows the end of the run.

    Trainers call :meth:`update` as often as they like (it reads the clock,
    and the loss only when it is shown) from the thread that created the
    reporter.

    Parameters
    ----------
    label : str
        Names the run in the bar, e.g. the backend's name.
    total_words : int
        Words (corpus tokens times epochs) the run will train.
    schedule : RateSchedule
        The run's learning rate (``config.schedule``: CBOW's stepped profile
        too), shown at the share done.
    verbose : bool or int
        Silent when false.
    n_threads : int, default=1
        Threads sharing the work (for the C tool's words per thread and second).
    bar : bool or None, default=None
        Draw a bar (True), print lines (False), or decide by where stderr goes (None).

    Examples
    --------
    >>> progress = ProgressReporter("numba", 1000, RateSchedule(0.025, 0.0001), verbose=0)
    >>> progress.update(500, loss=1234.5)
    >>> progress.finish()
    """

    #: Seconds between two progress lines (not between bar refreshes, which tqdm paces).
    every = 5.0

    def __init__(self, label: str, total_words: int, schedule: RateSchedule, verbose: int,
                 *, n_threads: int = 1, bar: bool | None = None):
        self.label = label
        self.total = max(int(total_words), 1)
        self.schedule = schedule
        self.verbose = bool(verbose)
        self.n_threads = max(int(n_threads), 1)
        self.start = self.last = time.perf_counter()
        self.done = 0
        self._loss_mark = (0, 0.0)  # words and loss when a loss per word was last shown
        self._loss_per_word: float | None = None
        self._bar = None
        if self.verbose and (draws_bar() if bar is None else bar):
            self._bar = tqdm(total=self.total, desc=f"W2V {label}", unit=" words", unit_scale=True,
                             file=sys.stderr, mininterval=0.5, dynamic_ncols=True)

    def update(self, words_done: int, loss: Loss = None) -> None:
        """Report ``words_done`` (over all epochs) and, optionally, the loss summed over them."""
        if not self.verbose:
            return
        now = time.perf_counter()
        if self._bar is not None:
            # tqdm decides when to redraw; the postfix only needs to be right when it does.
            if now - self.last >= self._bar.mininterval:
                self.last = now
                self._bar.set_postfix_str(self._postfix(words_done, loss), refresh=False)
            self._bar.update(max(words_done - self.done, 0))
            self.done = max(words_done, self.done)
        elif now - self.last >= self.every:
            self.last = now
            self._print(words_done, now - self.start, loss)

    def finish(self, seconds: float | None = None, loss: Loss = None) -> None:
        """The end of the run: everything done, in ``seconds`` (default: since the start)."""
        if not self.verbose:
            return
        elapsed = time.perf_counter() - self.start if seconds is None else seconds
        if self._bar is not None:
            self._bar.set_postfix_str(self._postfix(self.total, loss), refresh=False)
            self._bar.update(self.total - self.done)
            self.done = self.total
            self._bar.close()
        else:
            self._print(self.total, elapsed, loss)

    def _loss(self, words_done: int, loss: Loss) -> float | None:
        """The loss per word over the words since the last call that had new words."""
        if loss is None:
            return None
        value = float(loss() if callable(loss) else loss)
        words, before = self._loss_mark
        if words_done > words:
            self._loss_per_word = (value - before) / (words_done - words)
            self._loss_mark = (words_done, value)
        return self._loss_per_word

    def _postfix(self, done: int, loss: Loss) -> str:
        text = f"alpha={self.schedule.at(min(done / self.total, 1.0)):.6f}"
        per_word = self._loss(done, loss)
        return text if per_word is None else f"{text}, loss/word={per_word:.4g}"

    def _print(self, done: int, elapsed: float, loss: Loss) -> None:
        rate = done / elapsed if elapsed > 0 else 0.0
        left = (self.total - done) / rate if rate > 0 else float("inf")
        share = min(done / self.total, 1.0)
        line = (f"Alpha: {self.schedule.at(share):f}  Progress: {100.0 * share:.2f}%  "
                f"Words/thread/sec: {rate / self.n_threads / 1000:.2f}k  "
                f"Time left: {f'{left:.0f}s' if math.isfinite(left) else 'unknown'}")
        per_word = self._loss(done, loss)
        if per_word is not None:
            line += f"  Loss/word: {per_word:.4g}"
        print(line, file=sys.stderr, flush=True)
