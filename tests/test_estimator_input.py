"""``X`` checked at the door: what ``fit``, ``partial_fit`` and ``transform`` accept and refuse.

A wrong ``X`` is refused by the method itself, in one line naming what was given and what is
accepted, before any stage runs; everything documented as accepted keeps working.
"""

import gzip
import pathlib
import traceback

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sklearn_w2v.estimator._estimator as estimator_module
import sklearn_w2v.estimator._stages as stages_module
from sklearn_w2v import W2V, LineCorpus

FAST = dict(vector_size=8, min_count=1, epochs=2, n_jobs=1, random_state=0)
DOCS = ["the cat sat on the mat", "the dog sat on the log", "a cat and a dog"]


def consumed(iterator):
    for _ in iterator:
        pass
    return iterator


def exhausted_generator():
    return consumed(d for d in DOCS)


#: (what, make X, the error, words of the message besides the method's name)
REFUSED = [
    ("None", lambda: None, TypeError, ["got None", "iterable of documents"]),
    ("a bare string", lambda: "the cat sat", TypeError, ["single str", "[text]"]),
    ("a path string is a string", lambda: "corpus.txt", TypeError, ["LineCorpus(path)"]),
    ("a Path", lambda: pathlib.Path("corpus.txt"), TypeError, ["Path", "LineCorpus(path)"]),
    ("bytes", lambda: b"the cat sat", TypeError, ["single bytes"]),
    ("an int", lambda: 3, TypeError, ["got an int", "not iterable"]),
    ("a float", lambda: 2.5, TypeError, ["got a float"]),
    ("a dict", lambda: {"the cat": 1, "a dog": 2}, TypeError, ["got a dict", "keys"]),
    ("a 2-D numeric array", lambda: np.zeros((2, 3)), TypeError, ["shape (2, 3)", "1-D"]),
    ("a 2-D array of strings", lambda: np.array([DOCS]), TypeError, ["shape (1, 3)", "1-D"]),
    ("a 1-D numeric array", lambda: np.arange(3), TypeError, ["int64 numbers"]),
    ("an exhausted generator", exhausted_generator, ValueError,
     ["generator", "no documents left", "read only once"]),
    ("an exhausted list iterator", lambda: consumed(iter(DOCS)), ValueError,
     ["list_iterator", "no documents left"]),
    ("a list of numbers", lambda: [1, 2, 3], TypeError, ["Document 0 is an int"]),
    ("a list of id lists", lambda: [[1, 2], [3]], TypeError, ["token of type int"]),
]


@pytest.fixture(scope="module")
def fitted():
    return W2V(**FAST).fit(DOCS)


@pytest.fixture
def no_stage_runs(monkeypatch):
    """Fail the test if a stage starts or a document is encoded: the door comes first."""

    def fail(*args, **kwargs):
        raise AssertionError("a stage ran before X was checked")

    monkeypatch.setattr(estimator_module, "fit_stages", fail)
    monkeypatch.setattr(stages_module, "training_setup", fail)
    monkeypatch.setattr(estimator_module, "encode", fail)


@pytest.mark.parametrize("method", ["fit", "partial_fit", "fit_transform", "transform",
                                    "partial_fit of a fitted model"])
@pytest.mark.parametrize("what,make,error,words", REFUSED, ids=[r[0] for r in REFUSED])
def test_refused_at_the_door_in_one_line(what, make, error, words, method, fitted, no_stage_runs):
    model = W2V(**FAST)
    if method in ("transform", "partial_fit of a fitted model"):
        model = fitted
    name = method.split()[0]
    with pytest.raises(error) as caught:
        getattr(model, name)(make())
    message = str(caught.value)
    assert "\n" not in message
    assert all(word in message for word in words), message
    if "Document 0" not in message and "token" not in message:
        assert message.startswith(f"W2V.{name}: "), message
    # Raised by the method's own check, a few frames below it, not from the corpus code.
    frames = traceback.extract_tb(caught.value.__traceback__)
    assert len(frames) <= 5, [f.name for f in frames]
    assert not any("corpus" in f.filename or "_stages" in f.filename for f in frames)


def test_a_refused_input_leaves_the_fitted_model_as_it_was(fitted):
    vectors = fitted.wv_.vectors.copy()
    for X in (None, "text", {"a": 1}, exhausted_generator()):
        with pytest.raises((TypeError, ValueError)):
            fitted.partial_fit(X)
        with pytest.raises((TypeError, ValueError)):
            fitted.fit(X)
    np.testing.assert_array_equal(fitted.wv_.vectors, vectors)


def test_the_door_comes_before_the_pretrained_file_is_read():
    # The file does not exist: a door after the pretrained stage would say so instead.
    with pytest.raises(TypeError, match="got None"):
        W2V(**FAST, init_vectors="no-such-vectors.bin").fit(None)


def test_empty_input():
    with pytest.raises(ValueError, match=r"^W2V.fit: X contains no documents"):
        W2V(**FAST).fit([])
    with pytest.raises(ValueError, match="no documents"):
        W2V(**FAST).partial_fit(np.array([], dtype=str))
    assert W2V(**FAST).fit(DOCS).transform([]).shape == (0, 8)  # no documents: no rows


def test_an_iterator_that_yields_nothing_says_so(fitted):
    # A map object cannot tell that it is empty without being read: it is watched as it is.
    for method, model in (("fit", W2V(**FAST)), ("transform", fitted)):
        with pytest.raises(ValueError, match=rf"^W2V.{method}: X is an iterator \(map\) that "
                                             "yielded no documents"):
            getattr(model, method)(consumed(map(str, DOCS)))


def test_an_iterable_that_can_be_read_only_once_fails_fit_transform():
    class Once:
        """Looks re-iterable, but every iteration continues one iterator."""

        def __init__(self, docs):
            self.documents = iter(docs)

        def __iter__(self):
            return self.documents

    with pytest.raises(ValueError, match="no documents the second time"):
        W2V(**FAST).fit_transform(Once(DOCS))


def test_nothing_is_read_beyond_the_first_document_of_a_list(no_stage_runs):
    pulled = []

    class Recording(list):
        def __iter__(self):
            for document in super().__iter__():
                pulled.append(document)
                yield document

    with pytest.raises(AssertionError, match="a stage ran"):  # accepted: the stages start
        W2V(**FAST).fit(Recording(DOCS))
    assert pulled == DOCS[:1]


def test_a_corpus_is_not_iterated_at_the_door(no_stage_runs, fitted):
    # A re-iterable corpus's __iter__ may open files: the door looks at its type only.
    class Corpus:
        iterations = 0

        def __iter__(self):
            Corpus.iterations += 1
            return iter(DOCS)

    with pytest.raises(AssertionError, match="a stage ran"):
        W2V(**FAST).fit(Corpus())
    with pytest.raises(AssertionError, match="a stage ran"):
        fitted.transform(Corpus())
    assert Corpus.iterations == 0


def accepted_inputs(tmp_path):
    pd = pytest.importorskip("pandas")
    plain = tmp_path / "docs.txt"
    plain.write_text("".join(d + "\n" for d in DOCS))
    packed = tmp_path / "docs.txt.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes()))

    class Corpus:
        """A user's re-iterable corpus."""

        def __iter__(self):
            return iter(DOCS)

    tokens = [d.split() for d in DOCS]
    return {
        "list of str": DOCS,
        "tuple of str": tuple(DOCS),
        "list of token lists": tokens,
        "list of token tuples": [tuple(t) for t in tokens],
        "array of str": np.array(DOCS),
        "object array of str": np.array(DOCS, dtype=object),
        "Series": pd.Series(DOCS),
        "Series of string dtype": pd.Series(DOCS, dtype="string"),
        "generator": (d for d in DOCS),
        "map": map(str.lower, DOCS),
        "list iterator": iter(DOCS),
        "re-iterable": Corpus(),
        "LineCorpus": LineCorpus(plain),
        "LineCorpus .gz": LineCorpus([packed]),
    }


def test_every_documented_input_still_works(tmp_path):
    expected = W2V(**FAST).fit(DOCS)
    for name, X in accepted_inputs(tmp_path).items():
        model = W2V(**FAST).fit(X)
        np.testing.assert_array_equal(model.wv_.vectors, expected.wv_.vectors, err_msg=name)
    for name, X in accepted_inputs(tmp_path).items():
        np.testing.assert_array_equal(expected.transform(X), expected.transform(DOCS),
                                      err_msg=name)
    for name, X in accepted_inputs(tmp_path).items():
        np.testing.assert_array_equal(W2V(**FAST).fit_transform(X), expected.transform(DOCS),
                                      err_msg=name)
    for name, X in accepted_inputs(tmp_path).items():
        model = W2V(**FAST).partial_fit(DOCS).partial_fit(X)
        assert model.training_stats_["n_documents"] == len(DOCS), name


# ------------------------------------------------------------- any value at all

#: Python values of every shape: what a confused caller might pass as X.
scalars = (st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8)
           | st.binary(max_size=4))
values = st.recursive(
    scalars,
    lambda children: (st.lists(children, max_size=4) | st.tuples(children, children)
                      | st.dictionaries(st.text(max_size=4), children, max_size=3)
                      | st.lists(st.text(max_size=12), max_size=4)
                      | st.lists(st.lists(st.text(max_size=5), max_size=4), max_size=4)),
    max_leaves=10,
)


def refused_or_done(call):
    """Run ``call``; a result, or a one-line TypeError/ValueError: anything else fails."""
    try:
        return call()
    except (TypeError, ValueError) as exc:
        assert str(exc) and "\n" not in str(exc), repr(exc)
        return None


TINY = dict(vector_size=4, min_count=1, epochs=1, n_jobs=1, random_state=0)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(X=values)
def test_fit_takes_any_value_and_answers_or_refuses(X):
    model = refused_or_done(lambda: W2V(**TINY).fit(X))
    if model is not None:
        assert model.wv_.vectors.shape[1] == 4 and np.isfinite(model.wv_.vectors).all()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(X=values)
def test_transform_takes_any_value_and_answers_or_refuses(X, fitted):
    out = refused_or_done(lambda: fitted.transform(X))
    if out is not None:
        assert out.ndim == 2 and out.shape[1] == 8 and np.isfinite(out).all()
