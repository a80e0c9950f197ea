"""Every GPU measurement of the torch backend in one run, written as JSON (for a lent GPU machine).

A GPU is lent to this project only at times and for minutes, so this script
does all the GPU work in one go, inside a time budget (``--budget``, 8
minutes by default), and rewrites ``gpu_check.json`` in ``--out`` after
every step, so a run cut short keeps what it measured. Each step runs in
``try``/``except``: a failure is recorded and the next step runs.

1. the machine: GPU, driver, torch, Triton and numba versions;
2. in the background, on the machine's CPUs: ``python -m sklearn_w2v.bench``
   with gensim (``gensim-file``) and the numba backend, 3 seeds, skip-gram
   then CBOW (the reference for quality and CPU speed, measured in this run);
3. a warm-up that compiles every kernel variant the timed runs use (skip-gram
   ``block`` and ``hogbatch``, CBOW; each ``num_warps`` of the sweep), with
   the registers and spills of each as launched;
4. the fused kernel on the corpus (en-mix by default), ``vector_size=100,
   window=5, negative=5, sample=1e-3, min_count=5``, 5 epochs, seeds 1-3:
   skip-gram ``block``, CBOW, skip-gram ``hogbatch``: raw words/s (corpus
   tokens x epochs over the training wall time, and over the kernels' own
   time from CUDA events), peak ``torch.cuda.max_memory_allocated`` against
   its bound, and the quality scores (evaluated in worker processes on the
   CPUs while the GPU trains on);
5. the batched path, one epoch of each mode, for comparison;
6. a sweep of ``num_warps`` and programs (one seed, with quality);
7. the CUDA tests (compiled kernel against its NumPy reference), last, with
   a short timeout.

Run from the repository root, with the corpus and the wheels the GPU machine
lacks carried in the ignored folder ``.gpu``::

    pip install --no-index --no-deps --target /tmp/site .gpu/wheels/*.whl
    PYTHONPATH=$PWD:/tmp/site python scripts/gpu_check.py --out "$OUT"

``--device cpu --max-tokens 3000 --epochs 1 --seeds 1`` runs the steps (but
the background benchmark and the tests) on a tiny slice on the CPU, with
Triton's interpreter: a check of the script itself, not a measurement.

The whole fit (the issue on the stages around training) has three more steps,
run by ``--steps fits,gensim_cbow,distributed,tests`` (about 5 minutes on an
H100; give the device call ``timeout_s`` 540 and ``--budget 480``):

8. ``fits``: ``W2V(backend="torch", sg=..., epochs=5).fit(path)`` on the
   corpus as a plain file (a ``.gz`` is decompressed once, before, and
   ``cat``/``zcat`` of it timed), skip-gram then CBOW (the default stepped
   learning-rate profile), seeds 1-3, in one warm process (a warm-up fit
   first, untimed): the fit's wall time around ``fit``, every stage of
   ``training_stats_["stage_seconds"]``, the trainer's wall (``seconds``)
   against its kernels' (``kernel_seconds``), the peak GPU memory, and the
   quality (in the worker pool). ``fits_summary`` has the medians, the
   kernel shares of the trainer's wall (goals: 90 % skip-gram, 75 % CBOW),
   the whole skip-gram fit (goal: 2 s) and the quality means;
9. ``gensim_cbow``: gensim's CBOW on the machine's CPUs (``python -m
   sklearn_w2v.bench --backends gensim-file --sg 0``, the seeds, with
   quality), and in ``cbow_vs_gensim`` the difference of the 3-seed analogy
   means to the stepped CBOW of step 8 (goal: within 0.3 points);
10. ``distributed``: ``torchrun --nproc_per_node 1 -m sklearn_w2v.distributed
    --backend torch --dist-backend nccl`` on the corpus, one epoch of
    skip-gram: distributed training on CUDA, its summary line and the
    quality of the vectors it wrote.

Their CPU check: ``--device cpu --max-tokens 400 --epochs 1 --seeds 1
--steps fits,gensim_cbow,distributed`` (gloo instead of NCCL).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor

if "--device" in sys.argv and sys.argv[sys.argv.index("--device") + 1] == "cpu":
    os.environ.setdefault("TRITON_INTERPRET", "1")  # before torch or triton is imported

import numpy as np  # noqa: E402
import torch  # noqa: E402
from _budget_report import BudgetReport  # noqa: E402 (scripts/ is the script's folder)

from sklearn_w2v import LineCorpus  # noqa: E402
from sklearn_w2v.backends.torch import TorchTrainer  # noqa: E402
from sklearn_w2v.bench import gpu_info, machine_info  # noqa: E402
from sklearn_w2v.corpus import EncodedCorpus, encode_documents  # noqa: E402
from sklearn_w2v.training import TrainConfig, initial_vectors  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SETTINGS = dict(vector_size=100, window=5, negative=5, sample=1e-3, alpha=0.025, min_alpha=1e-4)
MAIN = [(1, "block"), (0, "block"), (1, "hogbatch")]  # (sg, sg_rule) of the seeded runs


def _evaluate(words, counts, vectors) -> dict:
    """Quality scores of one run (in a worker process: the GPU trains on meanwhile)."""
    from threadpoolctl import threadpool_limits

    from sklearn_w2v.evaluation import evaluate
    from sklearn_w2v.vectors import to_keyed_vectors

    try:
        with threadpool_limits(1):  # one core a worker: several evaluate at once
            return evaluate(to_keyed_vectors(words, counts, vectors))
    except Exception as exc:  # no gensim test data, or a vocabulary too small
        return {"error": f"{type(exc).__name__}: {exc}"}


def train(encoded, device, sg, rule, epochs, seed, kernel="fused", programs=None, num_warps=None):
    """One training run on the encoded corpus: speed, kernel time, registers, memory."""
    vocabulary, corpus = encoded.vocabulary, encoded.corpus
    config = TrainConfig(**SETTINGS, sg=bool(sg), sg_rule=rule, epochs=epochs, seed=seed)
    inp, out = initial_vectors(len(vocabulary), config.vector_size, seed)
    trainer = TorchTrainer(device=device, kernel=kernel, programs=programs, num_warps=num_warps)
    result = trainer.train(corpus, vocabulary.counts, config, inp, out)
    stats = result.stats
    raw = encoded.n_raw_words * epochs
    row = {"sg": sg, "sg_rule": rule, "seed": seed, "epochs": epochs, "kernel": kernel,
           "train_seconds": stats.seconds, "raw_words_per_second": raw / stats.seconds,
           "trained_words_per_second": stats.words_per_second, **stats.details}
    if stats.details.get("kernel_seconds"):
        row["kernel_raw_words_per_second"] = raw / stats.details["kernel_seconds"]
    peak = stats.details.get("cuda_max_memory_allocated")
    if peak is not None:
        bound = {"weights": 2 * inp.nbytes, "ids": corpus.ids.nbytes,
                 "offsets": corpus.offsets.nbytes, "tables": 3 * 8 * len(vocabulary),
                 "workspace": stats.details.get("workspace_bytes", 0)}
        row["memory"] = {"peak": peak, **bound, "bound": sum(bound.values())}
    print(f"    sg={sg} {rule} {kernel} programs={row.get('programs')} "
          f"warps={row.get('num_warps')} seed={seed}: "
          f"{row['raw_words_per_second'] / 1e6:.2f}M raw words/s"
          + (f" (kernels {row['kernel_raw_words_per_second'] / 1e6:.2f}M)"
             if "kernel_raw_words_per_second" in row else ""), flush=True)
    return row, result.input_vectors


class Runs:
    """Training runs whose quality is evaluated in a process pool while the GPU trains on."""

    def __init__(self, encoded, pool):
        self.encoded, self.pool, self.pending = encoded, pool, []

    def run(self, *args, quality=True, **kwargs) -> dict:
        row, vectors = train(self.encoded, *args, **kwargs)
        if quality:
            vocab = self.encoded.vocabulary
            self.pending.append((row, self.pool.submit(_evaluate, list(vocab.words),
                                                       vocab.counts, vectors)))
        return row

    def collect(self, timeout: float) -> None:
        for row, future in self.pending:
            try:
                row["quality"] = future.result(timeout=max(timeout, 1.0))
            except Exception as exc:
                row["quality"] = {"error": f"{type(exc).__name__}: {exc}"}
        self.pending = []


def means(rows: list[dict]) -> list[dict]:
    """Per (sg, rule): the medians of speed and the means of quality over the seeds."""
    out = []
    for sg, rule in sorted({(r["sg"], r["sg_rule"]) for r in rows}, reverse=True):
        group = [r for r in rows if (r["sg"], r["sg_rule"]) == (sg, rule)]
        quality = [r["quality"] for r in group if "error" not in r.get("quality", {"error": 1})]
        entry = {"sg": sg, "sg_rule": rule, "seeds": len(group),
                 "raw_words_per_second": float(np.median(
                     [r["raw_words_per_second"] for r in group])),
                 "peak_bytes": max(r.get("memory", {}).get("peak", 0) for r in group)}
        kernel = [r["kernel_raw_words_per_second"] for r in group
                  if "kernel_raw_words_per_second" in r]
        if kernel:
            entry["kernel_raw_words_per_second"] = float(np.median(kernel))
        for key in ("analogy", "wordsim353", "simlex999"):
            values = [q[key] for q in quality if key in q]
            if values:
                entry[key] = float(np.mean(values))
                entry[key + "_runs"] = values
        out.append(entry)
    return out


def truncated(encoded, max_tokens: int):
    """The first sentences of an encoded corpus, up to ``max_tokens`` tokens."""
    last = int(np.searchsorted(encoded.corpus.offsets, max_tokens, side="right")) - 1
    corpus = encoded.corpus.sentences(0, max(last, 1))
    ids = np.ascontiguousarray(corpus.ids)
    return encoded._replace(corpus=EncodedCorpus(ids, corpus.offsets), n_raw_words=len(ids))


def cpu_bench(args, sg: int, timeout: float) -> dict:
    """gensim and the numba backend on this machine's CPUs (all cores), the seeds, with quality.

    Run after the GPU steps, alone on the machine.
    """
    out = os.path.join(args.out, f"cpu_bench_sg{sg}.json")
    cmd = [sys.executable, "-m", "sklearn_w2v.bench", "--corpus", args.corpus, "--sg", str(sg),
           "--backends", "numba,gensim-file", "--threads", str(os.cpu_count() or 1),
           "--repeat", str(args.seeds), "--epochs", str(args.epochs), "--markdown", "--json", out]
    try:
        done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True,
                              timeout=max(timeout, 1.0))
    except subprocess.TimeoutExpired as exc:
        return {"timeout": timeout, "tail": str(exc.stdout)[-2000:] + str(exc.stderr)[-1000:]}
    found = {"returncode": done.returncode, "stdout": done.stdout[-4000:],
             "stderr": done.stderr[-1500:]}
    if os.path.exists(out):
        with open(out) as f:
            found["json"] = json.load(f)
    return found


def run_tests(timeout: float) -> dict:
    env = dict(os.environ, FUSED_TEST_COMPILED="1")
    env.pop("TRITON_INTERPRET", None)
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
           "tests/test_fused_kernel.py", "tests/test_backends_torch.py", "-k", "cuda"]
    start = time.perf_counter()
    try:
        done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True,
                              timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        return {"timeout": timeout, "tail": str(exc.stdout)[-2500:]}
    return {"command": " ".join(cmd[2:]), "returncode": done.returncode,
            "seconds": time.perf_counter() - start,
            "tail": done.stdout[-2500:] + done.stderr[-1500:]}


def plain_corpus(args, folder: str) -> tuple[str, dict]:
    """The corpus as a plain text file (what a fit from a path reads fastest), and the time of
    reading it (``cat``/``zcat`` to /dev/null); with ``--max-tokens``, its first lines only.
    """
    path = args.corpus
    if path.endswith(".gz") or args.max_tokens:
        opener = gzip.open if path.endswith(".gz") else open
        plain = os.path.join(folder, "corpus.txt")
        with opener(path, "rb") as src, open(plain, "wb") as dst:
            if args.max_tokens:
                n = 0
                for line in src:
                    dst.write(line)
                    n += len(line.split())
                    if n >= args.max_tokens:
                        break
            else:
                shutil.copyfileobj(src, dst, 1 << 24)
        path = plain
    reads = {}
    for name, file in (("cat", path), ("zcat" if args.corpus.endswith(".gz") else "cat_given",
                                       args.corpus)):
        command = ["zcat" if file.endswith(".gz") else "cat", file]
        began = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, check=True)
        reads[name] = {"command": " ".join(command), "seconds": time.perf_counter() - began}
    return path, reads


def fit_runs(args, path: str, pool, report) -> list[dict]:
    """Whole fits from the path in this (warm) process: every stage, the kernels, the quality."""
    from sklearn_w2v import W2V

    kernel = {"kernel": "fused"} if args.device == "cpu" else {}
    common = dict(backend="torch", device=args.device, n_jobs=os.cpu_count() or 1, **kernel)
    began = time.perf_counter()  # warm-up: compiles every variant, loads numba's kernels
    with tempfile.TemporaryDirectory() as folder:
        warm = os.path.join(folder, "warm.txt")
        with open(warm, "w") as f:
            f.writelines(" ".join(f"w{(i * 7 + j) % 60}" for j in range(30)) + "\n"
                         for i in range(5 if args.device == "cpu" else 100))  # interpreter
        for sg in (1, 0):
            W2V(sg=sg, min_count=1, epochs=1, vector_size=100, **common).fit(LineCorpus(warm))
    rows, pending = [{"warm_up_seconds": time.perf_counter() - began}], []
    for sg in (1, 0):
        for seed in range(1, args.seeds + 1):
            if report.left() < 60:
                rows.append({"sg": sg, "seed": seed, "skipped": "budget"})
                continue
            model = W2V(sg=sg, epochs=args.epochs, random_state=seed, **common)
            began = time.perf_counter()
            model.fit(LineCorpus(path))
            wall = time.perf_counter() - began
            stats = model.training_stats_
            details = stats["backend_details"]
            row = {"sg": sg, "seed": seed, "epochs": args.epochs, "fit_wall": wall,
                   "not_training": wall - stats["stage_seconds"]["train"],
                   **{k: stats[k] for k in ("stage_seconds", "kernel_seconds", "seconds",
                                             "fit_seconds", "unaccounted_seconds",
                                             "n_raw_words", "n_threads", "device")},
                   "trainer_kernel_share": (stats["kernel_seconds"] / stats["seconds"]
                                            if stats["kernel_seconds"] else None),
                   "raw_words_per_second_trainer": stats["n_raw_words"] * args.epochs
                   / stats["seconds"],
                   "details": {k: details.get(k) for k in (
                       "path", "programs", "num_warps", "workspace_bytes",
                       "cuda_max_memory_allocated", "registers", "spilled")}}
            print(f"    fit sg={sg} seed={seed}: {wall:.2f} s, trainer {stats['seconds']:.2f} s, "
                  f"kernels {stats['kernel_seconds']}, stages "
                  + " ".join(f"{k}={v:.3f}" for k, v in stats["stage_seconds"].items()
                             if v is not None), flush=True)
            wv = model.wv_
            pending.append((row, pool.submit(_evaluate, list(wv.index_to_key),
                                             wv.expandos["count"], wv.vectors)))
            rows.append(row)
    for row, future in pending:
        try:
            row["quality"] = future.result(timeout=max(min(report.left() - 30, 240), 1.0))
        except Exception as exc:
            row["quality"] = {"error": f"{type(exc).__name__}: {exc}"}
    return rows


def fits_summary(rows: list[dict]) -> list[dict]:
    """Per mode: medians of the times and stages, the kernels' share, quality means."""
    out = []
    for sg in (1, 0):
        group = [r for r in rows if r.get("sg") == sg and "fit_wall" in r]
        if not group:
            continue

        def med(values):
            values = [v for v in values if v is not None]
            return float(np.median(values)) if values else None

        entry = {"sg": sg, "fits": len(group), "fit_wall": med(r["fit_wall"] for r in group),
                 "not_training": med(r["not_training"] for r in group),
                 "trainer_seconds": med(r["seconds"] for r in group),
                 "kernel_seconds": med(r["kernel_seconds"] for r in group),
                 "trainer_kernel_share": med(r["trainer_kernel_share"] for r in group),
                 "goal_kernel_share": 0.9 if sg else 0.75,
                 "stages": {k: med(r["stage_seconds"][k] for r in group)
                            for k in group[0]["stage_seconds"]}}
        if sg:
            entry["goal_fit_wall"] = 2.0
        for key in ("analogy", "wordsim353", "simlex999"):
            values = [r["quality"][key] for r in group if key in r.get("quality", {})]
            if values:
                entry[key] = float(np.mean(values))
                entry[key + "_runs"] = values
        out.append(entry)
    return out


def gensim_cbow(args, path: str, timeout: float) -> dict:
    """gensim's CBOW on this machine's CPUs, the seeds, with quality (the bench's JSON)."""
    out = os.path.join(args.out, "gensim_cbow.json")
    cmd = [sys.executable, "-m", "sklearn_w2v.bench", "--corpus", path, "--sg", "0",
           "--backends", "gensim-file", "--threads", str(os.cpu_count() or 1),
           "--repeat", str(args.seeds), "--epochs", str(args.epochs), "--json", out]
    try:
        done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True,
                              timeout=max(timeout, 1.0))
    except subprocess.TimeoutExpired as exc:
        return {"timeout": timeout, "tail": str(exc.stdout)[-2000:] + str(exc.stderr)[-1000:]}
    found = {"command": " ".join(cmd[1:]), "returncode": done.returncode,
             "stdout": done.stdout[-3000:], "stderr": done.stderr[-1500:]}
    if os.path.exists(out):
        with open(out) as f:
            result = json.load(f)
        found["runs"] = [{k: r.get(k) for k in ("seed", "repeat", "train_seconds",
                                                 "end_to_end_seconds", "quality")}
                         for r in result.get("runs", [])]
        analogy = [r["quality"]["analogy"] for r in result.get("runs", [])
                   if r.get("ok") and r["quality"].get("analogy") is not None]
        found["analogy_mean"] = float(np.mean(analogy)) if analogy else None
    return found


def cbow_vs_gensim(summary: list[dict] | None, gensim: dict | None) -> dict:
    ours = next((e for e in summary or [] if e["sg"] == 0), {})
    theirs = (gensim or {}).get("analogy_mean")
    if ours.get("analogy") is None or theirs is None:
        return {"missing": "a CBOW analogy mean of ours or gensim's"}
    points = 100 * (ours["analogy"] - theirs)
    return {"ours_analogy": ours["analogy"], "gensim_analogy": theirs,
            "difference_points": points, "within_0_3_points": abs(points) <= 0.3}


def distributed_run(args, path: str, timeout: float) -> dict:
    """One rank of ``torchrun ... -m sklearn_w2v.distributed`` (NCCL on CUDA), one epoch."""
    vectors = os.path.join(args.out, "distributed_vectors.bin")
    cpu = args.device == "cpu"
    cmd = [sys.executable, "-m", "torch.distributed.run", "--nproc_per_node", "1",
           "-m", "sklearn_w2v.distributed", "--backend", "torch",
           "--dist-backend", "gloo" if cpu else "nccl", "-train", path, "-output", vectors,
           "-binary", "1", "-cbow", "0", "-iter", "1", "--seed", "1", "-debug", "1"]
    if cpu:
        cmd += ["--device", "cpu"]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        filter(None, [ROOT, os.environ.get("PYTHONPATH")])))
    began = time.perf_counter()
    try:
        done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True,
                              timeout=max(timeout, 1.0))
    except subprocess.TimeoutExpired as exc:
        return {"timeout": timeout, "tail": str(exc.stdout)[-2000:] + str(exc.stderr)[-1500:]}
    found = {"command": " ".join(cmd[1:]), "returncode": done.returncode,
             "seconds": time.perf_counter() - began,
             "stdout": done.stdout[-2500:], "stderr": done.stderr[-2500:]}
    if done.returncode == 0 and os.path.exists(vectors):
        from gensim.models import KeyedVectors

        wv = KeyedVectors.load_word2vec_format(vectors, binary=True)
        found["vectors"] = {"words": len(wv), "size": wv.vector_size}
        found["quality"] = _evaluate(list(wv.index_to_key),
                                     np.ones(len(wv), dtype=np.int64), wv.vectors)
        os.remove(vectors)  # large; the figures are kept
    return found


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--corpus", default=os.path.join(ROOT, ".gpu", "en-mix.txt.gz"))
    p.add_argument("--out", default=os.environ.get("OUT", "gpu_out"))
    p.add_argument("--device", default="cuda")
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--seeds", type=int, default=3)
    p.add_argument("--budget", type=float, default=480.0, help="seconds for the whole script")
    p.add_argument("--warps", default="1,2,4", help="num_warps to sweep, comma-separated")
    p.add_argument("--programs", default="528,1056,2112,4224,8448",
                   help="programs per launch to sweep, comma-separated")
    p.add_argument("--max-tokens", type=int, default=None, help="train on a slice (script check)")
    p.add_argument("--reserve", type=float, default=150.0,
                   help="seconds of the budget the sweep leaves to the steps after it")
    p.add_argument("--steps", default="variants,fused,batched,sweep,tests,cpu_bench",
                   help="the steps to run, comma-separated (always in this order)")
    args = p.parse_args(argv)
    steps = set(args.steps.split(","))
    cpu = args.device == "cpu"
    report = BudgetReport(args.out, "gpu_check", args.budget)
    warps = [int(w) for w in args.warps.split(",")]
    programs = [int(k) for k in args.programs.split(",")]

    def machine():
        info = machine_info()
        info["cuda"] = {"available": torch.cuda.is_available(), "torch_cuda": torch.version.cuda,
                        "device": torch.cuda.get_device_name() if torch.cuda.is_available()
                        else None}
        info["gpus"] = gpu_info()
        return info

    report.step("machine", machine)

    def encode():
        start = time.perf_counter()
        encoded = encode_documents(LineCorpus(args.corpus), min_count=5)
        if args.max_tokens:
            encoded = truncated(encoded, args.max_tokens)
        return encoded, {"path": args.corpus, "raw_tokens": encoded.n_raw_words,
                         "kept_tokens": encoded.corpus.n_tokens,
                         "words": len(encoded.vocabulary),
                         "encode_seconds": time.perf_counter() - start}

    pool = ProcessPoolExecutor(max_workers=max(1, min(8, (os.cpu_count() or 2) - 2)))
    whole = steps & {"fits", "gensim_cbow", "distributed"}
    if whole:
        folder = tempfile.mkdtemp(prefix="gpu-check-")
        found = report.step("plain_corpus", plain_corpus, args, folder)
        path = found[0] if found else None
        if path and "fits" in steps:
            rows = report.step("fits", fit_runs, args, path, pool, report, needs=60)
            report.step("fits_summary", fits_summary, rows or [])
        if path and "gensim_cbow" in steps:
            gensim = report.step("gensim_cbow", gensim_cbow, args, path,
                                 min(report.left() - 90, 240), needs=60)
            report.step("cbow_vs_gensim", cbow_vs_gensim, report.data.get("fits_summary"),
                        gensim)
        if path and "distributed" in steps:
            report.step("distributed", distributed_run, args, path,
                        min(report.left() - 20, 180), needs=40)
        shutil.rmtree(folder, ignore_errors=True)
    if not steps - whole - {"tests"}:  # nothing needs the encoded corpus
        if "tests" in steps and not cpu:
            report.step("tests", run_tests, timeout=max(min(report.left() - 20, 180), 30))
        pool.shutdown(wait=False, cancel_futures=True)
        report.add("seconds", time.perf_counter() - report.start)
        return 0
    try:
        encoded, summary = encode()
    except Exception as exc:  # nothing else can run
        report.add("corpus", {"error": f"{type(exc).__name__}: {exc}"})
        return 1
    report.add("corpus", summary)
    runs = Runs(encoded, pool)

    def warm_up():
        # Every variant the timed runs launch, compiled before any timing.
        warm = truncated(encoded, 20_000)
        variants = [(sg, rule, None) for sg, rule in MAIN]
        variants += [(sg, "block", w) for sg in (1, 0) for w in warps]
        seen = []
        for sg, rule, w in variants:
            row, _ = train(warm, args.device, sg, rule, 1, 0, programs=64, num_warps=w)
            seen.append({k: row.get(k) for k in ("sg", "sg_rule", "num_warps", "registers",
                                                   "spilled", "train_seconds")})
        return seen

    if "variants" in steps:
        report.step("variants", warm_up)

    def fused():
        rows = [runs.run(args.device, sg, rule, args.epochs, seed)
                for sg, rule in MAIN for seed in range(1, args.seeds + 1)]
        runs.collect(timeout=min(report.left(), 240))
        return rows

    rows = report.step("fused", fused, needs=60) if "fused" in steps else None
    if rows:
        report.step("fused_summary", means, rows)
    if "batched" in steps:
        report.step("batched", lambda: [runs.run(args.device, sg, "block", 1, 1,
                                                 kernel="batched", quality=False)
                                        for sg in (1, 0)], needs=60)

    def sweep():
        rows = []
        for sg in (1, 0):
            for w in warps:
                for k in programs:
                    if report.left() < args.reserve:  # time for the tests and the CPU bench
                        rows.append({"sg": sg, "num_warps": w, "programs": k,
                                     "skipped": "budget"})
                        continue
                    rows.append(runs.run(args.device, sg, "block", args.epochs, 1,
                                         programs=k, num_warps=w))
        runs.collect(timeout=min(report.left() - args.reserve + 30, 120))
        return rows

    if "sweep" in steps:
        report.step("sweep", sweep, needs=60)
    if "tests" in steps and not cpu:
        report.step("tests", run_tests, timeout=max(min(report.left() - 20, 180), 30))
    pool.shutdown(wait=False, cancel_futures=True)
    if "cpu_bench" in steps and not cpu:
        for sg in (1, 0):
            report.step(f"cpu_bench_sg{sg}", cpu_bench, args, sg, report.left() - 5, needs=30)
    report.add("seconds", time.perf_counter() - report.start)
    for entry in report.data.get("fused_summary") or []:
        print(json.dumps(entry))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
