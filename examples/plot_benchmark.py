"""Draw the benchmark's training speed and quality, ours against gensim, as one figure.

Usage::

    python -m sklearn_w2v.bench --corpus ../shared/data/en-mix.txt.gz --sg 1 --threads 2 \
        --repeat 3 --backends numba,gensim-file,gensim-iter --json sg1.json
    python -m sklearn_w2v.bench ... --sg 0 ... --json sg0.json
    python examples/plot_benchmark.py sg1.json sg0.json [--out docs/images/benchmark.png]

One row of panels per JSON file (e.g. skip-gram and CBOW), four panels per row: training
words/s (the median over the repeats; the bar spans min to max), analogy accuracy,
WordSim353 and SimLex-999 Spearman (medians). One bar per trainer and thread count, in the
order the benchmark ran them. Needs matplotlib.
"""

import argparse
import json
import os

from _plotting import IMAGES, pyplot, save

#: (key in a summary row's "quality", axis label, scale)
QUALITY = (("analogy", "analogy accuracy %", 100.0), ("wordsim353", "WordSim353 Spearman", 1.0),
           ("simlex999", "SimLex-999 Spearman", 1.0))


def bars(result: dict) -> list[dict]:
    """The summary rows that have a measurement, labelled ``trainer`` or ``trainer xN``."""
    rows = [r for r in result["summary"] if r.get("n_ok") and r.get("words_per_second")]
    several = len({r["threads"] for r in rows}) > 1
    for r in rows:
        r["label"] = f"{r['trainer']} x{r['threads']}" if several else r["trainer"]
    return rows


def describe(result: dict) -> str:
    model, machine = result["params"]["model"], result["machine"]
    threads = sorted({r["threads"] for r in result["summary"]})
    return (f"{'skip-gram' if model['sg'] else 'CBOW'}, "
            f"{result['corpus']['raw_tokens']:,} tokens x {model['epochs']} epochs, "
            f"{'/'.join(map(str, threads))} thread(s); {machine['cpu_model']}, "
            f"{machine['available_cpus']} cores")


def plot(results: list, out: str) -> None:
    plt = pyplot()
    fig, axes = plt.subplots(len(results), 4, figsize=(13, 3.3 * len(results)), squeeze=False)
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    trainers = list(dict.fromkeys(r["trainer"] for res in results for r in res["summary"]))
    for row_axes, result in zip(axes, results):
        rows = bars(result)
        x = range(len(rows))
        color = [colors[trainers.index(r["trainer"]) % len(colors)] for r in rows]
        wps = [r["words_per_second"] for r in rows]
        med = [s["median"] / 1e3 for s in wps]
        err = [[m - s["min"] / 1e3 for m, s in zip(med, wps)],
               [s["max"] / 1e3 - m for m, s in zip(med, wps)]]
        panels = [(row_axes[0], "training k words/s", med, err)]
        for ax, (key, label, scale) in zip(row_axes[1:], QUALITY):
            values = [((r.get("quality") or {}).get(key) or float("nan")) * scale for r in rows]
            panels.append((ax, label, values, None))
        for ax, label, values, yerr in panels:
            ax.bar(x, values, yerr=yerr, color=color, capsize=3 if yerr else 0)
            ax.set_xticks(list(x), [r["label"] for r in rows], rotation=20, ha="right",
                          fontsize=8)
            ax.set_ylabel(label, fontsize=8)
            ax.grid(axis="y", alpha=0.3)
            for xi, v in zip(x, values):
                if v == v:  # not NaN: the trainer was scored
                    ax.annotate(f"{v:,.0f}" if yerr else f"{v:.3g}", (xi, v), ha="center",
                                va="bottom", fontsize=7, xytext=(0, 2),
                                textcoords="offset points")
        row_axes[0].set_title(describe(result), fontsize=8, loc="left")
    save(fig, out, dpi=100)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("json", nargs="+", help="output(s) of python -m sklearn_w2v.bench --json")
    parser.add_argument("--out", default=os.path.join(IMAGES, "benchmark.png"))
    args = parser.parse_args()
    results = []
    for path in args.json:
        with open(path) as f:
            results.append(json.load(f))
    plot(results, args.out)


if __name__ == "__main__":
    main()
