"""The scikit-learn estimator."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from numbers import Integral, Real

import numpy as np
from sklearn.base import (
    BaseEstimator,
    ClassNamePrefixFeaturesOutMixin,
    TransformerMixin,
    _fit_context,
)
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, Options, StrOptions
from sklearn.utils.validation import check_is_fitted

from .backends import backend_names, get_trainer
from .corpus import encode, encode_for_training
from .export import to_keyed_vectors
from .pooling import mean_pool
from .text import check_documents, iter_token_lists
from .training import TrainConfig, initial_vectors


def available_cpus() -> int:
    """Cores this process may run on (its affinity mask where the OS has one)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


def resolve_n_jobs(n_jobs: int | None) -> int:
    """scikit-learn's convention: None or -1 all cores, -2 all but one, k > 0 exactly k."""
    n_cpus = available_cpus()
    if n_jobs is None:
        return n_cpus
    if n_jobs < 0:
        return max(n_cpus + 1 + n_jobs, 1)
    return int(n_jobs)


class W2V(ClassNamePrefixFeaturesOutMixin, TransformerMixin, BaseEstimator):
    """Word2vec (skip-gram or CBOW with negative sampling) as a scikit-learn transformer.

    ``fit`` learns word vectors from a corpus; ``transform`` turns each
    document into the mean of its known words' vectors. The word vectors are
    available as a plain gensim :class:`~gensim.models.KeyedVectors` in
    ``wv_``.

    Parameters
    ----------
    vector_size : int, default=100
        Dimensionality of the word vectors.
    window : int, default=5
        Maximum distance between a word and a context word.
    min_count : int, default=5
        Words seen fewer times are ignored.
    max_vocab_size : int, default=None
        Bound on distinct words held while counting; when exceeded, rare
        words are forgotten (gensim's pruning rule). None: no bound.
    max_final_vocab : int, default=None
        Raise ``min_count`` as needed to keep at most this many words.
    sample : float, default=1e-3
        Threshold for down-sampling frequent words; 0 disables it.
    negative : int, default=5
        Noise words drawn for each positive example.
    ns_exponent : float, default=0.75
        Exponent of the counts in the noise distribution.
    alpha : float, default=0.025
        Initial learning rate.
    min_alpha : float, default=0.0001
        Final learning rate; it decays linearly over all words of all epochs.
    sg : {0, 1}, default=0
        1 for skip-gram, 0 for CBOW.
    cbow_mean : {0, 1}, default=1
        CBOW only: 1 averages the context vectors, 0 sums them.
    epochs : int, default=5
        Passes over the corpus.
    shrink_windows : bool, default=True
        Draw each word's window size uniformly from ``1..window``, so nearer
        words weigh more.
    random_state : int, RandomState instance or None, default=None
        Seeds the initial vectors and all random draws. With ``n_jobs=1`` a
        fixed value gives identical vectors on every fit.
    n_jobs : int, default=None
        Training threads: None or -1 all cores this process may use, -2 all
        but one, k > 0 exactly k. With more than one thread, workers update
        shared vectors without locks (as the C tool and gensim do), so
        results vary slightly from run to run even with ``random_state``.
    verbose : int, default=0
        Print the vocabulary summary and training progress to stderr.
    backend : str, default="numba"
        Training backend (see :func:`sklearn_w2v.backends.backend_names`).
        "torch" trains the same model in batches with PyTorch, on a GPU
        when there is one (needs ``pip install "sklearn-w2v[torch]"``).
    device : str or None, default=None
        torch backend: None picks CUDA when available, else the CPU; or
        "cpu", "cuda", "cuda:1", ... The numba backend accepts only None
        or "cpu".
    torch_module : callable or None, default=None
        torch backend: None uses the built-in hand-written update (fast).
        Otherwise a ``torch.nn.Module`` class or factory, trained with
        autograd; see :class:`sklearn_w2v.backends.torch_model.SGNSModule`
        for the contract.

    Attributes
    ----------
    wv_ : gensim.models.KeyedVectors
        The word vectors, most frequent word first, each with its ``count``.
    context_vectors_ : ndarray of shape (n_words, vector_size)
        The output (context) weights, rows aligned with ``wv_.index_to_key``.
    training_stats_ : dict
        Corpus size, effective ``min_count``, time and speed of training.

    Notes
    -----
    Documents are raw strings, which are lowercased and split into ``\\w+``
    tokens, or lists of string tokens, used as given. ``fit`` reads its
    input once, so a generator is fine. Documents longer than 10,000 tokens
    are trained as consecutive pieces of 10,000, as gensim does.

    Examples
    --------
    >>> from gensim.test.utils import common_texts
    >>> from sklearn_w2v import W2V
    >>> model = W2V(vector_size=16, min_count=1, epochs=20, n_jobs=1, random_state=0)
    >>> X = model.fit_transform(common_texts)
    >>> X.shape, X.dtype
    ((9, 16), dtype('float32'))
    >>> model.wv_.index_to_key[:3]
    ['system', 'graph', 'trees']
    """

    _parameter_constraints: dict = {
        "vector_size": [Interval(Integral, 1, None, closed="left")],
        "window": [Interval(Integral, 1, None, closed="left")],
        "min_count": [Interval(Integral, 0, None, closed="left")],
        "max_vocab_size": [None, Interval(Integral, 1, None, closed="left")],
        "max_final_vocab": [None, Interval(Integral, 1, None, closed="left")],
        "sample": [Interval(Real, 0, None, closed="left")],
        "negative": [Interval(Integral, 1, None, closed="left")],
        "ns_exponent": [Interval(Real, -10, 10, closed="both")],
        "alpha": [Interval(Real, 0, None, closed="neither")],
        "min_alpha": [Interval(Real, 0, None, closed="left")],
        "sg": [Options(Integral, {0, 1}), "boolean"],
        "cbow_mean": [Options(Integral, {0, 1}), "boolean"],
        "epochs": [Interval(Integral, 1, None, closed="left")],
        "shrink_windows": ["boolean"],
        "random_state": ["random_state"],
        "n_jobs": [
            None,
            Interval(Integral, None, -1, closed="right"),
            Interval(Integral, 1, None, closed="left"),
        ],
        "verbose": ["verbose"],
        "backend": [StrOptions(set(backend_names()))],
        "device": [None, str],
        "torch_module": [None, callable],
    }

    def __init__(
        self,
        vector_size=100,
        window=5,
        min_count=5,
        max_vocab_size=None,
        max_final_vocab=None,
        sample=1e-3,
        negative=5,
        ns_exponent=0.75,
        alpha=0.025,
        min_alpha=0.0001,
        sg=0,
        cbow_mean=1,
        epochs=5,
        shrink_windows=True,
        random_state=None,
        n_jobs=None,
        verbose=0,
        backend="numba",
        device=None,
        torch_module=None,
    ):
        self.vector_size = vector_size
        self.window = window
        self.min_count = min_count
        self.max_vocab_size = max_vocab_size
        self.max_final_vocab = max_final_vocab
        self.sample = sample
        self.negative = negative
        self.ns_exponent = ns_exponent
        self.alpha = alpha
        self.min_alpha = min_alpha
        self.sg = sg
        self.cbow_mean = cbow_mean
        self.epochs = epochs
        self.shrink_windows = shrink_windows
        self.random_state = random_state
        self.n_jobs = n_jobs
        self.verbose = verbose
        self.backend = backend
        self.device = device
        self.torch_module = torch_module

    def _train_config(self) -> TrainConfig:
        if self.min_alpha > self.alpha:
            raise ValueError(
                f"min_alpha={self.min_alpha} must not exceed alpha={self.alpha}."
            )
        seed = check_random_state(self.random_state).randint(np.iinfo(np.int32).max)
        return TrainConfig(
            vector_size=int(self.vector_size),
            window=int(self.window),
            negative=int(self.negative),
            ns_exponent=float(self.ns_exponent),
            sample=float(self.sample),
            alpha=float(self.alpha),
            min_alpha=float(self.min_alpha),
            sg=bool(self.sg),
            cbow_mean=bool(self.cbow_mean),
            epochs=int(self.epochs),
            shrink_windows=bool(self.shrink_windows),
            seed=int(seed),
            n_threads=resolve_n_jobs(self.n_jobs),
            verbose=int(self.verbose),
        )

    def _backend_options(self) -> dict:
        if self.backend == "torch":
            return {"device": self.device, "torch_module": self.torch_module}
        if self.device not in (None, "cpu"):
            raise ValueError(
                f"device={self.device!r} needs backend='torch'; "
                f"the {self.backend} backend runs on the CPU."
            )
        if self.torch_module is not None:
            raise ValueError(f"torch_module needs backend='torch', not {self.backend!r}.")
        return {}

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X: Iterable, y=None) -> "W2V":
        """Learn word vectors from the documents in ``X``.

        Parameters
        ----------
        X : iterable of str or of list of str
            Raw strings or tokenized documents; read once.
        y : None
            Ignored.

        Returns
        -------
        self : W2V
        """
        config = self._train_config()
        trainer = get_trainer(self.backend, **self._backend_options())  # fails before any work
        vocabulary, corpus, n_raw_words, n_documents = encode_for_training(
            iter_token_lists(X),
            min_count=self.min_count,
            max_vocab_size=self.max_vocab_size,
            max_final_vocab=self.max_final_vocab,
        )
        if n_documents == 0:
            raise ValueError("X contains no documents.")
        if len(vocabulary) == 0:
            raise ValueError(
                f"No word occurs at least min_count={vocabulary.effective_min_count} "
                f"times in {n_raw_words} tokens; lower min_count or pass more text."
            )
        if self.verbose:
            print(
                f"[W2V] {n_documents} documents, {n_raw_words} tokens; "
                f"{len(vocabulary)} words with count >= {vocabulary.effective_min_count} "
                f"cover {corpus.n_tokens} tokens",
                file=sys.stderr,
            )
        inp, out = initial_vectors(len(vocabulary), config.vector_size, config.seed)
        result = trainer.train(corpus, vocabulary.counts, config, inp, out)
        if not (np.isfinite(result.input_vectors).all() and np.isfinite(result.output_vectors).all()):
            raise FloatingPointError(
                f"Training diverged (non-finite vectors) with alpha={self.alpha}; "
                "use a smaller alpha."
            )
        stats = result.stats
        self.wv_ = to_keyed_vectors(vocabulary.words, vocabulary.counts, result.input_vectors)
        self.context_vectors_ = result.output_vectors
        self.training_stats_ = {
            "n_documents": n_documents,
            "n_raw_words": n_raw_words,
            "n_corpus_words": corpus.n_tokens,
            "effective_min_count": vocabulary.effective_min_count,
            "backend": trainer.name,
            "n_threads": stats.extra.get("n_threads", config.n_threads),
            "seconds": stats.seconds,
            "trained_words": stats.words,
            "effective_words": stats.effective_words,
            "words_per_second": stats.words_per_second,
        }
        self._n_features_out = config.vector_size
        return self

    def transform(self, X: Iterable) -> np.ndarray:
        """Mean word vector of each document.

        Parameters
        ----------
        X : iterable of str or of list of str

        Returns
        -------
        ndarray of float32, shape (n_documents, vector_size)
            Unknown words are skipped; a document without known words gives zeros.
        """
        check_is_fitted(self, "wv_")
        corpus = encode(iter_token_lists(X), self.wv_.key_to_index)
        return mean_pool(corpus, self.wv_.vectors)

    def fit_transform(self, X: Iterable, y=None) -> np.ndarray:
        """Fit, then transform the same documents (a one-shot iterator is read into a list)."""
        X = check_documents(X)
        if iter(X) is X:
            X = list(X)
        return self.fit(X, y).transform(X)

    def _may_use_cuda(self) -> bool:
        """Whether fit may train on a GPU (whose summed updates vary in order)."""
        if self.backend != "torch":
            return False
        if self.device is not None:
            return str(self.device).startswith("cuda")
        try:
            import torch
        except ImportError:
            return False
        return torch.cuda.is_available()

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        tags.transformer_tags.preserves_dtype = []
        tags.non_deterministic = self.n_jobs != 1 or self._may_use_cuda()
        return tags
