"""Running the benchmark: corpus preparation, one subprocess per measurement, the result dict."""

from __future__ import annotations

import dataclasses
import datetime
import importlib.metadata
import json
import math
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable

from .. import __version__
from .._files import open_binary
from ..corpus import MAX_SENTENCE_LENGTH
from ..estimator import available_cpus
from ._params import BenchParams, split_trainer
from ._stats import scaling, summarize

PACKAGE_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def prepare_corpus(path: str, workdir: str, log: Callable[[str], None] = lambda s: None) -> dict:
    """Decompress ``path`` into ``workdir`` if it is ``.gz``, then count what every trainer will
    read.

    gensim's ``corpus_file`` mode needs an uncompressed file, so a ``.gz``
    corpus is decompressed once, before any timing, and every trainer reads
    the decompressed copy (the same input for all).
    """
    info = {"path": os.path.abspath(path), "decompressed": False, "decompress_seconds": None}
    used = path
    if path.endswith(".gz"):
        used = os.path.join(workdir, os.path.basename(path)[:-3] or "corpus.txt")
        start = time.perf_counter()
        with open_binary(path) as src, open(used, "wb") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
        info["decompressed"] = True
        info["decompress_seconds"] = time.perf_counter() - start
        log(f"decompressed {path} to {used} ({os.path.getsize(used) / 2**20:.1f} MB, "
            f"{info['decompress_seconds']:.1f} s); all trainers read this file")
    lines = tokens = sentences = 0
    distinct: set[bytes] = set()
    with open(used, "rb") as f:
        for line in f:
            words = line.split()
            lines += 1
            tokens += len(words)
            sentences += max(math.ceil(len(words) / MAX_SENTENCE_LENGTH), 1)
            distinct.update(words)
    info.update(
        used_path=os.path.abspath(used),
        bytes=os.path.getsize(used),
        n_lines=lines,
        raw_tokens=tokens,
        n_sentences=sentences,
        distinct_tokens=len(distinct),
    )
    return info


def _version(dist: str) -> str | None:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return None


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _git_commit() -> str | None:
    try:
        out = subprocess.run(
            ["git", "-C", PACKAGE_ROOT, "rev-parse", "HEAD"],
            capture_output=True, text=True, timeout=10,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None if out.returncode == 0 else None


def gpu_info() -> list[dict]:
    """Name, driver and memory of each NVIDIA GPU (from ``nvidia-smi``; empty without one)."""
    try:
        out = subprocess.run(
            ["nvidia-smi", "--query-gpu=name,driver_version,memory.total", "--format=csv,noheader"],
            capture_output=True, text=True, timeout=30,
        )
    except (OSError, subprocess.SubprocessError):
        return []
    gpus = []
    for line in out.stdout.strip().splitlines() if out.returncode == 0 else []:
        name, driver, memory = (part.strip() for part in line.split(",", 2))
        gpus.append({"name": name, "driver": driver, "memory": memory})
    return gpus


def machine_info() -> dict:
    """CPU, GPUs, memory, OS and library versions, and the date."""
    mem_total = None
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    mem_total = int(line.split()[1]) / 2**20  # kB -> GB
    except OSError:
        pass
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "cpu_model": _cpu_model(),
        "cpu_count": os.cpu_count(),
        "available_cpus": available_cpus(),
        "memory_gb": mem_total,
        "load_average": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "versions": {
            "sklearn_w2v": __version__,
            **{d: _version(d) for d in ("numpy", "numba", "gensim", "torch", "triton",
                                        "scikit-learn", "scipy")},
        },
        "gpus": gpu_info(),
        "git_commit": _git_commit(),
    }


def schedule(trainers, threads, repeat) -> list[tuple[int, int, str]]:
    """``(repeat, threads, trainer)`` in run order: trainers alternate, rotated one place each
    repeat.

    >>> schedule(["a", "b", "c"], [1], 2)
    [(0, 1, 'a'), (0, 1, 'b'), (0, 1, 'c'), (1, 1, 'b'), (1, 1, 'c'), (1, 1, 'a')]
    """
    order = []
    for r in range(repeat):
        k = r % len(trainers)
        rotated = list(trainers[k:]) + list(trainers[:k])
        for t in threads:
            order.extend((r, t, name) for name in rotated)
    return order


def _child_env() -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (PACKAGE_ROOT, env.get("PYTHONPATH")) if p)
    return env


def _run_one(spec: dict, workdir: str, index: int, timeout: float | None) -> dict:
    spec_path = os.path.join(workdir, f"spec-{index}.json")
    out_path = os.path.join(workdir, f"out-{index}.json")
    with open(spec_path, "w") as f:
        json.dump(spec, f)
    cmd = [sys.executable, "-m", "sklearn_w2v.bench._worker", spec_path, out_path]
    start = time.perf_counter()
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                              env=_child_env())
    except subprocess.TimeoutExpired:
        return {"ok": False, "error": f"timed out after {timeout} s"}
    wall = time.perf_counter() - start
    try:
        with open(out_path) as f:
            result = json.load(f)
    except (OSError, ValueError):
        tail = (proc.stderr or proc.stdout or "").strip().splitlines()[-5:]
        return {
            "ok": False,
            "error": f"worker exited with code {proc.returncode} without a result: "
            + " | ".join(tail),
        }
    result["process_seconds"] = wall
    return result


def run_benchmark(params: BenchParams, log: Callable[[str], None] | None = None) -> dict:
    """Measure every requested trainer on one corpus; the full result as a JSON-able dict.

    Parameters
    ----------
    params : BenchParams
        What to run; validated here, before any work.
    log : callable, optional
        Receives one line per step (e.g. ``print``); silent by default.

    Returns
    -------
    dict
        ``params``, ``corpus``, ``machine``, ``notes``, ``runs`` (every raw
        measurement), ``summary`` (medians, min/max and ratios to gensim
        per trainer and thread count), ``scaling`` (with more than one
        thread count: each trainer's speed-up and efficiency over its run
        at the fewest threads, run by run) and ``failures``.

    Examples
    --------
    >>> from sklearn_w2v.bench import BenchParams, run_benchmark
    >>> result = run_benchmark(  # doctest: +SKIP
    ...     BenchParams(trainers=("numba", "gensim-file"), epochs=1))
    >>> result["summary"][0]["ratios"]["words_per_second_vs_gensim"]  # doctest: +SKIP
    1.1
    """
    log = log or (lambda s: None)
    params = params.validated()
    model_params = params.model_params()
    workdir = tempfile.mkdtemp(prefix="w2v-bench-")
    try:
        corpus = prepare_corpus(params.corpus, workdir, log)
        if corpus["raw_tokens"] == 0:
            raise ValueError(f"Corpus {params.corpus!r} contains no tokens.")
        log(f"corpus: {corpus['raw_tokens']:,} tokens, {corpus['n_lines']:,} lines, "
            f"{corpus['distinct_tokens']:,} distinct words")
        machine = machine_info()
        plan = schedule(params.trainers, params.threads, params.repeat)
        runs, failures = [], []
        for i, (rep, threads, name) in enumerate(plan):
            spec = {
                "trainer": name, "threads": threads,
                # each repeat its own seed, so medians average over seeds too
                "seed": params.seed + rep,
                "device": params.device if split_trainer(name)[0] == "torch" else None,
                "corpus": corpus["used_path"], "params": model_params, "quality": params.quality,
                "corpus_info": {k: corpus[k]
                                for k in ("n_sentences", "distinct_tokens", "raw_tokens")},
            }
            log(f"[{i + 1}/{len(plan)}] {name}, {threads} thread(s), repeat {rep + 1} ...")
            out = _run_one(spec, workdir, i, params.timeout)
            run = {"trainer": name, "threads": threads, "repeat": rep, "position": i, **out}
            if run["ok"]:
                run["words_per_second"] = (corpus["raw_tokens"] * params.epochs
                                           / run["train_seconds"])
                # every trainer must have read the same tokens, or the comparison is void
                run["raw_words_match"] = run.get("raw_words_seen") == corpus["raw_tokens"]
                log(f"    {run['words_per_second']:,.0f} words/s, "
                    f"train {run['train_seconds']:.2f} s, "
                    f"end-to-end {run['end_to_end_seconds']:.2f} s, "
                    f"RSS +{run['memory']['increase_mb']:.0f} MB")
            else:
                failures.append({k: run.get(k) for k in ("trainer", "threads", "repeat", "error")})
                log(f"    FAILED: {run['error']}")
            runs.append(run)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    result = {
        "tool": "sklearn_w2v.bench",
        "params": {**dataclasses.asdict(params), "model": model_params},
        "corpus": corpus,
        "machine": machine,
        "notes": _notes(params, corpus),
        "runs": runs,
        "summary": summarize(runs, params.trainers, params.threads),
        "scaling": scaling(runs, params.trainers, params.threads),
        "failures": failures,
    }
    return _json_safe(result)


def _notes(params: BenchParams, corpus: dict) -> list[str]:
    notes = [
        "Each measurement runs in a fresh subprocess; interpreter start-up and imports are "
        "not timed.",
        "Before timing, each subprocess fits its trainer on a tiny corpus, so numba compilation "
        "(or cache loading) and other first-call costs are excluded.",
        "words/s = raw whitespace tokens in the file x epochs / training seconds (the same "
        "numerator for every trainer); training seconds: our training_stats_['seconds'], "
        "gensim's model.train() timed apart from build_vocab().",
        "end-to-end: from the file on disk to the finished KeyedVectors (vocabulary and encoding "
        "included).",
        "memory: resident size before the fit vs its peak during the fit (/proc/self/statm "
        "sampled every 5 ms, cross-checked with getrusage ru_maxrss); 1 MB = 2**20 bytes.",
        "memory bound (ours): 4 B x kept tokens + 8 B x sentences + 2 x V x D x 4 B "
        "+ 512 B x distinct raw words + 32 MB fixed allowance.",
        "quality: sklearn_w2v.evaluation.evaluate: questions-words.txt accuracy "
        "(restrict_vocab=30000), WordSim353 and SimLex-999 Spearman.",
        f"runs alternate between trainers in an order rotated each repeat ({params.repeat} "
        "repeat(s)); figures are medians, ratios are ratios of medians.",
    ]
    if corpus["decompressed"]:
        notes.append(
            f"{corpus['path']} was decompressed once to a temporary file before timing "
            "(gensim's corpus_file mode needs plain text); every trainer read that file."
        )
    return notes


def _json_safe(obj):
    """NaN/inf -> None, so the output is strict JSON."""
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {k: _json_safe(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_json_safe(v) for v in obj]
    return obj
