"""Train a custom torch model through the W2V estimator: CBOW with learned distance weights.

Usage::

    python examples/custom_torch_module.py [--corpus PATH] [--epochs 20] [--device cpu]

The default CBOW averages its context words equally. Here each context slot
(distance -window .. -1, 1 .. window) has a learned weight, starting from
``window + 1 - |distance|`` (nearer words weigh more), and the hidden vector
is the weighted mean of the context vectors. Everything else (subsampling,
negative sampling, the decaying learning rate, export to ``wv_``) is the
torch backend's. The script trains the default CBOW and this one with the
same settings, then prints the learned weights, the scores of both on
gensim's test sets and a few nearest neighbours.

The corpus is gensim's ``lee_background.cor`` (about 60,000 tokens, one
document per line) unless ``--corpus`` names a text file (``.gz`` allowed)
with one document per line.
"""

import argparse
import gzip

import torch
from gensim.test.utils import datapath
from torch import nn

from sklearn_w2v import W2V
from sklearn_w2v.backends.torch import SGNSModule
from sklearn_w2v.evaluation import evaluate


class DistanceWeightedCBOW(SGNSModule):
    """CBOW whose hidden vector is a learned, distance-dependent weighted mean.

    Follows the module contract of :class:`SGNSModule`: built as
    ``DistanceWeightedCBOW(n_words, vector_size, input_vectors=...,
    output_vectors=..., config=...)``; ``forward`` (inherited) returns the
    summed negative-sampling loss; ``export_vectors`` (inherited) gives the
    two embedding tables. Only :meth:`hidden` changes.
    """

    def __init__(self, n_words, vector_size, *, input_vectors, output_vectors, config):
        super().__init__(n_words, vector_size, input_vectors=input_vectors,
                         output_vectors=output_vectors)
        if config.sg:
            raise ValueError("DistanceWeightedCBOW is a CBOW model: use sg=0")
        w = config.window
        distance = torch.cat((torch.arange(w, 0, -1), torch.arange(1, w + 1))).float()
        # A dense parameter next to the sparse embeddings: SGD trains both.
        self.log_weight = nn.Parameter(torch.log(w + 1 - distance))

    def slot_weights(self) -> torch.Tensor:
        return self.log_weight.exp()

    def hidden(self, batch):
        weight = self.slot_weights().unsqueeze(0) * batch.input_mask  # (N, 2W)
        weight = weight / weight.sum(1, keepdim=True).clamp(min=1e-12)
        rows = self.input_embedding(batch.inputs)  # (N, 2W, D)
        n_inputs = batch.input_mask.sum(1, keepdim=True).clamp(min=1)
        # The value is the weighted mean. Each context word gets the hidden
        # gradient times n_inputs * weight, so equal weights give gensim's
        # CBOW-mean update; the weights get their true gradient.
        to_rows = (rows * (n_inputs * weight).detach().unsqueeze(2)).sum(1)
        value = (rows.detach() * weight.unsqueeze(2)).sum(1)
        return to_rows - to_rows.detach() + value


class KeepLast:
    """A factory that builds ``cls`` and remembers the module, to inspect it after fit."""

    def __init__(self, cls):
        self.cls = cls
        self.module = None

    def __call__(self, *args, **kwargs):
        self.module = self.cls(*args, **kwargs)
        return self.module


def read_lines(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8", errors="replace") as f:
        return [line for line in f if line.strip()]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default=datapath("lee_background.cor"))
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--device", default=None,
                        help="cpu, cuda, cuda:1 (default: CUDA if available)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=1, help="CPU threads (torch intra-op)")
    args = parser.parse_args()

    docs = read_lines(args.corpus)
    params = dict(vector_size=100, window=5, min_count=2, sg=0, epochs=args.epochs,
                  backend="torch", device=args.device, random_state=args.seed, n_jobs=args.threads)
    factory = KeepLast(DistanceWeightedCBOW)
    models = {
        "default CBOW": W2V(**params).fit(docs),
        "distance-weighted CBOW": W2V(**params, torch_module=factory).fit(docs),
    }
    stats = models["distance-weighted CBOW"].training_stats_
    print(f"{len(docs)} documents, {stats['n_corpus_words']} tokens, "
          f"{len(models['default CBOW'].wv_)} words, {args.epochs} epochs")

    window = params["window"]
    weights = factory.module.slot_weights().detach().cpu()
    weights = weights / weights.sum()
    labels = list(range(-window, 0)) + list(range(1, window + 1))
    print("learned slot weights (normalised):")
    print("  " + "  ".join(f"{d:+d}:{w:.3f}" for d, w in zip(labels, weights.tolist())))

    for name, model in models.items():
        scores = evaluate(model.wv_)
        print(f"{name:24} {model.training_stats_['seconds']:6.1f}s  "
              f"analogy {scores['analogy']:.3f}  "
              f"WordSim353 {scores['wordsim353']:.3f}  SimLex-999 {scores['simlex999']:.3f}")
    for word in ("government", "police", "australia", "fire"):
        for name, model in models.items():
            if word in model.wv_:
                near = ", ".join(w for w, _ in model.wv_.most_similar(word, topn=6))
                print(f"{word:11} {name:24} {near}")


if __name__ == "__main__":
    main()
