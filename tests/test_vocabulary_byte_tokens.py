"""The byte-token hash table behind the file path's counting and encoding."""

import re
from collections import Counter

import numpy as np
import pytest

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


def test_scan_ids_in_text_order_across_batches_and_growth():
    """Token indices and line ends in text order, through the kernel's read-ahead batches
    and the table's growth in the middle of them (capacity 1)."""
    rng = np.random.default_rng(3)
    words = [b"t%d" % i for i in range(500)] + [b"token-longer-than-8-%d" % i for i in range(50)]
    gaps = [b" ", b"\n", b" \n\n", b"\t", b"\n \n"]
    text = b"\n\n" + b"".join(words[rng.integers(len(words))] + gaps[rng.integers(len(gaps))]
                              for _ in range(5_000)) + b"tail"
    expected, index = [], {}
    for piece in re.findall(rb"\n|[^ \t\n\r\x0b\x0c]+", text):
        expected.append(-1 if piece == b"\n" else index.setdefault(piece, len(index)))
    counter = ByteTokenCounter(capacity=1)
    assert counter.update(text, keep_ids=True).tolist() == expected
    assert counter.tokens() == list(index)


def test_byte_token_counter_find_and_non_ascii():
    counter = ByteTokenCounter()
    counter.update("caf\u00e9 cafe \xff".encode("utf-8") + b" \xff\n")
    assert counter.tokens() == ["caf\u00e9".encode(), b"cafe", "\xff".encode(), b"\xff"]
    assert counter.non_ascii().tolist() == [True, False, True, True]
    found = [counter.find(t) for t in ("caf\u00e9", b"cafe", b"\xff", "", "caf")]
    assert found == [0, 1, 3, -1, -1]




def test_merged_tables_equal_one_table_counting_every_block_in_order():
    """Blocks dealt to several tables in any increasing pattern merge to the serial table."""
    rng = np.random.default_rng(1)
    words = ([b"w%d" % i for i in range(400)] + [b"a-longer-word-%d" % i for i in range(300)]
             + ["\u00e9t\u00e9".encode(), b"\xff"])
    blocks = [b" ".join(words[i] for i in rng.zipf(1.3, size=rng.integers(0, 60)) % len(words))
              + b"\n" for _ in range(40)]
    serial = ByteTokenCounter()
    for block in blocks:
        serial.update(block)
    for n_tables in (1, 2, 3, 5):
        owner = rng.integers(0, n_tables, size=len(blocks))
        tables = [ByteTokenCounter(capacity=1) for _ in range(n_tables)]
        firsts = [[] for _ in range(n_tables)]
        for k, block in enumerate(blocks):
            t = tables[owner[k]]
            before = len(t)
            t.update(block)
            firsts[owner[k]] += [k] * (len(t) - before)
        for n_threads in (1, 2, 3, 8):  # partitions of the merge: the same table
            merged, maps = ByteTokenCounter.merge(tables, [np.array(f) for f in firsts],
                                                  n_threads)
            assert merged.tokens() == serial.tokens()
            assert merged.counts.tolist() == serial.counts.tolist()
            assert merged.n_read == serial.n_read
            assert [merged.find(w) for w in words] == [serial.find(w) for w in words]
            for table, index in zip(tables, maps):
                assert [merged.tokens()[i] for i in index] == table.tokens()
    merged.update(b"w1 new-after-the-merge w1\n")  # fills its slots, then counts on
    serial.update(b"w1 new-after-the-merge w1\n")
    assert merged.tokens() == serial.tokens()
    assert merged.counts.tolist() == serial.counts.tolist()


def test_merged_needs_a_block_per_token():
    table = ByteTokenCounter()
    table.update(b"a b\n")
    with pytest.raises(ValueError, match="one block number per token"):
        ByteTokenCounter.merged([table], [np.array([0])])
    assert len(ByteTokenCounter.merged([], [])) == 0
