"""Human-readable views of a benchmark result: a plain-text table and a Markdown one."""

from __future__ import annotations

import math

from ._stats import STAGES, median_of


def _num(x, fmt: str) -> str:
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "-"
    return format(x, fmt)


def _range(row: dict, key: str, fmt: str, scale: float = 1.0) -> str:
    s = row.get(key)
    if s is None or s["n"] < 2:
        return ""
    return f" [{format(s['min'] * scale, fmt)}-{format(s['max'] * scale, fmt)}]"


def _memory(row: dict) -> str:
    text = _num(median_of(row, "rss_increase_mb"), ".0f")
    if "memory_bound_mb" in row:
        mark = "ok" if row.get("within_bound") else "OVER"
        text += f" / {row['memory_bound_mb']:.0f} {mark}"
    return text


def _quality(row: dict, key: str, scale: float, fmt: str) -> str:
    q = row.get("quality") or {}
    v = q.get(key)
    return _num(None if v is None else v * scale, fmt)


def _columns(row: dict, with_ranges: bool) -> list[str]:
    r = row.get("ratios", {})
    wps = median_of(row, "words_per_second")
    return [
        row["trainer"],
        str(row["threads"]),
        _num(None if wps is None else wps / 1e3, ",.0f")
        + (_range(row, "words_per_second", ",.0f", 1e-3) if with_ranges else ""),
        _num(r.get("words_per_second_vs_gensim"), ".2f"),
        _num(median_of(row, "end_to_end_seconds"), ".2f")
        + (_range(row, "end_to_end_seconds", ".2f") if with_ranges else ""),
        _num(median_of(row, "train_seconds"), ".2f"),
        _num(r.get("end_to_end_vs_gensim"), ".2f"),
        _num(median_of(row, "cpu_seconds"), ".2f"),
        _memory(row),
        _quality(row, "analogy", 100.0, ".1f"),
        _quality(row, "wordsim353", 1.0, ".3f"),
        _quality(row, "simlex999", 1.0, ".3f"),
    ]


HEADERS = [
    "trainer", "threads", "k words/s", "x gensim", "end-to-end s", "train s", "x gensim",
    "fit CPU s", "RSS +MB / bound", "analogy %", "WS353", "SimLex",
]

#: The per-stage table: one column per stage, then the GPU kernels' share of "train" and what
#: no stage covers.
STAGE_HEADERS = ["trainer", "threads", "end-to-end s", *STAGES, "kernel", "unaccounted"]


def _stage_columns(row: dict) -> list[str]:
    stages = row.get("stage_seconds") or {}
    return [
        row["trainer"], str(row["threads"]), _num(median_of(row, "end_to_end_seconds"), ".3f"),
        *(_num(None if stages.get(s) is None else stages[s]["median"], ".3f") for s in STAGES),
        _num(median_of(row, "kernel_seconds"), ".3f"),
        _num(median_of(row, "unaccounted_seconds"), ".3f"),
    ]


def _aligned(rows: list[list[str]]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for k, row in enumerate(rows):
        lines.append("  ".join(
            cell.ljust(w) if i == 0 else cell.rjust(w)
            for i, (cell, w) in enumerate(zip(row, widths))
        ))
        if k == 0:
            lines.append("  ".join("-" * w for w in widths))
    return lines


def text_table(result: dict) -> str:
    """The summary as aligned plain-text tables (the figures, then the stages of each fit),
    with failures and notes below them.
    """
    ok = [r for r in result["summary"] if r["n_ok"]]
    lines = _aligned([HEADERS] + [_columns(r, True) for r in ok])
    lines += ["", "Stages of the fit, median seconds:"]
    lines += _aligned([STAGE_HEADERS] + [_stage_columns(r) for r in ok])
    lines.append("")
    lines.extend(_footnotes(result))
    return "\n".join(lines)


def _footnotes(result: dict) -> list[str]:
    lines = [
        "k words/s: raw corpus tokens x epochs / training seconds (median [min-max] over repeats);",
        "x gensim: ratio of medians to the better gensim mode at the same thread count "
        "(words/s: higher is faster; end-to-end: lower is faster).",
        "train s: the trainer's wall time (ours: the training call, set-up and copies "
        "included; gensim: train()).",
        "fit CPU s: process CPU time of the end-to-end fit, all threads (steadier than wall time "
        "on a shared machine).",
        "stages: training_stats_['stage_seconds'] (gensim: count is build_vocab, train is "
        "train()); kernel: GPU time in the training kernels, within train; unaccounted: "
        "end-to-end minus the stages.",
        "RSS +MB: peak resident increase during the fit; bound: the promised bound for our "
        "trainers (corpus + 2 weight matrices + O(V) + 32 MB), ok when within it.",
    ]
    for row in result["summary"]:
        for mode, diff in (row.get("ratios", {}).get("quality_vs") or {}).items():
            if diff is None or row["trainer"].startswith("gensim"):
                continue
            lines.append(
                f"{row['trainer']} ({row['threads']} thr) vs {mode}: analogy "
                f"{_num(diff['analogy_points'], '+.2f')} points, WS353 "
                f"{_num(diff['wordsim353'], '+.3f')}, SimLex {_num(diff['simlex999'], '+.3f')}"
            )
    for run in result.get("runs", []):
        if run.get("ok") and run.get("raw_words_match") is False:
            lines.append(
                f"WARNING: {run['trainer']} read {run['raw_words_seen']:,} tokens; the file has "
                f"{result['corpus']['raw_tokens']:,}, so its words/s is not comparable."
            )
    for f in result.get("failures", []):
        lines.append(f"FAILED: {f['trainer']} threads={f['threads']} repeat={f['repeat']}: "
                     f"{f['error']}")
    return lines


def markdown_table(result: dict) -> str:
    """The summary as GitHub Markdown tables (medians: the figures, then the stages), for the
    README and the docs.
    """
    headers = [h.replace("x gensim", "× gensim") for h in HEADERS]
    align = ["---"] + ["---:"] * (len(headers) - 1)
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join(align) + "|"]
    for row in result["summary"]:
        if row["n_ok"]:
            cells = _columns(row, False)
            cells[0] = f"`{cells[0]}`"
            lines.append("| " + " | ".join(cells) + " |")
    lines += ["", "| " + " | ".join(STAGE_HEADERS) + " |",
              "|" + "|".join(["---"] + ["---:"] * (len(STAGE_HEADERS) - 1)) + "|"]
    for row in result["summary"]:
        if row["n_ok"]:
            cells = _stage_columns(row)
            cells[0] = f"`{cells[0]}`"
            lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


SCALING_HEADERS = ["trainer", "threads", "k words/s (each run)", "speed-up", "each run",
                   "efficiency", "core-to-core ns (each run)"]


def _scaling_columns(row: dict) -> list[str]:
    def each(values, fmt, scale=1.0):
        return ", ".join(_num(None if v is None else v * scale, fmt) for v in values)

    return [
        row["trainer"],
        str(row["threads"]),
        each(row["words_per_second"], ",.0f", 1e-3),
        _num(row["speedup"], ".2f"),
        each(row["run_speedups"], ".2f"),
        _num(row["efficiency"], ".2f"),
        ", ".join(_latency(pair) for pair in row.get("core_to_core_ns") or []),
    ]


def _latency(pair) -> str:
    """A run's core-to-core nanoseconds before and after it: ``"45"`` when both round alike,
    ``"45/210"`` otherwise (the machine changed during the run)."""
    before, after = (list(pair) + [None])[:2] if isinstance(pair, (list, tuple)) else (pair, pair)
    first, last = _num(before, ".0f"), _num(after, ".0f")
    return first if first == last else f"{first}/{last}"


def scaling_text(result: dict) -> str:
    """The thread sweep (``result["scaling"]``) as a plain-text table; empty without a sweep."""
    rows = result.get("scaling") or []
    if not rows:
        return ""
    cells = [SCALING_HEADERS] + [_scaling_columns(r) for r in rows]
    widths = [max(len(c[i]) for c in cells) for i in range(len(SCALING_HEADERS))]
    lines = ["  ".join(c.ljust(w) if i < 3 else c.rjust(w) for i, (c, w) in
                       enumerate(zip(row, widths))) for row in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    lines.append("")
    lines.append(f"speed-up: median words/s over the median at {rows[0]['base_threads']} "
                 "thread(s); each run: a repeat's run over the same repeat's base run; "
                 "efficiency: speed-up / (threads / base threads); core-to-core: the time one "
                 "cache line took to pass between two cores just before and after the run "
                 "(what threads sharing weight rows pay; before/after where they differ).")
    return "\n".join(lines)


def scaling_markdown(result: dict) -> str:
    """The thread sweep as a GitHub Markdown table; empty without a sweep."""
    rows = result.get("scaling") or []
    if not rows:
        return ""
    lines = ["| " + " | ".join(SCALING_HEADERS) + " |",
             "|---|" + "|".join(["---:"] * (len(SCALING_HEADERS) - 1)) + "|"]
    for row in rows:
        cells = _scaling_columns(row)
        cells[0] = f"`{cells[0]}`"
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)
