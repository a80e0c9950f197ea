"""Plot training words/s against thread count, one line per trainer, from the benchmark's JSON.

Usage::

    python -m sklearn_w2v.bench --threads 1,2,4 --repeat 3 --json bench.json
    python examples/plot_threads.py bench.json [--out docs/images/threads.png]

Points are medians over the repeats; the bars span min to max.
"""

import argparse
import json
import os

import matplotlib

matplotlib.use("Agg")  # files only, no display needed
import matplotlib.pyplot as plt  # noqa: E402


def plot(result: dict, out: str) -> None:
    fig, ax = plt.subplots(figsize=(6, 4))
    trainers = list(dict.fromkeys(row["trainer"] for row in result["summary"]))
    for name in trainers:
        rows = sorted(
            (r for r in result["summary"] if r["trainer"] == name and r["words_per_second"]),
            key=lambda r: r["threads"],
        )
        if not rows:
            continue
        x = [r["threads"] for r in rows]
        med = [r["words_per_second"]["median"] / 1e3 for r in rows]
        low = [m - r["words_per_second"]["min"] / 1e3 for m, r in zip(med, rows)]
        high = [r["words_per_second"]["max"] / 1e3 - m for m, r in zip(med, rows)]
        ax.errorbar(x, med, yerr=[low, high], marker="o", capsize=3, label=name)
    threads = sorted({r["threads"] for r in result["summary"]})
    ax.set_xticks(threads)
    ax.set_xlabel("threads")
    ax.set_ylabel("training words/s (thousands)")
    ax.set_ylim(bottom=0)
    model = result["params"]["model"]
    machine = result["machine"]
    ax.set_title(
        f"{'skip-gram' if model['sg'] else 'CBOW'}, {result['corpus']['raw_tokens']:,} tokens, "
        f"{model['epochs']} epoch(s)\n{machine['cpu_model']}, {machine['available_cpus']} cores",
        fontsize=9,
    )
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    folder = os.path.dirname(os.path.abspath(out))
    os.makedirs(folder, exist_ok=True)
    fig.savefig(out, dpi=120)
    plt.close(fig)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("json", help="output of python -m sklearn_w2v.bench --json")
    parser.add_argument("--out", default=os.path.join("docs", "images", "threads.png"))
    args = parser.parse_args()
    with open(args.json) as f:
        result = json.load(f)
    plot(result, args.out)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
