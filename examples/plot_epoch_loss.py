"""Plot the training loss of each epoch (``epoch_loss_``) for skip-gram and CBOW.

Usage::

    python examples/plot_epoch_loss.py [--corpus ../shared/data/en-mix.txt.gz] \
        [--epochs 10] [--threads 2] [--out docs/images/epoch_loss.png]
    python examples/plot_epoch_loss.py --replot docs/images/epoch_loss.json

Fits ``W2V(compute_loss=True)`` twice on the corpus (one document per line, whitespace
tokens, as ``LineCorpus`` reads them), once with ``sg=1`` and once with ``sg=0``, all other
parameters at their defaults, and draws each run's ``epoch_loss_``: the negative-sampling
loss summed over the epoch, divided by the words trained in it (after subsampling). The
losses go to a JSON file beside the PNG; ``--replot`` redraws from it. Without the corpus
it says so and exits with status 0. Needs matplotlib.
"""

import json
import os

from _plotting import corpus_found, pyplot, save, training_parser

from sklearn_w2v import W2V, LineCorpus


def epoch_losses(corpus: str, sg: int, epochs: int, threads: int, seed: int):
    """The loss per trained word of each epoch, and the fitted model's training_stats_."""
    model = W2V(sg=sg, epochs=epochs, compute_loss=True, n_jobs=threads, random_state=seed)
    model.fit(LineCorpus(corpus))
    stats = model.training_stats_
    words_per_epoch = stats["effective_words"] / epochs
    return model.epoch_loss_ / words_per_epoch, stats


def plot(runs: dict, out: str, title: str) -> None:
    plt = pyplot()
    # One panel per model: their losses differ by a factor of about six (skip-gram sums
    # over every context word of a centre, CBOW over one averaged context).
    fig, axes = plt.subplots(1, len(runs), figsize=(4.2 * len(runs), 3.6), squeeze=False)
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for ax, color, (name, losses) in zip(axes[0], colors, runs.items()):
        epochs = range(1, len(losses) + 1)
        ax.plot(epochs, losses, marker="o", color=color)
        ax.set_title(name, fontsize=10)
        ax.set_xlabel("epoch")
        ax.set_xticks(list(epochs))
        ax.grid(alpha=0.3)
    axes[0][0].set_ylabel("epoch_loss_ / words trained in the epoch")
    fig.suptitle(title, fontsize=9)
    save(fig, out, dpi=110)


def main():
    parser = training_parser(__doc__.splitlines()[0], "epoch_loss.png")
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--replot", metavar="JSON",
                        help="redraw from the losses a previous run wrote beside its PNG")
    args = parser.parse_args()
    if args.replot:
        with open(args.replot) as f:
            record = json.load(f)
    elif not corpus_found(args.corpus):
        return
    else:
        record = {"runs": {}}
        for name, sg in (("skip-gram (sg=1)", 1), ("CBOW (sg=0)", 0)):
            losses, stats = epoch_losses(args.corpus, sg, args.epochs, args.threads, args.seed)
            record["runs"][name] = [float(x) for x in losses]
            print(f"{name}: {stats['seconds']:.1f} s, {stats['effective_words']:,} words "
                  "trained; loss per word by epoch: " + ", ".join(f"{x:.4f}" for x in losses))
        record["title"] = (
            f"W2V(compute_loss=True, epochs={args.epochs}, seed={args.seed}), defaults otherwise, "
            f"on {os.path.basename(args.corpus)} ({stats['n_raw_words']:,} tokens)")
        # The measured numbers, beside the picture, so it can be redrawn without training.
        with open(os.path.splitext(args.out)[0] + ".json", "w") as f:
            json.dump(record, f, indent=1)
    plot(record["runs"], args.out, record["title"])


if __name__ == "__main__":
    main()
