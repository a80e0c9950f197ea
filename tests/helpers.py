"""Helpers shared by the tests: corpora with planted structure, awkward text files, comparisons."""

import gzip

import numpy as np


def planted_corpus(n_groups=5, group_size=8, n_docs=1500, doc_len=12, seed=0):
    """Documents that each draw words from a single group: groups are the only structure."""
    rng = np.random.default_rng(seed)
    groups = [[f"g{g}w{k}" for k in range(group_size)] for g in range(n_groups)]
    docs = []
    for _ in range(n_docs):
        group = groups[rng.integers(n_groups)]
        docs.append([group[i] for i in rng.integers(group_size, size=doc_len)])
    return docs, groups


def planted_phrase_corpus(n_docs=1000, doc_len=20, n_words=100, seed=0):
    """Uniformly random words w0..w99; "new york" planted in every tenth document, followed by
    "city" in the first 30 of those ("new", "york" and "city" occur nowhere else).
    """
    rng = np.random.default_rng(seed)
    words = [f"w{i}" for i in range(n_words)]
    docs = []
    for k in range(n_docs):
        doc = [words[i] for i in rng.integers(n_words, size=doc_len)]
        if k % 10 == 0:
            at = int(rng.integers(doc_len - 3))
            doc[at : at + 2] = ["new", "york"]
            if k < 300:
                doc[at + 2] = "city"
        docs.append(doc)
    return docs


def group_purity(wv, groups, topn=None):
    """Share of each word's nearest neighbours that come from its own group."""
    topn = topn or len(groups[0]) - 1
    hits = total = 0
    for group in groups:
        members = set(group)
        for word in group:
            neighbours = [w for w, _ in wv.most_similar(word, topn=topn)]
            hits += sum(w in members for w in neighbours)
            total += topn
    return hits / total


# Invalid UTF-8 tokens that all decode to "\ufffd" (the last one is the valid
# encoding of U+FFFD itself), and two that decode to "a\ufffd".
AWKWARD = (
    b"the cat\tsat on\x0bthe mat\r\n"
    b"\xff dog \xfe\x0c the a\xff\r\n"
    b"\n"
    b"   \t \r\n"
    b"a\xfe \xef\xbf\xbd cat the  dog\n"
    b"mat \xff sat\ta\xfe dog"  # no newline at the end
)


def write(path, data: bytes):
    if str(path).endswith(".gz"):
        with gzip.open(path, "wb") as f:
            f.write(data)
    else:
        path.write_bytes(data)
    return path


def awkward_file_set(folder):
    """Files a corpus reader must get right: invalid UTF-8, a 25,001-token line in a .gz, an
    empty file.
    """
    long_line = b" ".join([b"rare"] + [b"x", b"y"] * 12_500) + b"\n"  # 25,001 tokens
    return [
        write(folder / "a.txt", AWKWARD),
        write(folder / "b.txt.gz", long_line + AWKWARD + b"\n"),
        write(folder / "empty.txt", b""),
        write(folder / "c.txt", b"dog dog\n\xfe cat\n"),
    ]


def whole_lines(paths):
    """Each line of the files as one document of decoded tokens (LineCorpus cuts long lines)."""
    for path in paths:
        with (gzip.open if str(path).endswith(".gz") else open)(path, "rb") as f:
            for line in f:
                yield [t.decode("utf-8", "replace") for t in line.split()]


def assert_same_encoding(fast, slow):
    """Two :class:`~sklearn_w2v.corpus.EncodedDocuments` are identical."""
    v1, v2 = fast.vocabulary, slow.vocabulary
    assert v1.words == v2.words
    assert v1.counts.tolist() == v2.counts.tolist()
    assert v1.effective_min_count == v2.effective_min_count
    assert np.asarray(fast.corpus.ids).tolist() == np.asarray(slow.corpus.ids).tolist()
    assert fast.corpus.offsets.tolist() == slow.corpus.offsets.tolist()
    assert fast.corpus.offsets.dtype == np.int64 and fast.corpus.ids.dtype == np.int32
    assert (fast.n_raw_words, fast.n_documents) == (slow.n_raw_words, slow.n_documents)
