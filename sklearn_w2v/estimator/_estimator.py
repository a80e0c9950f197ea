"""The scikit-learn estimator: ``W2V``, a transformer that learns word vectors and pools them."""

from __future__ import annotations

import dataclasses
import functools
import inspect
import os
import sys
import warnings
from collections.abc import Iterable, Mapping
from numbers import Integral, Real
from typing import Any

import numpy as np
from gensim.models import KeyedVectors
from sklearn.base import (
    BaseEstimator,
    ClassNamePrefixFeaturesOutMixin,
    TransformerMixin,
    _fit_context,
)
from sklearn.utils._param_validation import Interval, Options, StrOptions
from sklearn.utils.validation import check_is_fitted

from .._annotations import evaluate_annotations
from ..backends import backend_names, backend_spec
from ..corpus import encode
from ..pooling import (
    AGGREGATIONS,
    DocumentStatistics,
    l2_normalize,
    pool_documents,
    sif_weights,
    smooth_idf,
    top_direction,
)
from ..text import DEFAULT_TOKEN_PATTERN, build_analyzer, check_documents, iter_token_lists
from ..training import (
    TrainingParameter,
    TrainResult,
    check_converged,
    shown_in,
)
from ..vectors import DUPLICATE_POLICIES, UNICODE_ERRORS, to_keyed_vectors
from ._callbacks import CallbackRunner, check_callbacks
from ._gensim_names import GENSIM_NAMES
from ._input import check_input
from ._pretrained import INIT_VECTORS_FORMATS, INIT_VECTORS_WORDS
from ._setup import TrainingSetup
from ._stages import ContinuedFit, FitStages, FreshFit, StageClock, TrainingData
from ._state import data_to_state, state_to_data


def _constraints(parameter: TrainingParameter) -> list:
    """scikit-learn's constraints for a declared training parameter."""
    if parameter.kind is str:
        return [StrOptions(set(parameter.choices))]
    if parameter.kind is bool:
        return [Options(Integral, {0, 1}), "boolean"] if parameter.zero_one else ["boolean"]
    return [Interval(Integral if parameter.kind is int else Real, parameter.low, parameter.high,
                     closed=parameter.closed)]


def _gensim_hints(init):
    """``__init__`` that answers a gensim-only name with what to use instead, not just
    "unexpected keyword argument" (the signature stays ``init``'s, as scikit-learn reads it).
    """

    @functools.wraps(init)
    def __init__(self, *args, **kwargs):
        for name in kwargs:
            if name in GENSIM_NAMES and name not in type(self)._get_param_names():
                raise TypeError(f"W2V got gensim's parameter {name!r}: {GENSIM_NAMES[name]}")
        init(self, *args, **kwargs)

    return __init__


@evaluate_annotations
class W2V(ClassNamePrefixFeaturesOutMixin, TransformerMixin, BaseEstimator):
    """Word2vec (skip-gram or CBOW with negative sampling) as a scikit-learn transformer.

    The word2vec models of Mikolov et al.: the continuous skip-gram and
    continuous bag-of-words (CBOW) architectures [1]_, trained with negative
    sampling and frequent-word subsampling [2]_. ``fit`` learns word vectors
    from a corpus; ``transform`` turns each document into one vector pooled
    from its known words' vectors (the mean by default, see ``agg``). The
    word vectors are available as a plain gensim
    :class:`~gensim.models.KeyedVectors` in ``wv_``.

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
        Final learning rate; the rate falls to it over all words of all epochs
        (of each ``partial_fit`` call's own documents, see there): linearly,
        or for CBOW in steps (see ``cbow_schedule``).
    sg : {0, 1}, default=0
        1 for skip-gram, 0 for CBOW.
    cbow_mean : {0, 1}, default=1
        CBOW only: 1 averages the context vectors, 0 sums them.
    epochs : int, default=5
        Passes over the corpus. 0 (only with ``init_vectors``): no training;
        ``fit`` takes the pretrained words and vectors as they are.
    shrink_windows : bool, default=True
        Draw each word's window size uniformly from ``1..window``, so nearer
        words weigh more.
    random_state : int, RandomState instance or None, default=None
        Seeds the initial vectors and all random draws. A fixed value gives
        identical vectors on every fit only together with ``n_jobs=1`` (and
        on the CPU): a fixed value alone does not, because by default
        training runs on all cores, whose threads update shared vectors
        without locks in an order that varies from run to run (see
        ``n_jobs``).
    n_jobs : int, default=None
        Training threads: k > 0 exactly k, -1 all cores this process may
        use, -2 all but one. None: 1 thread when the fit runs inside a task
        that joblib already runs in parallel (``GridSearchCV(n_jobs=2)``,
        ``cross_val_score(n_jobs=-1)``, ...), the ``n_jobs`` of an enclosing
        ``joblib.parallel_config(n_jobs=k)``, otherwise all cores. Outside
        joblib this differs on purpose from scikit-learn's glossary (where
        None means 1): training is the long job a ``W2V`` fit exists for,
        one thread would make the default fit several times slower than
        gensim's and the C tool's defaults, and inside joblib's parallelism
        None follows joblib as the glossary says. With more than one
        thread, workers update shared vectors without locks (as the C tool
        and gensim do), so results vary slightly from run to run even with
        ``random_state``: pass ``n_jobs=1`` for reproducible fits.
    verbose : int, default=0
        Print the vocabulary summary, training progress and, with
        ``compute_loss``, the loss of each epoch to stderr. Progress is a
        ``tqdm.auto`` bar on a terminal or in a notebook (words done, words/s,
        time left, learning rate and, with ``compute_loss``, the recent loss
        per word), otherwise a line every few seconds in the word2vec C
        tool's format (see :class:`~sklearn_w2v.training.ProgressReporter`).
    backend : str, default="numba"
        Training backend (see :func:`sklearn_w2v.backends.backend_names`).
        "torch" trains the same model in batches with PyTorch, on a GPU
        when there is one (needs ``pip install "sklearn-w2v[torch]"``).
    vocabulary : mapping of str to int, default=None
        Word counts to use instead of counting the corpus (as the C tool's
        ``-read-vocab``): ``min_count`` and ``max_final_vocab`` apply to them,
        words are ordered by descending count (ties as gensim breaks them,
        the mapping's order standing for first-seen order), corpus tokens
        outside the result are skipped, and words absent from the corpus
        keep their initial vectors. ``max_vocab_size`` is then ignored.
    lowercase : bool, default=True
        Lowercase raw strings before tokenizing.
    preprocessor : callable, default=None
        Replaces the preprocessing step (accent stripping and lowercasing)
        of raw strings.
    tokenizer : callable, default=None
        Splits a preprocessed string into tokens; replaces ``token_pattern``.
    token_pattern : str or None, default=r"(?u)\\b\\w+\\b"
        Regular expression of a token. Unlike ``CountVectorizer``'s
        ``\\w\\w+``, single characters are tokens: "a" and "i" are context
        words that word2vec learns from (the C tool keeps them too).
    analyzer : "word" or callable, default="word"
        A callable turns a raw string into its tokens and bypasses all the
        other text options.
    strip_accents : {"ascii", "unicode"} or callable, default=None
        Remove accents during preprocessing, as ``CountVectorizer`` does.
    stop_words : "english", list or None, default=None
        Words removed from raw strings after tokenizing (before training
        and before pooling).
    agg : {"mean", "sum", "max", "tfidf", "sif"}, default="mean"
        How ``transform`` pools a document's word vectors: their mean, sum
        or element-wise maximum; ``"tfidf"``, the idf-weighted mean (smooth
        idf learned in ``fit``, as ``TfidfVectorizer`` computes it);
        ``"sif"``, smooth inverse frequency [3]_: the mean of the vectors
        weighted by ``sif_a / (sif_a + p(w))``, ``p(w)`` a word's share of
        the training tokens, minus its projection on the first principal
        direction of the training documents' weighted means (learned in
        ``fit`` and reused as is by ``transform``).
    sif_a : float, default=1e-3
        The ``a`` of the SIF weights; read at fit time.
    norm : {"l2"} or None, default=None
        Scale each document vector to unit length (empty documents stay zero).
    compute_loss : bool, default=False
        Record the training loss of each epoch in ``epoch_loss_`` (when the
        backend reports it).
    temp_folder : str or path, default=None
        Out of core (named like joblib's ``temp_folder``): ``fit`` encodes
        the corpus in chunks into a memory-mapped int32 file (4 bytes per
        token) in a private folder created inside this existing folder, and
        trains from there; the folder is removed when ``fit`` ends, also on
        error or interrupt. The corpus text and its encoding then stay out
        of resident memory, which holds the weights, O(vocabulary), 8 bytes
        per sentence and fixed-size buffers. None: the encoded corpus is
        held in memory. (``partial_fit`` batches are always encoded in
        memory.)
    device : str or None, default=None
        Where training runs. torch backend: None picks CUDA when available,
        else the CPU; or "cpu", "cuda", "cuda:1", ... The numba backend
        accepts only None or "cpu".
    torch_module : callable or None, default=None
        torch backend: None uses the built-in hand-written update (fast).
        Otherwise a ``torch.nn.Module`` class or factory, trained with
        autograd; see :class:`sklearn_w2v.backends.torch.SGNSModule`
        for the contract.
    kernel : {"auto", "fused", "batched"}, default="auto"
        torch backend: "fused" trains with one Triton kernel per chunk of
        sentences (CUDA, or Triton's interpreter on the CPU); "batched" in
        batched torch steps (any device, and custom ``torch_module`` models);
        "auto" picks fused on CUDA when Triton is installed and no
        ``torch_module`` is given, batched otherwise.
    programs : int or None, default=None
        torch backend, fused kernel: programs of one launch, each training
        one sentence at a time. None: 16 per GPU multiprocessor.
    init_vectors : str, path, gensim KeyedVectors or None, default=None
        Pretrained vectors to start from: a word2vec text or binary file
        (``.gz`` too; read strictly by
        :func:`~sklearn_w2v.vectors.read_vectors` when ``fit`` starts, so
        the estimator stays light to clone) or a ``KeyedVectors``, never
        modified. Its width must equal ``vector_size``. With ``epochs=0``
        the vocabulary is the pretrained words in their order and ``X``
        gives only what pooling learns (counts, idf, SIF); with ``epochs >=
        1`` the vocabulary is the words of ``X`` that pass ``min_count``
        together with all pretrained words, the pretrained rows start from
        their vectors, new words as in a fresh fit, and training runs as
        usual (fine-tuning). Words ``X`` lacks keep their pretrained
        vectors. ``clone`` shares a ``KeyedVectors`` instead of copying it
        (see Notes). Not combinable with ``vocabulary``.
    init_vectors_limit : int or None, default=None
        Use only the first ``init_vectors_limit`` pretrained vectors (files
        list the most frequent words first), as gensim's ``limit``.
    init_vectors_format : {"auto", "word2vec", "glove"}, default="auto"
        The layout of an ``init_vectors`` file: "word2vec" needs the ``V
        D`` header line (text or binary rows); "glove" is a text file
        without it (as GloVe's files); "auto" tells them apart by the first
        line (two integers: a header). Read strictly either way.
    init_vectors_unicode_errors : {"strict", "replace", "ignore"}, default="strict"
        Words of an ``init_vectors`` file that are not valid UTF-8: an
        error, or decoded with U+FFFD or without the bad bytes (as
        gensim's ``unicode_errors``).
    init_vectors_duplicates : {"error", "keep_first"}, default="error"
        A word listed twice in an ``init_vectors`` file: an error, or its
        first row kept and the others skipped, with a warning (as gensim).
    init_vectors_words : {"all", "corpus"}, default="all"
        "all" keeps every pretrained word; "corpus" only those that occur
        in ``X`` (gensim's ``intersect_word2vec_format``): the model, its
        saved file and the memory a fit needs then hold the corpus's words
        only. A file's rows are read after the corpus is counted (its
        existence and width are checked before), storing only the kept
        rows.
    freeze_init : bool, default=False
        Pretrained rows never move (gensim's ``lockf=0``), bit for bit, on
        every backend, also through ``partial_fit``; the new words' vectors
        and all context weights train.
    sg_rule : {"block", "hogbatch"}, default="block"
        Skip-gram only: the update rule. "block" draws the noise words for
        each (centre, context) pair, as gensim and the C tool do;
        "hogbatch" shares one set among a centre's contexts (faster, about
        one analogy point lower; measured on the benchmarks page). A
        backend that does not implement the rule with the options given
        refuses it before the corpus is read (the torch backend has
        "hogbatch" in its fused kernel only; each backend's
        ``SPEC.capabilities`` says).
    cbow_schedule : {"stepped", "linear"}, default="stepped"
        CBOW only: the learning-rate profile. "linear" is word2vec's decay
        from ``alpha`` to ``min_alpha`` over all words of all epochs (what
        skip-gram always uses); "stepped" falls within each epoch only half
        of its linear share and starts the next epoch at its own linear
        rate, as gensim's ``corpus_file`` mode does with two workers. It
        measured about one analogy point better than "linear" on en-mix (the
        benchmarks page). A model saved before this parameter existed loads
        with "linear", the profile it trained with.
    callbacks : list of callback objects or None, default=None
        Called before training, after every epoch and after training, as
        gensim's ``callbacks`` (see :mod:`sklearn_w2v.callbacks`): each may
        have ``on_train_begin(model)``, ``on_epoch_end(model, epoch,
        stats)`` and ``on_train_end(model)``. ``stats.wv`` is a
        ``KeyedVectors`` view of the current vectors; ``on_epoch_end``
        returning ``True`` (or raising
        :class:`~sklearn_w2v.callbacks.StopTraining`) ends training after
        that epoch (``training_stats_["epochs_trained"]`` says how many
        ran). They run between epochs on every backend (rank 0 only in
        distributed training), never inside a kernel. ``clone`` copies them
        (each clone gets its own); pickle and joblib keep them; a
        ``.skops`` file, which holds data only, does not (the loaded model
        has ``callbacks=None``, with a warning at save time).

    Attributes
    ----------
    wv_ : gensim.models.KeyedVectors
        The word vectors, each with its ``count``. ``fit`` orders them from
        most to least frequent; ``partial_fit`` appends new words at the end.
    context_vectors_ : ndarray of shape (n_words, vector_size)
        The output (context) weights, rows aligned with ``wv_.index_to_key``.
    idf_ : ndarray of float32, shape (n_words,)
        Smooth idf of each word over the documents seen by ``fit`` and
        ``partial_fit``.
    sif_weights_ : ndarray of float32, shape (n_words,)
        ``sif_a / (sif_a + p(w))`` of each word.
    sif_component_ : ndarray of float32, shape (vector_size,)
        Unit first principal direction removed by ``agg="sif"``.
    epoch_loss_ : ndarray of float64, shape (epochs_trained,) or None
        With ``compute_loss=True``, the training loss summed over each epoch
        of the last ``fit``/``partial_fit`` call (fewer than ``epochs`` when
        a callback stopped training early); otherwise None. To act on it
        while training runs (evaluate, checkpoint, stop early), use
        ``callbacks``.
    pretrained_rank_ : ndarray of int64, shape (n_words,)
        With ``init_vectors``, each word's 1-based row in the pretrained
        vectors, 0 for words that did not come from them (all 0 without
        ``init_vectors``).
    training_stats_ : dict
        Corpus size, effective ``min_count``, time and speed of the last
        ``fit`` or ``partial_fit`` call (``"stage_seconds"``: the wall
        seconds of each stage: ``"setup"``, ``"count"``, ``"encode"``,
        ``"weights"`` (the starting ones), ``"tables"`` (sampling), ``"copies"``
        (to and from a device), ``"train"``, ``"store"`` and ``"statistics"``
        (of ``idf_`` and ``sif_component_``), None for a stage that did not run
        or is not told apart; ``"kernel_seconds"``: GPU time in the training
        kernels, within ``"train"``; ``"fit_seconds"``: the whole call, and
        ``"unaccounted_seconds"``: what no stage covers; ``"fit_cpu_seconds"``
        and ``"train_cpu_seconds"``: the process's CPU time, all threads, of
        the call and of its training), the epochs it trained
        (``"epochs_trained"``; ``"stopped_early"`` when a callback ended
        training before ``epochs``), the device it trained on, and the
        backend's own facts (``"backend_details"``: e.g. the torch backend's
        kernel, step size and peak GPU memory).

    See Also
    --------
    sklearn_w2v.PhraseTransformer : Join frequent word pairs into one token before ``fit``.
    sklearn_w2v.LineCorpus : Train on text files without holding them in memory.
    sklearn_w2v.persistence.save : Save a fitted estimator or pipeline.
    sklearn_w2v.vectors.write_vectors : Write word vectors in the word2vec C tool's formats.
    sklearn.feature_extraction.text.TfidfVectorizer : Bag-of-words document features.

    Notes
    -----
    Documents are raw strings, analyzed as ``CountVectorizer`` would with
    the text options above, or lists of string tokens, used as given (no
    lowercasing or stop words). A 1-D NumPy array or a pandas Series of
    strings works too, so the estimator can take a ``ColumnTransformer``
    text column. ``fit`` reads its input once, so a generator is fine.
    Documents longer than 10,000 tokens are trained as consecutive pieces of
    10,000, as gensim does (for ``idf_`` each piece counts as a document).

    Reliability: bad parameters or input raise ``ValueError``/``TypeError``
    before training starts. Training that diverges (non-finite weights, or a
    weight row longer than a bound far beyond sane training, from a learning rate far
    too high) raises ``FloatingPointError``; weights whose typical pair
    scores exceed a threshold measured on sane and diverged runs (a learning
    rate too high, vectors probably poor) give a ``ConvergenceWarning``. A
    ``KeyboardInterrupt`` (or any error) during ``fit``/``partial_fit`` stops
    the training threads and leaves the estimator exactly as it was before the call: unfitted, or
    with its previous fitted attributes. Save a fitted estimator with
    :func:`sklearn_w2v.persistence.save` (atomic): as ``.skops`` it holds
    data only and loading it runs no code from the file; loading a
    joblib/pickle file trusts the file.

    Pretrained vectors: ``wv_`` orders the words of ``X`` first (most
    frequent first), then the pretrained words ``X`` lacks, in their
    pretrained order, with count 0 (with ``epochs=0``: the pretrained order
    throughout). For SIF those words' probability is Zipf's estimate from
    their pretrained rank, ``1 / (rank * H)`` with ``H`` the harmonic number
    of the number of pretrained words
    (see the pretrained-vectors page of the user guide). ``clone`` (hence
    grid search and cross-validation) shares a ``KeyedVectors`` given as
    ``init_vectors`` between the clones instead of deep-copying it: ``fit``
    only reads it (the model copies the rows it keeps), so sharing is safe
    as long as the caller does not change it in place meanwhile. A path is
    read by each ``fit``: reading a plain file allocates the matrix once,
    at its final size, and with ``epochs=0`` that matrix becomes ``wv_``
    (no second copy); fine-tuning holds it and the model's own matrix.

    References
    ----------
    .. [1] T. Mikolov, K. Chen, G. Corrado and J. Dean, "Efficient Estimation
       of Word Representations in Vector Space", ICLR Workshop, 2013.
       arXiv:1301.3781.
    .. [2] T. Mikolov, I. Sutskever, K. Chen, G. Corrado and J. Dean,
       "Distributed Representations of Words and Phrases and their
       Compositionality", Advances in Neural Information Processing Systems
       26 (NIPS), 2013. arXiv:1310.4546.
    .. [3] S. Arora, Y. Liang and T. Ma, "A Simple but Tough-to-Beat Baseline
       for Sentence Embeddings", ICLR, 2017.

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
        # The training parameters, as TRAINING_PARAMETERS declares them (vector_size, window,
        # negative, ns_exponent, sample, alpha, min_alpha, sg, cbow_mean, epochs,
        # shrink_windows, compute_loss, sg_rule, cbow_schedule); the others are the estimator's.
        **{p.name: _constraints(p) for p in shown_in("estimator")},
        "min_count": [Interval(Integral, 0, None, closed="left")],
        "max_vocab_size": [None, Interval(Integral, 1, None, closed="left")],
        "max_final_vocab": [None, Interval(Integral, 1, None, closed="left")],
        "random_state": ["random_state"],
        "n_jobs": [
            None,
            Interval(Integral, None, -1, closed="right"),
            Interval(Integral, 1, None, closed="left"),
        ],
        "verbose": ["verbose"],
        "backend": [StrOptions(set(backend_names()))],
        "vocabulary": [None, Mapping],
        "lowercase": ["boolean"],
        "preprocessor": [callable, None],
        "tokenizer": [callable, None],
        "token_pattern": [str, None],
        "analyzer": [StrOptions({"word"}), callable],
        "strip_accents": [StrOptions({"ascii", "unicode"}), callable, None],
        "stop_words": [StrOptions({"english"}), list, None],
        "agg": [StrOptions(set(AGGREGATIONS))],
        "sif_a": [Interval(Real, 0, None, closed="neither")],
        "norm": [StrOptions({"l2"}), None],
        "temp_folder": [None, str, os.PathLike],
        "device": [None, str],
        "torch_module": [None, callable],
        "kernel": [StrOptions({"auto", "fused", "batched"})],
        "programs": [None, Interval(Integral, 1, None, closed="left")],
        "init_vectors": [None, str, os.PathLike, KeyedVectors],
        "init_vectors_limit": [None, Interval(Integral, 1, None, closed="left")],
        "init_vectors_format": [StrOptions(set(INIT_VECTORS_FORMATS))],
        "init_vectors_unicode_errors": [StrOptions(set(UNICODE_ERRORS))],
        "init_vectors_duplicates": [StrOptions(set(DUPLICATE_POLICIES))],
        "init_vectors_words": [StrOptions(set(INIT_VECTORS_WORDS))],
        "freeze_init": ["boolean"],
        "callbacks": [None, list, tuple],
    }

    @_gensim_hints
    def __init__(
        self,
        *,
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
        vocabulary=None,
        lowercase=True,
        preprocessor=None,
        tokenizer=None,
        token_pattern=DEFAULT_TOKEN_PATTERN,
        analyzer="word",
        strip_accents=None,
        stop_words=None,
        agg="mean",
        sif_a=1e-3,
        norm=None,
        compute_loss=False,
        temp_folder=None,
        device=None,
        torch_module=None,
        kernel="auto",
        programs=None,
        init_vectors=None,
        init_vectors_limit=None,
        init_vectors_format="auto",
        init_vectors_unicode_errors="strict",
        init_vectors_duplicates="error",
        init_vectors_words="all",
        freeze_init=False,
        sg_rule="block",
        cbow_schedule="stepped",
        callbacks=None,
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
        self.vocabulary = vocabulary
        self.lowercase = lowercase
        self.preprocessor = preprocessor
        self.tokenizer = tokenizer
        self.token_pattern = token_pattern
        self.analyzer = analyzer
        self.strip_accents = strip_accents
        self.stop_words = stop_words
        self.agg = agg
        self.sif_a = sif_a
        self.norm = norm
        self.compute_loss = compute_loss
        self.temp_folder = temp_folder
        self.device = device
        self.torch_module = torch_module
        self.kernel = kernel
        self.programs = programs
        self.init_vectors = init_vectors
        self.init_vectors_limit = init_vectors_limit
        self.init_vectors_format = init_vectors_format
        self.init_vectors_unicode_errors = init_vectors_unicode_errors
        self.init_vectors_duplicates = init_vectors_duplicates
        self.init_vectors_words = init_vectors_words
        self.freeze_init = freeze_init
        self.sg_rule = sg_rule
        self.cbow_schedule = cbow_schedule
        self.callbacks = callbacks


    # -- building blocks -------------------------------------------------

    def build_analyzer(self):
        """The callable that turns one raw string into its tokens (as
        ``CountVectorizer.build_analyzer``).
        """
        return build_analyzer(
            lowercase=self.lowercase,
            preprocessor=self.preprocessor,
            tokenizer=self.tokenizer,
            token_pattern=self.token_pattern,
            analyzer=self.analyzer,
            strip_accents=self.strip_accents,
            stop_words=self.stop_words,
        )

    # -- fitting ---------------------------------------------------------

    def _run_stages(self, stages: FitStages) -> None:
        clock = StageClock()  # every lap below goes to one stage of training_stats_
        call = self._n_training_calls if stages.continues else 0
        setup = stages.setup(self, call)
        callbacks = check_callbacks(self.callbacks) if stages.runs_callbacks() else []
        runner = None
        clock.add("setup", clock.lap())
        with stages.read(self, setup) as data:
            clock.read(data.summary, clock.lap())
            if self.verbose:
                print(data.summary.line(), file=sys.stderr)
            if callbacks:
                runner = CallbackRunner(self, callbacks, data.words, data.counts,
                                        data.input_vectors, data.output_vectors)
                runner.begin()
                setup = dataclasses.replace(setup, on_epoch_end=runner.epoch_end,
                                            train_nothing=runner.stopped_before)
            clock.add("setup", clock.lap())
            result = stages.train(setup, data)
            clock.train(result.stats, clock.lap())
            if result.stats.words:  # weights that did not train are the caller's as they were
                check_converged(result.input_vectors, result.output_vectors, setup.config.alpha)
            self._store(data, result, setup, clock)
            clock.add("store", clock.lap())
            statistics = stages.document_statistics(data, self.wv_.vectors, self.sif_weights_,
                                                    setup.config.n_threads)
        self._set_document_statistics(
            self._document_statistics + statistics if stages.continues else statistics)
        clock.add("statistics", clock.lap())
        self._n_training_calls = call + 1
        if runner is not None:
            runner.end()
        clock.add("train", clock.lap())  # the callbacks' end
        total = clock.total()
        self.training_stats_.update(
            fit_seconds=total, unaccounted_seconds=total - sum(
                s for s in clock.seconds.values() if s is not None),
            fit_cpu_seconds=clock.total_cpu(), train_cpu_seconds=clock.train_cpu_seconds)

    def _store(self, data: TrainingData, result: TrainResult, setup: TrainingSetup,
               clock: StageClock) -> None:
        """Set the fitted attributes that every training call refreshes."""
        stats, config = result.stats, setup.config
        epochs_trained = config.epochs if stats.epochs is None else stats.epochs
        if stats.words == 0 and stats.epochs is None:  # nothing trained (epochs=0, ...)
            epochs_trained = 0
        stopped = setup.train_nothing or (stats.epochs is not None
                                          and stats.epochs < config.epochs)
        self.wv_ = to_keyed_vectors(data.words, data.counts, result.input_vectors)
        rank = data.pretrained_rank
        self.pretrained_rank_ = (np.zeros(len(data.words), dtype=np.int64) if rank is None
                                 else rank)
        self.sif_weights_ = self._sif_weights(data.counts, self.pretrained_rank_)
        self.context_vectors_ = result.output_vectors
        # A backend that says it reports no loss was warned about before reading.
        if config.compute_loss and stats.epoch_loss is None and setup.capabilities.loss:
            warnings.warn(
                f"Backend {setup.trainer.name!r} does not report the training loss; "
                "epoch_loss_ is None.",
                UserWarning,
                stacklevel=5,
            )
        self.epoch_loss_ = (
            np.asarray(stats.epoch_loss, dtype=np.float64)
            if config.compute_loss and stats.epoch_loss is not None else None
        )
        if self.verbose and self.epoch_loss_ is not None:
            for k, value in enumerate(self.epoch_loss_, 1):
                print(f"[W2V] epoch {k}: loss {value:.6g}", file=sys.stderr)
        self.training_stats_ = {
            **data.summary.as_dict(),
            "backend": setup.trainer.name,
            "n_threads": stats.n_threads,
            "seconds": stats.seconds,
            # The clock's own dict: the stages after this one fill in as they end.
            "stage_seconds": clock.seconds,
            "kernel_seconds": clock.kernel_seconds,
            "trained_words": stats.words,
            "effective_words": stats.effective_words,
            "words_per_second": stats.words_per_second,
            "epochs_trained": epochs_trained,
            "stopped_early": stopped,
            "device": stats.device,
            "backend_details": dict(stats.details),
        }
        self._n_features_out = config.vector_size

    def _sif_weights(self, counts: np.ndarray, rank: np.ndarray) -> np.ndarray:
        # pretrained words X lacks: Zipf's estimate from their rank (pooling's rule)
        return sif_weights(counts, float(self.sif_a), rank)

    def _set_document_statistics(self, stats: DocumentStatistics) -> None:
        # The SIF direction is the top eigenvector of the summed second moments
        # of every call's training documents, each taken with the vectors as
        # they were at the end of that call (for a single fit: exactly the
        # first principal direction of the training documents).
        self._document_statistics = stats
        self.idf_ = smooth_idf(stats.document_frequency, stats.n_documents)
        self.sif_component_ = top_direction(stats.sif_gram)

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X: Iterable, y=None) -> W2V:
        """Learn word vectors from the documents in ``X``.

        Parameters
        ----------
        X : iterable of str or of list of str, or LineCorpus
            Raw strings or tokenized documents (a list, a generator, a 1-D
            array or a pandas Series); read once.
        y : None
            Ignored.

        Returns
        -------
        self : W2V

        Raises
        ------
        TypeError
            Before any work, when ``X`` is not a collection of documents:
            None, a bare string (wrap it in a list; a file is
            ``LineCorpus(path)``), a number, a dict, a DataFrame, an array of
            numbers or of other than one dimension; or when its first
            document is not a document.
        ValueError
            ``X`` holds no documents, e.g. an iterator read before.
        """
        X = check_input(X, "fit", fitting=True)  # before any stage runs
        return fit_stages(self, FreshFit(X))

    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X: Iterable, y=None) -> W2V:
        """Continue training on new documents, adding their new words to the vocabulary.

        The first call (on an unfitted estimator) is exactly ``fit(X)``. A
        later call follows gensim's ``build_vocab(update=True)`` followed by
        ``train()``:

        * words already known keep their vectors and index, and their counts
          grow by their occurrences in ``X``; a new word enters when it
          occurs at least ``min_count`` times in ``X`` and gets a fresh
          random vector (and zero context weights) appended after the
          existing ones;
        * the call trains ``epochs`` passes over ``X`` only, with the learning
          rate falling from ``alpha`` to ``min_alpha`` over those passes (see
          ``cbow_schedule``), as gensim's ``train()`` on new data does. Each call is a
          complete small training run: it needs no advance knowledge of how
          many calls will follow, and the same batch sequence gives the same
          model. To let later batches move the vectors less, lower ``alpha``
          between calls (``set_params(alpha=...)``);
        * ``idf_`` counts the documents of all calls; the SIF weights use the
          summed counts, and the SIF direction is re-estimated from all
          calls' training documents;
        * after a fit from ``init_vectors``, words still without a count do
          not train, and with ``freeze_init`` the pretrained rows stay as
          they are (``pretrained_rank_`` grows with 0 for the new words).

        Parameters
        ----------
        X : iterable of str or of list of str
        y : None
            Ignored.

        Returns
        -------
        self : W2V
        """
        # scikit-learn validates partial_fit's parameters on the first call only; parameters
        # may change between calls here (set_params(alpha=...)), so every call checks them.
        self._validate_params()
        X = check_input(X, "partial_fit", fitting=True)
        return fit_stages(self, ContinuedFit(X) if hasattr(self, "wv_") else FreshFit(X))

    # -- transforming ----------------------------------------------------

    def transform(self, X: Iterable) -> np.ndarray:
        """One vector per document, pooled from its known words' vectors (see ``agg``).

        Parameters
        ----------
        X : iterable of str or of list of str

        Returns
        -------
        ndarray of float32, shape (n_documents, vector_size)
            Unknown words are skipped; a document without known words gives zeros.
        """
        check_is_fitted(self, "wv_")
        X = check_input(X, "transform", fitting=False)
        corpus = encode(iter_token_lists(X, self.build_analyzer()), self.wv_.key_to_index)
        out = pool_documents(corpus, self.wv_.vectors, self.agg, idf=self.idf_,
                             sif_weights=self.sif_weights_, sif_component=self.sif_component_)
        return l2_normalize(out) if self.norm == "l2" else out

    def fit_transform(self, X: Iterable, y=None) -> np.ndarray:
        """Fit, then transform the same documents (a one-shot iterator is read into a list)."""
        self._validate_params()  # bad parameters are reported before bad input
        X = check_input(X, "fit_transform", fitting=True)
        if iter(X) is X:
            X = list(X)
        out = self.fit(X, y).transform(X)
        if len(out) == 0:  # fit saw documents: X gave them once only
            raise ValueError(
                f"W2V.fit_transform: X ({type(X).__name__}) yielded no documents the second "
                "time it was read (fit, then transform): pass a list, or a corpus that can be "
                "read again such as LineCorpus.")
        return out

    def word_vectors(self, words: Iterable[str], unknown: str = "zeros") -> np.ndarray:
        """The vector of each word, one row per word, in order.

        Words are looked up as given (no lowercasing or other analysis), as
        keys of ``wv_``.

        Parameters
        ----------
        words : iterable of str
        unknown : {"zeros", "nan", "raise"}, default="zeros"
            A word missing from the vocabulary gives a row of zeros, a row of
            NaN, or a ``KeyError`` naming the missing words.

        Returns
        -------
        ndarray of float32, shape (n_words, vector_size)
        """
        check_is_fitted(self, "wv_")
        if unknown not in ("zeros", "nan", "raise"):
            raise ValueError(f"unknown must be 'zeros', 'nan' or 'raise', got {unknown!r}.")
        words = list(check_documents(words, "W2V.word_vectors"))
        index = self.wv_.key_to_index
        rows = np.fromiter((index.get(w, -1) for w in words), dtype=np.int64, count=len(words))
        missing = rows < 0
        if unknown == "raise" and missing.any():
            names = [words[i] for i in np.flatnonzero(missing)[:5]]
            raise KeyError(f"{int(missing.sum())} word(s) not in the vocabulary, e.g. {names}")
        out = self.wv_.vectors[np.where(missing, 0, rows)]  # fancy indexing copies
        out[missing] = 0.0 if unknown == "zeros" else np.nan
        return out

    def set_params(self, **params) -> W2V:
        """Set parameters (scikit-learn's ``set_params``); a gensim-only name gets a hint.

        Returns
        -------
        self : W2V
        """
        for name in params:
            if name in GENSIM_NAMES and name not in self._get_param_names():
                raise ValueError(f"Invalid parameter {name!r} for W2V (gensim's name): "
                                 f"{GENSIM_NAMES[name]}")
        return super().set_params(**params)

    def __sklearn_clone__(self):
        """``sklearn.base.clone``, sharing a ``KeyedVectors`` given as ``init_vectors``.

        ``clone`` deep-copies every parameter that is not an estimator; a
        KeyedVectors of millions of words, copied for every fold of a grid
        search, would cost its full size each time. ``fit`` never modifies
        it, so the clones can share it.
        """
        if not isinstance(self.init_vectors, KeyedVectors):
            return super().__sklearn_clone__()
        # scikit-learn's own clone of this estimator without the vectors, then the vectors.
        without = object.__new__(type(self))
        without.__dict__.update(self.__dict__, init_vectors=None)
        new = super(W2V, without).__sklearn_clone__()
        new.init_vectors = self.init_vectors
        return new

    # -- state: what pickle, joblib and skops save -----------------------

    def __getstate__(self) -> dict[str, Any]:
        """The estimator as plain data: parameters and fitted state, no Python objects.

        ``wv_`` becomes its words (UTF-8 bytes), counts and vectors, the
        document statistics their arrays, and parameter values that are not
        plain data go through the estimator's parameter codecs
        (``PARAMETER_CODECS``); callables stay
        themselves (stored by importable name). This is what makes a model
        saved with :func:`sklearn_w2v.persistence.save` as ``.skops`` hold
        data only.
        """
        return state_to_data(super().__getstate__(), self._get_param_names())

    def __setstate__(self, state: dict[str, Any]) -> None:
        """Rebuild the estimator from :meth:`__getstate__`'s data, checking the arrays' shapes.

        Parameters added since the state was saved get the value that
        reproduces how the model trained then (a model saved before
        ``cbow_schedule`` existed trained CBOW with the linear profile, and
        keeps it), which for most is their default.
        """
        state = data_to_state(state)
        before = {p.name: p.value_before for p in shown_in("estimator")}
        for name, parameter in inspect.signature(type(self).__init__).parameters.items():
            if parameter.default is not inspect.Parameter.empty:
                state.setdefault(name, before.get(name, parameter.default))
        super().__setstate__(state)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        tags.transformer_tags.preserves_dtype = []
        tags.non_deterministic = self.n_jobs != 1 or self._may_use_gpu()
        return tags

    def _may_use_gpu(self) -> bool:
        """Whether fit may train on a GPU (whose summed updates vary in order); the backend
        decides.
        """
        try:
            spec = backend_spec(self.backend)
        except ValueError:  # an invalid backend: fit will say so
            return False
        return spec.may_use_gpu({name: getattr(self, name, None) for name in spec.options})


@_fit_context(prefer_skip_nested_validation=True)
def fit_stages(model: W2V, stages: FitStages) -> W2V:
    """Fit ``model`` through ``stages``: the one path of ``fit``, ``partial_fit`` and
    distributed training.

    The seam for the package's own front ends (distributed training, the
    benchmark): they subclass :class:`FitStages` to read or train another
    way and call this, never the estimator's insides. Not public API: the
    stage classes are internal and may change.

    Runs, in order: ``stages.setup`` (configuration, trainer, analyzer),
    ``stages.read`` (the encoded corpus, its vocabulary and the starting
    weights), ``stages.train``, the divergence check, then stores the
    fitted attributes (``wv_``, ``context_vectors_``, ``training_stats_``,
    ``epoch_loss_``, ``sif_weights_``) and the document statistics
    ``stages.document_statistics`` gives (``idf_``, ``sif_component_``).
    It all happens on a staged copy that replaces the estimator's state
    only once complete: an error or ``KeyboardInterrupt`` leaves the
    estimator exactly as it was. ``fit`` uses the stages ``FreshFit``,
    ``partial_fit`` ``ContinuedFit``. The parameters are validated first, as
    ``fit`` validates them.

    Parameters
    ----------
    model : W2V
    stages : FitStages

    Returns
    -------
    model : W2V
    """
    staged = object.__new__(type(model))
    # The fitted attributes are replaced, never mutated in place, so the
    # copy shares the old ones safely; a single dict.update then
    # publishes the new state.
    staged.__dict__.update(model.__dict__)
    staged._run_stages(stages)
    model.__dict__.update(staged.__dict__)
    return model
