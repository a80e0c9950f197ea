"""Medians, spreads and the ratios to gensim that the benchmark reports."""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Sequence

from ..estimator import STAGE_NAMES
from ._params import GENSIM_TRAINERS

QUALITY_KEYS = ("analogy", "wordsim353", "simlex999")


def _finite(values: Iterable) -> list[float]:
    return [float(v) for v in values if v is not None and math.isfinite(v)]


def spread(values: Iterable) -> dict | None:
    """Median, min, max and count of the finite values; None when there are none.

    >>> spread([3.0, 1.0, None, 2.0, float("nan")])
    {'median': 2.0, 'min': 1.0, 'max': 3.0, 'n': 3}
    """
    values = _finite(values)
    if not values:
        return None
    return {"median": statistics.median(values), "min": min(values), "max": max(values),
            "n": len(values)}


def median(values: Iterable) -> float | None:
    """Median of the finite values, or None."""
    s = spread(values)
    return None if s is None else s["median"]


def ratio(a: float | None, b: float | None) -> float | None:
    """``a / b``, or None when either is missing or ``b`` is not positive.

    >>> ratio(3.0, 2.0), ratio(1.0, None), ratio(1.0, 0.0)
    (1.5, None, None)
    """
    if a is None or b is None or not (math.isfinite(a) and math.isfinite(b)) or b <= 0:
        return None
    return a / b


def quality_difference(ours: dict | None, ref: dict | None) -> dict | None:
    """Analogy difference in percentage points, WS353 and SimLex differences in Spearman units.

    >>> quality_difference({"analogy": 0.5, "wordsim353": 0.6, "simlex999": 0.3},
    ...                    {"analogy": 0.45, "wordsim353": 0.62, "simlex999": 0.3})
    {'analogy_points': 5.0, 'wordsim353': -0.02, 'simlex999': 0.0}
    """
    if ours is None or ref is None:
        return None

    def diff(key, scale=1.0):
        a, b = ours.get(key), ref.get(key)
        if a is None or b is None or not (math.isfinite(a) and math.isfinite(b)):
            return None
        return round(scale * (a - b), 10)

    return {
        "analogy_points": diff("analogy", 100.0),
        "wordsim353": diff("wordsim353"),
        "simlex999": diff("simlex999"),
    }


#: The stages of a fit timed apart (``training_stats_["stage_seconds"]``, the estimator's
#: ``STAGE_NAMES``); a run also has ``kernel_seconds`` (GPU time within ``train``) and
#: ``unaccounted_seconds`` (its end-to-end time minus the stages).
STAGES = STAGE_NAMES


def summarize(runs: Sequence[dict], trainers: Sequence[str], threads: Sequence[int]) -> list[dict]:
    """One row per (trainer, threads): spreads of each figure over the successful runs."""
    rows = []
    for t in threads:
        for name in trainers:
            mine = [r for r in runs if r["trainer"] == name and r["threads"] == t]
            ok = [r for r in mine if r.get("ok")]
            row = {
                "trainer": name,
                "threads": t,
                "n_runs": len(mine),
                "n_ok": len(ok),
                "words_per_second": spread(r["words_per_second"] for r in ok),
                "train_seconds": spread(r["train_seconds"] for r in ok),
                "end_to_end_seconds": spread(r["end_to_end_seconds"] for r in ok),
                "cpu_seconds": spread(r["cpu_seconds"] for r in ok),
                "stage_seconds": {
                    stage: spread((r.get("stage_seconds") or {}).get(stage) for r in ok)
                    for stage in STAGES
                },
                "kernel_seconds": spread(r.get("kernel_seconds") for r in ok),
                "unaccounted_seconds": spread(r.get("unaccounted_seconds") for r in ok),
                "rss_increase_mb": spread(r["memory"]["increase_mb"] for r in ok),
                "quality": {
                    k: median(r["quality"].get(k) for r in ok) for k in QUALITY_KEYS
                } if ok else None,
            }
            bounds = [r["memory"]["bound_mb"]["total"] for r in ok if "bound_mb" in r["memory"]]
            if bounds:
                row["memory_bound_mb"] = max(bounds)
                within = [r["memory"].get("within_bound") for r in ok]
                row["within_bound"] = all(w is True for w in within)
            rows.append(row)
    add_ratios(rows)
    return rows


def median_of(row: dict, key: str) -> float | None:
    """The median of a summary row's figure ``key``, or None when it has none."""
    s = row.get(key)
    return None if s is None else s["median"]


def add_ratios(rows: list[dict]) -> None:
    """Add each row's ratios to gensim measured at the same thread count (from medians).

    ``words_per_second_vs_gensim``: words/s over the faster gensim mode's;
    ``end_to_end_vs_gensim``: end-to-end seconds over the faster gensim
    mode's (below 1 is faster); ``quality_vs``: differences to each gensim
    mode.
    """
    for row in rows:
        refs = [
            r for r in rows
            if r["threads"] == row["threads"] and r["trainer"] in GENSIM_TRAINERS and r["n_ok"]
        ]
        fastest = max(refs, key=lambda r: median_of(r, "words_per_second"), default=None)
        quickest = min(refs, key=lambda r: median_of(r, "end_to_end_seconds"), default=None)
        row["ratios"] = {
            "words_per_second_vs_gensim": None if fastest is None or not row["n_ok"]
            else ratio(median_of(row, "words_per_second"), median_of(fastest, "words_per_second")),
            "words_per_second_gensim_mode": None if fastest is None else fastest["trainer"],
            "end_to_end_vs_gensim": None if quickest is None or not row["n_ok"]
            else ratio(median_of(row, "end_to_end_seconds"),
                       median_of(quickest, "end_to_end_seconds")),
            "end_to_end_gensim_mode": None if quickest is None else quickest["trainer"],
            "quality_vs": {
                r["trainer"]: quality_difference(row["quality"], r["quality"])
                for r in refs if r is not row
            } if row["n_ok"] else {},
        }


def scaling(runs: Sequence[dict], trainers: Sequence[str], threads: Sequence[int]) -> list[dict]:
    """How each trainer's speed grows with threads, against its run at the fewest threads.

    One row per (trainer, threads) with every run's words/s in repeat order,
    the speed-up of the medians over the base (the fewest threads measured,
    normally 1), each repeat's own speed-up (a run over the base run of the
    same repeat, which shares its seed and sits next to it in the schedule,
    so a machine that slows down for a while shows in both), the
    efficiency: the speed-up over the ratio of thread counts (1.0 is
    perfect scaling), and each run's ``core_to_core_ns`` (what moving a
    cache line between two cores cost just before and just after it).

    >>> runs = [{"trainer": "a", "threads": t, "repeat": r, "ok": True, "words_per_second": w}
    ...         for r, (w1, w2) in enumerate([(10.0, 19.0), (11.0, 20.0)])
    ...         for t, w in ((1, w1), (2, w2))]
    >>> [(r["threads"], round(r["speedup"], 3), [round(x, 3) for x in r["run_speedups"]])
    ...  for r in scaling(runs, ["a"], [1, 2])]
    [(1, 1.0, [1.0, 1.0]), (2, 1.857, [1.9, 1.818])]
    """
    if len(threads) < 2:
        return []
    def runs_at(name, t, key="words_per_second"):
        return {r["repeat"]: r.get(key) for r in runs
                if r["trainer"] == name and r["threads"] == t and r.get("ok")}

    base_threads = min(threads)
    rows = []
    for name in trainers:
        base = runs_at(name, base_threads)
        base_median = median(base.values())
        for t in sorted(threads):
            mine = runs_at(name, t)
            if not mine:
                continue
            speedup = ratio(median(mine.values()), base_median)
            latency = runs_at(name, t, "core_to_core_ns")
            rows.append({
                "trainer": name,
                "threads": t,
                "base_threads": base_threads,
                "words_per_second": [mine[k] for k in sorted(mine)],
                "core_to_core_ns": [latency[k] for k in sorted(mine)],
                "speedup": speedup,
                "run_speedups": [ratio(mine[k], base.get(k)) for k in sorted(mine)],
                "efficiency": None if speedup is None else speedup * base_threads / t,
            })
    return rows
