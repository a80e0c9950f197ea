"""Resident-memory measurement of a block of code: a sampling thread plus ``getrusage``."""

from __future__ import annotations

import os
import threading

try:
    import resource
except ImportError:  # Windows
    resource = None

MB = 1024 * 1024


def _page_size() -> int:
    try:
        return os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, ValueError, OSError):
        return 4096


def rusage_peak_bytes() -> int | None:
    """Peak resident size of this process so far (``ru_maxrss``, kB on Linux, bytes on macOS)."""
    if resource is None:
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return int(peak) if os.uname().sysname == "Darwin" else int(peak) * 1024


class RSSProbe:
    """Records resident memory before a block and its peak during the block.

    A daemon thread reads ``/proc/self/statm`` every ``interval`` seconds
    (the trainers release the GIL, and pure-Python phases yield it every
    few milliseconds, so the thread keeps sampling). ``ru_maxrss`` is read
    before and after as a cross-check: a spike shorter than the interval
    is caught by it whenever it sets a new process-wide peak.

    Examples
    --------
    >>> with RSSProbe() as probe:
    ...     block = b"x" * (50 * MB)  # touched pages, so resident
    >>> probe.increase_bytes > 40 * MB
    True
    """

    def __init__(self, interval: float = 0.005):
        self.interval = interval
        self._page = _page_size()
        self._fd = None
        if os.path.exists("/proc/self/statm"):
            self._fd = os.open("/proc/self/statm", os.O_RDONLY)
        self.before_bytes: int | None = None
        self.sampled_peak_bytes: int | None = None
        self.rusage_before_bytes: int | None = None
        self.rusage_after_bytes: int | None = None
        self.n_samples = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def current_bytes(self) -> int | None:
        """Resident size now (None where ``/proc`` is missing)."""
        if self._fd is None:
            return None
        return int(os.pread(self._fd, 256, 0).split()[1]) * self._page

    def _sample(self) -> None:
        rss = self.current_bytes()
        self.n_samples += 1
        if rss is not None and (self.sampled_peak_bytes is None or rss > self.sampled_peak_bytes):
            self.sampled_peak_bytes = rss

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self._sample()

    def __enter__(self) -> RSSProbe:
        self.rusage_before_bytes = rusage_peak_bytes()
        self.before_bytes = self.current_bytes()
        if self.before_bytes is None:  # no /proc: fall back on ru_maxrss alone
            self.before_bytes = self.rusage_before_bytes
        self._sample()
        self._thread = threading.Thread(target=self._run, name="rss-probe", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()
        self.rusage_after_bytes = rusage_peak_bytes()
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    @property
    def peak_bytes(self) -> int | None:
        """Peak during the block: the sampled peak, raised to ``ru_maxrss`` when the block set a
        new one.
        """
        peaks = [p for p in (self.sampled_peak_bytes,) if p is not None]
        if (
            self.rusage_after_bytes is not None
            and self.rusage_before_bytes is not None
            and self.rusage_after_bytes > self.rusage_before_bytes
        ):
            peaks.append(self.rusage_after_bytes)
        return max(peaks) if peaks else None

    @property
    def increase_bytes(self) -> int | None:
        """Peak during the block minus resident size before it."""
        if self.peak_bytes is None or self.before_bytes is None:
            return None
        return max(self.peak_bytes - self.before_bytes, 0)

    def as_dict(self) -> dict:
        """All figures in MB (2**20 bytes)."""

        def mb(x):
            return None if x is None else x / MB

        return {
            "rss_before_mb": mb(self.before_bytes),
            "sampled_peak_mb": mb(self.sampled_peak_bytes),
            "rusage_peak_before_mb": mb(self.rusage_before_bytes),
            "rusage_peak_after_mb": mb(self.rusage_after_bytes),
            "peak_mb": mb(self.peak_bytes),
            "increase_mb": mb(self.increase_bytes),
            "interval_s": self.interval,
            "n_samples": self.n_samples,
        }
