"""The byte-token hash table behind the file path's counting and encoding."""

from collections import Counter

import numpy as np

from sklearn_w2v.vocabulary import ByteTokenCounter


def test_byte_token_counter_grows_and_counts_like_counter():
    rng = np.random.default_rng(0)
    tokens = [bytes(rng.integers(33, 127, size=rng.integers(1, 30)).astype(np.uint8))
              for _ in range(3000)]
    text = b" ".join(tokens[i] for i in rng.integers(0, len(tokens), size=20_000))
    counter = ByteTokenCounter(capacity=1)
    for k in range(0, len(text), 10_000):  # blocks split mid-token are fine for counting
        counter.update(text[k : k + 10_000])
    expected = Counter()
    for k in range(0, len(text), 10_000):
        expected.update(text[k : k + 10_000].split())
    assert counter.tokens() == list(expected)
    assert counter.counts.tolist() == list(expected.values())
    assert counter.n_read == sum(expected.values())


def test_byte_token_counter_find_and_non_ascii():
    counter = ByteTokenCounter()
    counter.update("caf\u00e9 cafe \xff".encode("utf-8") + b" \xff\n")
    assert counter.tokens() == ["caf\u00e9".encode(), b"cafe", "\xff".encode(), b"\xff"]
    assert counter.non_ascii().tolist() == [True, False, True, True]
    found = [counter.find(t) for t in ("caf\u00e9", b"cafe", b"\xff", "", "caf")]
    assert found == [0, 1, 3, -1, -1]


