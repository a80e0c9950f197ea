"""Cached sampling tables."""

import numpy as np


def test_last_tables_rebuild_only_when_counts_or_settings_change():
    from sklearn_w2v.training import LastTables

    calls = []
    cache = LastTables(lambda counts, sample: calls.append(sample) or (counts.sum(), sample))
    counts = np.array([5, 3, 1])
    assert cache.get(counts, 1e-3) == (9, 1e-3)
    assert cache.get(counts.copy(), 1e-3) == (9, 1e-3) and len(calls) == 1  # equal counts: reused
    counts[0] = 6  # changed in place: the cache kept its own copy, so it notices
    assert cache.get(counts, 1e-3) == (10, 1e-3) and len(calls) == 2
    assert cache.get(counts, 0.0) == (10, 0.0) and len(calls) == 3
