import numpy as np
import pytest



def planted_corpus(n_groups=5, group_size=8, n_docs=1500, doc_len=12, seed=0):
    """Documents that each draw words from a single group: groups are the only structure."""
    rng = np.random.default_rng(seed)
    groups = [[f"g{g}w{k}" for k in range(group_size)] for g in range(n_groups)]
    docs = []
    for _ in range(n_docs):
        group = groups[rng.integers(n_groups)]
        docs.append([group[i] for i in rng.integers(group_size, size=doc_len)])
    return docs, groups


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


@pytest.fixture(scope="session")
def planted():
    return planted_corpus()
