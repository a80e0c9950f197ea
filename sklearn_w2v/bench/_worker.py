"""One trainer, one measurement, in a fresh process.

Run by the benchmark as ``python -m sklearn_w2v.bench.worker SPEC OUT``:
``SPEC`` is a JSON file naming the trainer, thread count, corpus and
parameters; the figures are written as JSON to ``OUT``. A fresh process per
measurement keeps one trainer's memory and caches from touching the next.
"""

from __future__ import annotations

import gc
import json
import logging
import os
import sys
import tempfile
import time
import traceback

from gensim.models import Word2Vec
from gensim.models.word2vec import LineSentence

from ..estimator import STAGE_NAMES, W2V, FreshFit, fit_stages, training_setup
from ..evaluation import evaluate
from ..text import LineCorpus
from ._latency import core_to_core_ns
from ._memory import RSSProbe
from ._params import GENSIM_PARAMETERS, MODEL_OPTIONS, split_trainer

# Small but varied enough to reach every kernel branch (windows, negatives,
# subsampling), so that numba compiles (or loads from its cache) here, not
# inside the timed fit.
WARMUP_DOCS = [[f"w{(i * 7 + j * 3) % 40}" for j in range(25)] for i in range(60)]

#: Seconds between a fit's end and the core-to-core probe after it (see :func:`measure`).
AFTER_FIT_PAUSE = 0.2


class _WithOptions(FreshFit):
    """``fit`` with backend options given by the trainer's name (``torch:kernel=fused``)."""

    def __init__(self, X, options: dict):
        super().__init__(X)
        self.options = options

    def setup(self, model, call):
        return training_setup(model, call=call, **self.options)


def _fit_ours(spec: dict, probe: RSSProbe) -> dict:
    backend, options = split_trainer(spec["trainer"])
    # Options of the model (sg_rule) set the estimator; the others go to the backend.
    model_options = {k: options.pop(k) for k in list(options) if k in MODEL_OPTIONS}
    kwargs = dict(
        spec["params"],
        backend=backend,
        n_jobs=spec["threads"],
        random_state=spec["seed"],
    )
    kwargs.update(model_options)
    if spec.get("device") is not None:
        kwargs["device"] = spec["device"]

    start = time.perf_counter()
    fit_stages(W2V(**dict(kwargs, min_count=1, epochs=1)), _WithOptions(WARMUP_DOCS, options))
    with tempfile.TemporaryDirectory() as folder:  # the file path's kernels and threads too
        path = os.path.join(folder, "warmup.txt")
        with open(path, "w") as f:
            f.writelines(" ".join(doc) + "\n" for doc in WARMUP_DOCS)
        fit_stages(W2V(**dict(kwargs, min_count=1, epochs=1)),
                   _WithOptions(LineCorpus(path), options))
    warmup = time.perf_counter() - start
    gc.collect()

    with probe:
        start, cpu = time.perf_counter(), time.process_time()
        model = fit_stages(W2V(**kwargs), _WithOptions(LineCorpus(spec["corpus"]), options))
        wv = model.wv_
        end_to_end = time.perf_counter() - start
        cpu = time.process_time() - cpu
    stats = model.training_stats_
    details = stats.get("backend_details", {})
    return {
        "wv": wv,
        "device": stats.get("device"),
        "backend_details": details,
        "gpu_memory": _gpu_memory(details, len(wv), spec["params"]["vector_size"],
                                  int(stats["n_corpus_words"])),
        "warmup_seconds": warmup,
        "train_seconds": float(stats["seconds"]),
        "stage_seconds": stats["stage_seconds"],
        "kernel_seconds": stats["kernel_seconds"],
        "fit_seconds": stats["fit_seconds"],
        "unaccounted_seconds": _unaccounted(end_to_end, stats["stage_seconds"]),
        "end_to_end_seconds": end_to_end,
        "cpu_seconds": cpu,
        "raw_words_seen": int(stats["n_raw_words"]),
        "kept_words": int(stats["n_corpus_words"]),
        "n_documents": int(stats["n_documents"]),
        "vocab_size": len(wv),
        "threads_used": int(stats.get("n_threads", spec["threads"])),
    }


def _fit_gensim(spec: dict, probe: RSSProbe) -> dict:
    logging.getLogger("gensim").setLevel(logging.WARNING)
    p = {k: v for k, v in spec["params"].items() if k in (*GENSIM_PARAMETERS, "min_count")}
    kwargs = dict(p, workers=spec["threads"], seed=spec["seed"], hs=0)

    start = time.perf_counter()
    Word2Vec(WARMUP_DOCS, **dict(kwargs, min_count=1, epochs=1))
    warmup = time.perf_counter() - start
    gc.collect()

    path = spec["corpus"]
    with probe:
        start, cpu = time.perf_counter(), time.process_time()
        model = Word2Vec(**kwargs)
        if spec["trainer"] == "gensim-file":
            source = {"corpus_file": path}
        else:
            source = {"corpus_iterable": LineSentence(path)}
        model.build_vocab(**source)
        train_start = time.perf_counter()
        vocab_seconds = train_start - start
        model.train(
            **source,
            total_examples=model.corpus_count,
            total_words=model.corpus_total_words,
            epochs=model.epochs,
        )
        train = time.perf_counter() - train_start
        wv = model.wv
        end_to_end = time.perf_counter() - start
        cpu = time.process_time() - cpu
    stages = {**dict.fromkeys(STAGE_NAMES), "count": vocab_seconds, "train": train}
    return {
        "wv": wv,
        "warmup_seconds": warmup,
        "train_seconds": train,
        # gensim counts in build_vocab (with its vocabulary and starting weights) and encodes
        # while it trains
        "stage_seconds": stages,
        "kernel_seconds": None,
        "unaccounted_seconds": _unaccounted(end_to_end, stages),
        "end_to_end_seconds": end_to_end,
        "cpu_seconds": cpu,
        "raw_words_seen": int(model.corpus_total_words),
        "kept_words": None,
        "n_documents": int(model.corpus_count),
        "vocab_size": len(wv),
        "threads_used": int(spec["threads"]),
    }


def _unaccounted(end_to_end: float, stages: dict) -> float:
    """What no stage covers: the end-to-end time minus the stages' (imports are not timed)."""
    return end_to_end - sum(s for s in stages.values() if s is not None)


def _gpu_memory(details: dict, vocab_size: int, vector_size: int, kept_words: int) -> dict | None:
    """Peak GPU memory of a CUDA fit against its bound, term by term (bytes); None off the GPU.

    The bound of the fused kernel: both weight matrices, the id tensor, the
    sampling tables (three int64 per word) and the kernel's fixed workspace.
    """
    peak = details.get("cuda_max_memory_allocated")
    if peak is None:
        return None
    terms = {
        "weights": 2 * vocab_size * vector_size * 4,
        "ids": 4 * kept_words,
        "tables": 3 * 8 * vocab_size,
        "workspace": int(details.get("workspace_bytes", 0)),
    }
    terms["bound"] = sum(terms.values())
    return {"peak": int(peak), **terms, "within_bound": int(peak) <= terms["bound"]}


def memory_bound_bytes(
    kept_words: int, n_sentences: int, vocab_size: int, vector_size: int, n_distinct: int,
    n_threads: int = 1,
) -> dict:
    """The memory our trainers promise, in bytes, term by term.

    Encoded corpus: 4 bytes per kept token plus an 8-byte offset per
    sentence; two float32 weight matrices; and O(V): 512 bytes per distinct
    raw word (the counting dictionary with its string keys, the word list,
    counts and the KeyedVectors index all scale with it), with more than one
    thread 160 bytes more per distinct word and thread (the file path's
    per-thread counting tables: hash slots, spans, counts and token bytes),
    plus a fixed 32 MB (thread stacks, allocator arenas, sampling tables'
    slack, the blocks read ahead).
    """
    terms = {
        "corpus": 4 * kept_words + 8 * (n_sentences + 1),
        "weights": 2 * vocab_size * vector_size * 4,
        "vocabulary": 512 * n_distinct + (160 * n_distinct * n_threads if n_threads > 1 else 0),
        "fixed": 32 * 1024 * 1024,
    }
    terms["total"] = sum(terms.values())
    return terms


def measure(spec: dict) -> dict:
    """Fit one trainer as ``spec`` says; figures, memory and quality as a JSON-able dict."""
    probe = RSSProbe(interval=spec.get("interval", 0.005))
    ours = not spec["trainer"].startswith("gensim")
    fit = _fit_ours if ours else _fit_gensim
    # What sharing rows between threads costs (it can change from minute to minute on a
    # virtual machine), just before and just after the run: read beside the run's speed.
    before = core_to_core_ns()
    result = fit(spec, probe)
    # A library may leave its worker threads spinning for a moment after its last call
    # (OpenBLAS's do, after the fit's last small matrix product): probed at once, the line
    # would wait for them (about 90 ns against 45 measured on the development VM).
    time.sleep(AFTER_FIT_PAUSE)
    result["core_to_core_ns"] = [before, core_to_core_ns()]
    wv = result.pop("wv")
    result["memory"] = probe.as_dict()
    if ours:
        bound = memory_bound_bytes(
            result["kept_words"],
            spec["corpus_info"]["n_sentences"],
            result["vocab_size"],
            spec["params"]["vector_size"],
            spec["corpus_info"]["distinct_tokens"],
            int(spec["threads"]),
        )
        result["memory"]["bound_mb"] = {k: v / 2**20 for k, v in bound.items()}
        increase = probe.increase_bytes
        result["memory"]["within_bound"] = None if increase is None else increase <= bound["total"]
    result["quality"] = _quality(wv) if spec.get("quality", True) else _no_quality("skipped")
    return result


def _no_quality(reason: str) -> dict:
    return {"analogy": None, "wordsim353": None, "simlex999": None, "error": reason}


def _quality(wv) -> dict:
    start = time.perf_counter()
    try:
        quality = evaluate(wv)
    except ValueError as exc:  # e.g. no test pair in a toy vocabulary: keep the other figures
        quality = _no_quality(f"{type(exc).__name__}: {exc}")
    quality["seconds"] = time.perf_counter() - start
    return quality


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    spec_path, out_path = argv
    with open(spec_path) as f:
        spec = json.load(f)
    try:
        result = {"ok": True, **measure(spec)}
        code = 0
    except BaseException as exc:  # reported to the parent, which goes on with the others
        result = {
            "ok": False,
            "error": f"{type(exc).__name__}: {exc}",
            "traceback": traceback.format_exc(),
        }
        code = 1
    with open(out_path, "w") as f:
        json.dump(result, f)
    return code


if __name__ == "__main__":
    raise SystemExit(main())
