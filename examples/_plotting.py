"""What the figure scripts of examples/ share: matplotlib without a display, saving a
figure, and the arguments of the scripts that train on a corpus first."""

import argparse
import os

#: Beside the checkout, as the tests and the other examples find it.
DEFAULT_CORPUS = os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data",
                              "en-mix.txt.gz")
IMAGES = os.path.join(os.path.dirname(__file__), "..", "docs", "images")


def pyplot():
    """matplotlib.pyplot on the Agg backend: files only, no display needed."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def save(fig, out: str, dpi: int) -> None:
    """Lay the figure out, write it (making its folder) and close it."""
    fig.tight_layout()
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    fig.savefig(out, dpi=dpi)
    pyplot().close(fig)
    print(f"wrote {out}")


def training_parser(description: str, out_name: str) -> argparse.ArgumentParser:
    """--corpus, --threads, --seed and --out (default docs/images/OUT_NAME)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--corpus", default=DEFAULT_CORPUS)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", default=os.path.join(IMAGES, out_name))
    return parser


def corpus_found(path: str) -> bool:
    """Whether the corpus is there; says so when not (the script then draws nothing)."""
    if os.path.isfile(path):
        return True
    print(f"corpus not found: {path} (pass --corpus PATH); nothing drawn")
    return False
