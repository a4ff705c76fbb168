"""Topic modelling of free text with scikit-learn, as plain functions with no ORM: TF-IDF over words and word
pairs, then non-negative matrix factorisation (NMF), deterministic for a seed. Nothing is downloaded: the model is
fitted on the council's own text each time."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from sklearn.feature_extraction.text import TfidfVectorizer

# scikit-learn (with SciPy and pandas behind it) is imported when themes are made, not when Django starts: importing
# it took seconds, which every command, test run, server and worker paid because the API's URLs reach this module.

# Words every council comment uses, which tell no theme apart.
COUNCIL_WORDS = frozenset({"council", "thank", "thanks", "just", "really", "time", "did", "got", "said", "told"})
KEYWORDS = 8
SECOND_THEME_SHARE = 0.6  # a second theme is carried when it weighs at least this share of the first


@dataclass(frozen=True)
class Topics:
    """Each text's themes (indexes into `keywords`, strongest first, empty when it has none) and each theme's
    keywords, strongest first."""

    assigned: list[list[int]]
    weights: list[list[float]]
    keywords: list[list[str]]


@cache
def stop_words() -> list[str]:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return sorted(ENGLISH_STOP_WORDS | COUNCIL_WORDS)


def _vectoriser(texts: list[str]) -> TfidfVectorizer:
    from sklearn.feature_extraction.text import TfidfVectorizer

    # A word in most texts tells none apart, and one in a single text makes no theme; a handful of texts
    # cannot afford either rule.
    large = len(texts) >= 20
    return TfidfVectorizer(
        stop_words=stop_words(), ngram_range=(1, 2), min_df=2 if large else 1, max_df=0.5 if large else 1.0,
        max_features=20000, sublinear_tf=True,
    )  # fmt: skip


def find_topics(texts: list[str], *, count: int, seed: int = 0) -> Topics:
    """Group `texts` into at most `count` themes."""
    if not texts:
        return Topics([], [], [])
    vectoriser = _vectoriser(texts)
    try:
        matrix = vectoriser.fit_transform(texts)
    except ValueError:  # nothing but stop words
        return Topics([[] for _ in texts], [[] for _ in texts], [])
    count = max(1, min(count, matrix.shape[0], matrix.shape[1]))
    from sklearn.decomposition import NMF

    model = NMF(n_components=count, init="nndsvda", random_state=seed, max_iter=400)
    doc_topic = model.fit_transform(matrix)
    terms = vectoriser.get_feature_names_out()
    keywords = [[str(terms[i]) for i in np.argsort(row)[::-1][:KEYWORDS]] for row in model.components_]
    assigned: list[list[int]] = []
    weights: list[list[float]] = []
    for row in doc_topic:
        order = np.argsort(row)[::-1]
        first = float(row[order[0]])
        if first <= 0:
            assigned.append([])
            weights.append([])
            continue
        chosen = [int(order[0])]
        if len(order) > 1 and float(row[order[1]]) >= SECOND_THEME_SHARE * first:
            chosen.append(int(order[1]))
        assigned.append(chosen)
        weights.append([round(float(row[i]), 4) for i in chosen])
    return Topics(assigned, weights, keywords)


def nearest_themes(known_texts: list[str], known_themes: list[int], new_texts: list[str]) -> list[int | None]:
    """For texts arriving after the themes were made: the theme whose texts they are most like (TF-IDF centroid,
    cosine), or None when they share no word with any."""
    if not new_texts or not known_texts:
        return [None for _ in new_texts]
    vectoriser = _vectoriser(known_texts)
    matrix = vectoriser.fit_transform(known_texts)
    themes = sorted(set(known_themes))
    labels = np.array(known_themes)
    centroids = np.vstack([np.asarray(matrix[labels == theme].mean(axis=0)) for theme in themes])
    norms = np.linalg.norm(centroids, axis=1, keepdims=True)
    centroids = centroids / np.where(norms == 0, 1, norms)
    scores = vectoriser.transform(new_texts) @ centroids.T
    best = np.asarray(scores).argmax(axis=1)
    top = np.asarray(scores).max(axis=1)
    return [themes[int(b)] if t > 0 else None for b, t in zip(best, top, strict=True)]


def label_for(keywords: list[str]) -> str:
    """A first name for a theme, until staff give it a better one: its three strongest words."""
    return ", ".join(keywords[:3]) or "(no words)"
