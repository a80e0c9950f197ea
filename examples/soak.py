"""Soak test: repeated fit / transform / save / load cycles in one process.

Prints the resident memory after each cycle and, at the end, its growth
between the first and the last cycle (after warm-up). A leak shows as steady
growth; allocator noise as a few MB up and down. Bounded by ``--cycles`` and
``--seconds``, whichever comes first.

Usage::

    python examples/soak.py --cycles 200 --seconds 90
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import tempfile
import time

import numpy as np

from sklearn_w2v import W2V
from sklearn_w2v.bench import RSSProbe, rusage_peak_bytes
from sklearn_w2v.persistence import load, load_keyed_vectors, save, save_keyed_vectors
from sklearn_w2v.vectors import read_vectors, write_vectors

_probe = RSSProbe()


def rss_mb() -> float:
    """Current resident memory (Linux /proc), or the peak from getrusage elsewhere."""
    now = _probe.current_bytes()
    return (now if now is not None else rusage_peak_bytes()) / 1e6


def corpus(seed: int, n_docs: int = 2000, n_words: int = 500) -> list[list[str]]:
    rng = np.random.default_rng(seed)
    return [[f"w{int(i)}" for i in (rng.zipf(1.4, size=15) - 1) % n_words] for _ in range(n_docs)]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cycles", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=90.0)
    parser.add_argument("--warmup", type=int, default=3, help="cycles before the baseline")
    parser.add_argument("--n-jobs", type=int, default=2)
    args = parser.parse_args(argv)
    folder = tempfile.mkdtemp(prefix="w2v-soak-")
    start = time.perf_counter()
    baseline = None
    readings = []
    cycle = 0
    while cycle < args.cycles and time.perf_counter() - start < args.seconds:
        docs = corpus(cycle)
        model = W2V(vector_size=32, min_count=2, epochs=2, n_jobs=args.n_jobs,
                    random_state=cycle, temp_folder=folder if cycle % 2 else None)
        X = model.fit_transform(docs)
        path = os.path.join(folder, "model.joblib")
        save(model, path)
        again = load(path)
        if not np.array_equal(again.transform(docs), X):
            raise AssertionError(f"cycle {cycle}: loaded model transforms differently")
        save_keyed_vectors(model.wv_, os.path.join(folder, "wv.kv"))
        load_keyed_vectors(os.path.join(folder, "wv.kv"))
        write_vectors(os.path.join(folder, "wv.bin"), model.wv_.index_to_key, model.wv_.vectors)
        read_vectors(os.path.join(folder, "wv.bin"))
        del model, again, X, docs
        gc.collect()
        rss = rss_mb()
        cycle += 1
        if cycle == args.warmup:
            baseline = rss
        readings.append(rss)
        elapsed = time.perf_counter() - start
        print(f"cycle {cycle:4d}  rss {rss:8.1f} MB  {elapsed:6.1f}s", flush=True)
    leftovers = sorted(set(os.listdir(folder)) - {"model.joblib", "wv.kv", "wv.bin"})
    for name in ("model.joblib", "wv.kv", "wv.bin"):
        if os.path.exists(os.path.join(folder, name)):
            os.remove(os.path.join(folder, name))
    os.rmdir(folder)
    if baseline is not None and cycle > args.warmup:
        half = readings[args.warmup - 1 + (cycle - args.warmup) // 2]
        print(f"{cycle} cycles: rss {baseline:.1f} MB after warm-up (cycle {args.warmup}), "
              f"{half:.1f} MB at mid-run, {readings[-1]:.1f} MB at the end: "
              f"growth {readings[-1] - baseline:+.1f} MB "
              f"(second half {readings[-1] - half:+.1f} MB); "
              f"max {max(readings[args.warmup - 1:]):.1f} MB")
    print("stray temporary files:", leftovers or "none")
    return 0


if __name__ == "__main__":
    sys.exit(main())
