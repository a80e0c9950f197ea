"""The generic path from documents to the training corpus, and the choice of path.

Any iterable of documents is read once (a generator is fine): each
document's tokens are scanned and their scan ids written through an
:class:`~sklearn_w2v.corpus.IdStore`; once the vocabulary is prepared, the
scan ids are remapped chunk by chunk into an exactly sized array of final
ids. A :class:`~sklearn_w2v.text.LineCorpus` takes the faster file path
(:mod:`sklearn_w2v.corpus._from_files`) instead, with the same result.
"""

from __future__ import annotations

import contextlib
import gc
import time
from array import array
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import NamedTuple

import numpy as np

from ..text import (
    MAX_SENTENCE_LENGTH,
    LineCorpus,
    Tokenizer,
    default_tokenize,
    iter_token_lists,
)
from ..vocabulary import (
    RawVocabulary,
    VocabularyScanner,
    check_word_counts,
    prepare_vocabulary,
    vocabulary_from_counts,
)
from ._encoded import (
    EncodedCorpus,
    EncodedDocuments,
    cut_lengths,
    offsets_from_lengths,
)
from ._from_files import encode_line_corpus
from ._storage import CHUNK_TOKENS, IdStore, MemoryStore, allocate_checked


class ScannedCorpus(NamedTuple):
    """The scan of a corpus: its raw vocabulary, and every token encoded with its scan id."""

    raw: RawVocabulary
    corpus: EncodedCorpus


def scan_and_encode(
    token_lists: Iterable[Sequence[str]],
    max_vocab_size: int | None = None,
    store: IdStore | None = None,
    max_sentence_length: int | None = MAX_SENTENCE_LENGTH,
) -> ScannedCorpus:
    """Count the words and encode the corpus with scan ids, in one pass.

    At most ``store.chunk_tokens`` scan ids are held in memory at a time;
    each full chunk is counted (so ``max_vocab_size`` pruning sees exactly
    what it sees with no chunks) and handed to the store.
    """
    store = store or MemoryStore()
    scanner = VocabularyScanner(max_vocab_size)
    writer = store.writer()
    chunk = store.chunk_tokens
    lengths = array("q")
    for tokens in token_lists:
        scanner.add(tokens)
        lengths.extend(cut_lengths(len(tokens), max_sentence_length))
        if chunk is not None and scanner.n_pending >= chunk:
            writer.extend(scanner.take_ids())
    writer.extend(scanner.take_ids())
    raw = scanner.finish()
    return ScannedCorpus(raw, EncodedCorpus(writer.finish(), offsets_from_lengths(lengths)))


def remap(
    corpus: EncodedCorpus,
    id_map: np.ndarray,
    n_kept: int | None = None,
    store: IdStore | None = None,
) -> EncodedCorpus:
    """Translate ids through ``id_map`` into an array of ``store``; ids mapped to -1 are dropped.

    Dropping a word shortens its sentence (the neighbours close ranks, as in
    gensim and the C tool); sentences left empty are removed. ``n_kept``,
    the number of ids ``id_map`` keeps, is counted when not given (callers
    know it from the word counts). Extra memory is a few copies of one chunk
    plus one int64 per sentence.
    """
    store = store or MemoryStore()
    step = store.chunk_tokens or CHUNK_TOKENS
    ids, offsets = corpus.ids, corpus.offsets
    if n_kept is None:
        n_kept = sum(int((id_map[ids[a : a + step]] >= 0).sum()) for a in range(0, len(ids), step))
    out = allocate_checked(store, n_kept)
    new_offsets = np.empty_like(offsets)
    pos = 0  # ids written to out
    j = 0  # next sentence boundary to translate
    for start in range(0, len(ids), step):
        mapped = id_map[ids[start : start + step]]
        keep = mapped >= 0
        kept = mapped[keep]
        out[pos : pos + len(kept)] = kept
        kept_before = np.zeros(len(keep) + 1, dtype=np.int64)
        np.cumsum(keep, out=kept_before[1:])
        j_end = int(np.searchsorted(offsets, start + len(mapped), side="left"))
        new_offsets[j:j_end] = pos + kept_before[offsets[j:j_end] - start]
        j = j_end
        pos += len(kept)
    new_offsets[j:] = pos
    if pos != n_kept:
        raise RuntimeError(f"Expected {n_kept} kept ids, wrote {pos}.")
    new_offsets = np.unique(new_offsets)  # sorted; drops empty sentences
    if new_offsets[0] != 0:
        new_offsets = np.concatenate(([0], new_offsets))
    return EncodedCorpus(out, new_offsets.astype(np.int64))


def encode_for_training(
    token_lists: Iterable[Sequence[str]],
    min_count: int = 5,
    max_vocab_size: int | None = None,
    max_final_vocab: int | None = None,
    store: IdStore | None = None,
) -> EncodedDocuments:
    """Build the vocabulary and the training corpus from one pass over tokenized documents.

    Examples
    --------
    >>> encoded = encode_for_training([["a", "b", "a"], ["c", "a", "b"]], min_count=2)
    >>> encoded.vocabulary.words, encoded.corpus.ids.tolist(), encoded.corpus.offsets.tolist()
    (['a', 'b'], [0, 1, 0, 0, 1], [0, 3, 5])
    """
    store = store or MemoryStore()
    start = time.perf_counter()
    scanned = scan_and_encode(token_lists, max_vocab_size, store)
    counted = time.perf_counter()
    raw = scanned.raw
    raw.check_words()
    vocabulary, id_map = prepare_vocabulary(raw, min_count, max_final_vocab)
    n_kept = int(raw.counts[id_map >= 0].sum())
    corpus = remap(scanned.corpus, id_map, n_kept, store)
    return EncodedDocuments(vocabulary, corpus, raw.n_words, raw.n_documents, counted - start,
                            time.perf_counter() - counted)


def encode_with_vocabulary(
    token_lists: Iterable[Sequence[str]],
    word_counts: Mapping[str, int],
    min_count: int = 5,
    max_final_vocab: int | None = None,
    store: IdStore | None = None,
    max_sentence_length: int | None = MAX_SENTENCE_LENGTH,
) -> EncodedDocuments:
    """As :func:`encode_for_training`, with given counts instead of counting.

    The counts decide the words, their order and ``min_count`` filtering;
    corpus tokens outside the resulting vocabulary are skipped (but counted
    in ``n_raw_words``). Documents are cut at ``max_sentence_length`` raw
    tokens before the skipping, as in :func:`encode_for_training`.
    """
    store = store or MemoryStore()
    began = time.perf_counter()
    vocabulary = vocabulary_from_counts(word_counts, min_count, max_final_vocab)
    get = vocabulary.index().get
    writer = store.writer()
    lengths = array("q")
    n_raw_words = n_documents = 0
    for tokens in token_lists:
        n_documents += 1
        n_raw_words += len(tokens)
        start = 0
        for length in cut_lengths(len(tokens), max_sentence_length):
            piece = tokens if length == len(tokens) else tokens[start : start + length]
            ids = [i for i in map(get, piece) if i is not None]
            if ids:  # sentences left empty are dropped
                writer.extend(ids)
                lengths.append(len(ids))
            start += length
    corpus = EncodedCorpus(writer.finish(), offsets_from_lengths(lengths))
    # Counts given: no counting stage, one pass that encodes.
    return EncodedDocuments(vocabulary, corpus, n_raw_words, n_documents, 0.0,
                            time.perf_counter() - began)


def encode_documents(
    X: Iterable,
    min_count: int = 5,
    max_vocab_size: int | None = None,
    max_final_vocab: int | None = None,
    word_counts: Mapping[str, int] | None = None,
    tokenize: Tokenizer = default_tokenize,
    store: IdStore | None = None,
    n_threads: int = 1,
) -> EncodedDocuments:
    """Build the vocabulary and the training corpus from any documents ``fit`` accepts.

    A :class:`~sklearn_w2v.text.LineCorpus` takes the file path
    (:func:`encode_line_corpus`: one read of the files in big blocks),
    except when ``max_vocab_size`` asks for gensim's pruning during the scan,
    which only document-by-document counting reproduces. Everything else goes
    through :func:`~sklearn_w2v.text.iter_token_lists`. Both paths give
    identical results.

    Parameters
    ----------
    X : iterable of str or of list of str, or LineCorpus
    word_counts : mapping str -> int, optional
        Fixed counts used instead of counting the corpus (then
        ``max_vocab_size`` has nothing to prune and is ignored).
    tokenize : callable
        Turns a raw-string document into tokens (token lists, and the lines
        of a LineCorpus, are used as given).
    store : IdStore, optional
        Where the ids go: memory by default; a :class:`TempArrays` writes
        them to memory-mapped files in chunks, with bounded extra memory.
        Same result.
    n_threads : int, default=1
        Threads the file path counts and encodes with (same result); the
        other paths read document by document in the calling thread.
    """
    if word_counts is not None:
        check_word_counts(word_counts)  # before any corpus is read
    store = store or MemoryStore()
    with gc_paused():
        # Exact type: a subclass may change what iterating it yields.
        if type(X) is LineCorpus and (max_vocab_size is None or word_counts is not None):
            return encode_line_corpus(X, min_count, max_final_vocab, word_counts, store,
                                      n_threads=n_threads)
        token_lists = iter_token_lists(X, tokenize)
        if word_counts is not None:
            return encode_with_vocabulary(token_lists, word_counts, min_count,
                                          max_final_vocab, store)
        return encode_for_training(token_lists, min_count, max_vocab_size, max_final_vocab,
                                   store)


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off inside, as it was after.

    Reading a corpus makes many objects (token strings, the words of the
    vocabulary) and no reference cycles; each burst of them can set off a
    full collection, which walks every object of the process (the modules of
    numpy, scipy, numba and gensim: about 360,000 objects) and took 0.2 CPU
    seconds, 0.6 s of wall time on a loaded machine, in the middle of
    en-mix's vocabulary (0.03 s without it). The objects are freed by their
    reference counts either way.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def encode(token_lists: Iterable[Sequence[str]], key_to_index: Mapping[str, int]) -> EncodedCorpus:
    """Encode documents with a fixed vocabulary; one sentence per document (for ``transform``).

    Unknown tokens are skipped, so a document may encode to zero ids.
    """
    ids = array("i")
    offsets = array("q", [0])
    get = key_to_index.get
    for tokens in token_lists:
        ids.extend([i for i in map(get, tokens) if i is not None])
        offsets.append(len(ids))
    return EncodedCorpus(np.frombuffer(ids, dtype=np.int32), np.frombuffer(offsets, dtype=np.int64))
