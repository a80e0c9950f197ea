"""Draw a 2-D map of the learned word space: PCA of chosen word groups, with labels.

Usage::

    python examples/plot_word_map.py [--corpus ../shared/data/en-mix.txt.gz] \
        [--out docs/images/word_map.png] [--threads 2] [--seed 1]

Trains skip-gram vectors on the corpus (one document per line, whitespace tokens,
as ``LineCorpus`` reads them), keeps the words of a few groups (countries and their
capitals, numbers, family words) that the vocabulary holds, and projects their
unit-length vectors on the first two principal components of those words
(scikit-learn's ``PCA``), one panel per group and one for all of them. Without
the corpus it says so and exits with status 0. Needs matplotlib.
"""

import os
import time

import numpy as np
from _plotting import corpus_found, pyplot, save, training_parser
from gensim.models import KeyedVectors
from sklearn.decomposition import PCA

from sklearn_w2v import W2V, LineCorpus

#: (group name, words); pairs of country and capital are drawn joined by a line.
GROUPS = (
    ("countries", ("france", "germany", "italy", "spain", "japan", "china", "russia",
                   "england")),
    ("capitals", ("paris", "berlin", "rome", "madrid", "tokyo", "beijing", "moscow",
                  "london")),
    ("numbers", ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
                 "ten")),
    ("family", ("mother", "father", "son", "daughter", "brother", "sister", "wife",
                "husband", "uncle", "aunt")),
)


def train(corpus: str, threads: int, seed: int):
    model = W2V(sg=1, vector_size=100, window=5, min_count=5, epochs=5, n_jobs=threads,
                random_state=seed)
    start = time.perf_counter()
    model.fit(LineCorpus(corpus))
    print(f"trained on {model.training_stats_['n_raw_words']:,} tokens, "
          f"{len(model.wv_):,} words, in {time.perf_counter() - start:.1f} s")
    return model.wv_


def project(wv, words):
    """The words' unit vectors on their own first two principal components."""
    vectors = np.stack([wv.get_vector(w, norm=True) for w in words])
    return dict(zip(words, PCA(n_components=2, random_state=0).fit_transform(vectors)))


def draw(ax, groups, points, title):
    countries, capitals = dict(GROUPS)["countries"], dict(GROUPS)["capitals"]
    for country, capital in zip(countries, capitals):  # the country -> capital offsets
        if country in points and capital in points:
            (x0, y0), (x1, y1) = points[country], points[capital]
            ax.plot([x0, x1], [y0, y1], color="0.75", linewidth=0.8, zorder=1)
    for color, (name, words) in groups:
        words = [w for w in words if w in points]
        if not words:
            continue
        xy = np.array([points[w] for w in words])
        ax.scatter(xy[:, 0], xy[:, 1], s=16, color=color, label=name, zorder=2)
        for w, (x, y) in zip(words, xy):
            ax.annotate(w, (x, y), xytext=(3, 2), textcoords="offset points", fontsize=7.5)
    ax.set_title(title, fontsize=9)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.margins(0.15)


def plot(wv, out: str, title: str) -> None:
    plt = pyplot()
    wanted = {w for _, words in GROUPS for w in words}
    missing = sorted(w for w in wanted if w not in wv.key_to_index)
    if missing:
        print(f"not in the vocabulary, left out: {', '.join(missing)}")
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    groups = [(c, (name, [w for w in words if w in wv.key_to_index]))
              for c, (name, words) in zip(colors, GROUPS)]
    panels = [  # (title, the groups drawn); each panel has its own projection
        ("countries and capitals", groups[:2]),
        ("numbers", groups[2:3]),
        ("family words", groups[3:4]),
        ("all four groups together", groups),
    ]
    fig, axes = plt.subplots(2, 2, figsize=(10, 8.5))
    for ax, (panel_title, panel_groups) in zip(axes.flat, panels):
        words = [w for _, (_, ws) in panel_groups for w in ws]
        if len(words) >= 2:
            draw(ax, panel_groups, project(wv, words), panel_title)
    axes.flat[-1].legend(fontsize=8, loc="best")
    fig.suptitle(title, fontsize=10)
    save(fig, out, dpi=100)


def main():
    parser = training_parser(__doc__.splitlines()[0], "word_map.png")
    parser.add_argument("--vectors", metavar="PATH",
                        help="draw these word2vec binary vectors instead of training "
                        "(e.g. sklearn-w2v ... -binary 1 output)")
    args = parser.parse_args()
    if args.vectors:
        wv = KeyedVectors.load_word2vec_format(args.vectors, binary=True)
        title = f"{os.path.basename(args.vectors)}; PCA of the unit vectors of each panel's words"
    elif not corpus_found(args.corpus):
        return
    else:
        wv = train(args.corpus, args.threads, args.seed)
        title = (f"skip-gram, 100 dimensions, 5 epochs on {os.path.basename(args.corpus)} "
                 f"(seed {args.seed}); PCA of the unit vectors of each panel's words")
    plot(wv, args.out, title)


if __name__ == "__main__":
    main()
