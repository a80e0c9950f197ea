"""The one builder of the sampling tables: what it builds, and when it builds again."""

import numpy as np
import pytest

from sklearn_w2v.training import (
    alias_table,
    clear_sampling_tables,
    keep_probabilities,
    keep_thresholds,
    noise_distribution,
    sampling_tables,
)


def python_alias_table(p):
    """The plain-Python pairing the compiled one replaced: the reference it must equal bit for
    bit.
    """
    n = len(p)
    scaled = np.asarray(p, dtype=np.float64) * n / np.sum(p)
    alias = np.arange(n, dtype=np.int32)
    keep = np.ones(n, dtype=np.float64)
    small = [i for i in range(n) if scaled[i] < 1.0]
    large = [i for i in range(n) if scaled[i] >= 1.0]
    while small and large:
        s, g = small.pop(), large[-1]
        keep[s] = scaled[s]
        alias[s] = g
        scaled[g] -= 1.0 - scaled[s]
        if scaled[g] < 1.0:
            small.append(large.pop())
    return np.round(np.clip(keep, 0.0, 1.0) * 2.0**32).astype(np.uint64), alias


@pytest.mark.parametrize("n", [1, 2, 7, 1000, 20_000])
def test_compiled_alias_table_is_the_python_one_bit_for_bit(n):
    rng = np.random.default_rng(n)
    for counts in (rng.zipf(1.3, n), rng.integers(1, 5, n), np.ones(n, dtype=np.int64)):
        p = noise_distribution(counts, 0.75)
        want_keep, want_alias = python_alias_table(p)
        keep, alias = alias_table(p)
        assert keep.dtype == np.uint64 and alias.dtype == np.int32
        np.testing.assert_array_equal(keep, want_keep)
        np.testing.assert_array_equal(alias, want_alias)


def test_alias_table_draws_the_distribution():
    p = noise_distribution(np.array([500, 200, 50, 10, 1]), 0.75)
    keep, alias = alias_table(p)
    # The probability of each outcome: its own slot's keep share plus what the others lend it.
    got = keep / 2.0**32
    for i, a in enumerate(alias):
        got[a] += 1.0 - keep[i] / 2.0**32
    np.testing.assert_allclose(got / len(p), p, atol=1e-9)


def test_tables_hold_what_the_separate_functions_give():
    counts = np.array([5000, 300, 20, 1], dtype=np.int64)
    clear_sampling_tables()
    tables = sampling_tables(counts, 1e-3, 0.6)
    np.testing.assert_array_equal(tables.keep_probability, keep_probabilities(counts, 1e-3))
    np.testing.assert_array_equal(tables.keep_threshold, keep_thresholds(counts, 1e-3))
    keep, alias = alias_table(noise_distribution(counts, 0.6))
    np.testing.assert_array_equal(tables.noise_keep, keep)
    np.testing.assert_array_equal(tables.noise_alias, alias)
    assert tables.noise_max == noise_distribution(counts, 0.6).max()
    assert (tables.sample, tables.ns_exponent) == (1e-3, 0.6)


def test_tables_are_kept_while_counts_and_settings_stay_the_same():
    clear_sampling_tables()
    counts = np.array([5, 3, 1])
    tables = sampling_tables(counts, 1e-3, 0.75)
    assert sampling_tables(counts.copy(), 1e-3, 0.75) is tables  # equal counts: kept
    counts[0] = 6  # changed in place: the cache kept its own copy, so it notices
    changed = sampling_tables(counts, 1e-3, 0.75)
    assert changed is not tables and changed.keep_threshold[0] != tables.keep_threshold[0]
    assert sampling_tables(counts, 0.0, 0.75) is not changed
    assert sampling_tables(counts, 0.0, 0.5) is not sampling_tables(counts, 0.0, 0.75)
    clear_sampling_tables()
    assert sampling_tables(counts, 0.0, 0.75) is not changed


def test_derived_forms_are_made_once_per_key():
    clear_sampling_tables()
    tables = sampling_tables(np.array([4, 2, 1]), 0.0, 0.75)
    made = []
    first = tables.derived("a", lambda t: made.append(1) or t.noise_alias.astype(np.int64))
    assert tables.derived("a", lambda t: made.append(1)) is first and made == [1]
    tables.derived("b", lambda t: made.append(2))
    assert made == [1, 2]
    # The next call with the same counts finds them with the tables.
    assert sampling_tables(np.array([4, 2, 1]), 0.0, 0.75).derived("a", None) is first


def test_a_second_fit_builds_no_tables(monkeypatch):
    from sklearn_w2v import W2V
    from sklearn_w2v.training import _sampling

    clear_sampling_tables()
    built = []
    real = _sampling._build
    monkeypatch.setattr(_sampling, "_build", lambda *a: built.append(1) or real(*a))
    docs = [["a", "b", "c", "a"], ["b", "c", "d", "a"]] * 20
    models = [W2V(vector_size=4, min_count=1, epochs=1, n_jobs=1, random_state=0).fit(docs)
              for _ in range(2)]
    assert built == [1]
    clear_sampling_tables()  # a third fit builds them afresh: the same fit, bit for bit
    models.append(W2V(vector_size=4, min_count=1, epochs=1, n_jobs=1, random_state=0).fit(docs))
    assert built == [1, 1]
    for model in models[1:]:
        for name in ("context_vectors_", "idf_", "sif_component_"):
            assert getattr(model, name).tobytes() == getattr(models[0], name).tobytes()
        assert model.wv_.vectors.tobytes() == models[0].wv_.vectors.tobytes()
