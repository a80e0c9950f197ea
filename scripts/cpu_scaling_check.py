"""Thread scaling of the CPU trainers on a many-core machine, in one run, written as JSON.

A machine with many cores (the GPU machine's 16) is lent to this project only
at times and for minutes, so this script does all of that work in one go,
inside a time budget (``--budget``), and rewrites ``cpu_scaling.json`` in
``--out`` after every step, so a run cut short keeps what it measured. Each
step is one ``python -m sklearn_w2v.bench`` command (its own JSON lands in
``--out`` too); a failed or timed-out step is recorded and the next one runs.

1. ``machine``: CPU model, logical CPUs, cores per socket and threads per
   core (``lscpu``), so that a sweep past the physical cores is read as such;
2. ``sweep-sg``, ``sweep-cbow``: words/s of ``numba``, ``numba:hot_rows=auto``
   (each thread trains the most frequent words' output rows in a copy of its
   own: the option measured on the benchmarks page) and ``gensim-file`` at
   each thread count (``--threads``, default 1,2,4,8,16), one epoch, no
   evaluation: the speed-up over one thread, the efficiency per count, and
   each run's core-to-core latency;
3. ``quality-sg``, ``quality-cbow``: at the largest thread count, 5 epochs,
   ``--seeds`` seeds, with the analogy, WordSim353 and SimLex-999 scores of
   both trainers (quality is compared as means over seeds, 3 by default).

Run from the repository root, with the corpus and gensim (the GPU machine has
no gensim) carried in the ignored folder ``.gpu``::

    pip install --no-index --no-deps --target /tmp/site .gpu/wheels/*.whl
    PYTHONPATH=$PWD:/tmp/site python scripts/cpu_scaling_check.py --out "$OUT"

``--corpus`` a small file and ``--threads 1,2 --seeds 1 --epochs 1`` checks the
script itself on any machine (a check, not a measurement).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

from _budget_report import BudgetReport  # scripts/ is the script's folder

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def machine() -> dict:
    """What the sweep ran on: ``lscpu``'s summary and the CPUs this process may use."""
    info = {"logical_cpus": os.cpu_count(), "available_cpus": len(os.sched_getaffinity(0))}
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, timeout=10).stdout
        keep = ("Model name", "Socket(s)", "Core(s) per socket", "Thread(s) per core",
                "NUMA node(s)", "L2 cache", "L3 cache")
        for line in out.splitlines():
            key, _, value = line.partition(":")
            if key.strip() in keep:
                info[key.strip()] = value.strip()
    except (OSError, subprocess.SubprocessError) as exc:
        info["lscpu"] = f"unavailable: {exc}"
    return info


def bench(args, name: str, backends: str, extra: list[str], *, timeout: float) -> dict:
    """One benchmark command; its JSON (in ``--out``) summarised: the scaling rows and the
    summary rows."""
    path = os.path.join(args.out, f"{name}.json")
    cmd = [sys.executable, "-m", "sklearn_w2v.bench", "--corpus", args.corpus,
           "--backends", backends, "--quiet", "--json", path, *extra]
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=ROOT)
    out = {"command": " ".join(cmd[1:]), "seconds": round(time.perf_counter() - start, 1),
           "returncode": proc.returncode, "table": proc.stdout[-6000:]}
    if proc.returncode not in (0, 1):
        out["stderr"] = proc.stderr[-3000:]
    if os.path.exists(path):
        with open(path) as f:
            result = json.load(f)
        out["scaling"] = result.get("scaling")
        out["summary"] = [{k: row.get(k) for k in ("trainer", "threads", "n_ok",
                                                      "words_per_second", "quality", "ratios")}
                          for row in result["summary"]]
        out["failures"] = result.get("failures")
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--corpus", default=os.path.join(ROOT, ".gpu", "en-mix.txt.gz"))
    p.add_argument("--out", default=os.environ.get("OUT", "cpu_scaling_out"))
    p.add_argument("--threads", default="1,2,4,8,16")
    p.add_argument("--sweep-backends", default="numba,numba:hot_rows=auto,gensim-file",
                   help="trainers of the sweeps (numba:hot_rows=auto: each thread trains the "
                   "most frequent words' output rows in a copy of its own, the option of the "
                   "benchmarks page's thread section)")
    p.add_argument("--quality-backends", default="numba,gensim-file")
    p.add_argument("--seeds", type=int, default=3)
    p.add_argument("--epochs", type=int, default=5, help="epochs of the quality steps")
    p.add_argument("--budget", type=float, default=560.0, help="seconds for the whole script")
    p.add_argument("--steps", default="machine,sweep-sg,sweep-cbow,quality-sg,quality-cbow")
    args = p.parse_args(argv)
    report = BudgetReport(args.out, "cpu_scaling", args.budget)
    most = str(max(int(t) for t in args.threads.split(",")))

    def sweep(name: str, sg: str):
        return lambda timeout: bench(args, name, args.sweep_backends, [
            "--sg", sg, "--epochs", "1", "--threads", args.threads, "--no-quality"],
            timeout=timeout)

    def quality(name: str, sg: str):
        return lambda timeout: bench(args, name, args.quality_backends, [
            "--sg", sg, "--epochs", str(args.epochs), "--threads", most,
            "--repeat", str(args.seeds)], timeout=timeout)

    # name: (seconds of budget a step needs to start, the step given the seconds it may take)
    steps = {
        "machine": (0, lambda timeout: machine()),
        "sweep-sg": (30, sweep("sweep_sg", "1")),
        "sweep-cbow": (30, sweep("sweep_cbow", "0")),
        "quality-sg": (60, quality("quality_sg", "1")),
        "quality-cbow": (60, quality("quality_cbow", "0")),
    }
    for name in args.steps.split(","):
        needs, run = steps[name]
        # A bench command gets what is left of the budget, and is stopped there.
        report.step(name, run, max(report.left() - 5, 1), needs=needs)
    print(f"wrote {report.path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
