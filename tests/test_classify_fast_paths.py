"""The classifier's fast paths are speed-ups only: the lower-case cue regexes find what the
case-insensitive ones find, the results made once per rule match and the batched reasons are
what the plain way gives, so the decisions on the open rows are the same either way.

Only open rows are used (never the frozen satker)."""
from __future__ import annotations

import dataclasses
import random

import numpy as np
import pytest
from scipy import sparse

from kpu_berita.pipelines.classify import Classifier, Rules
from kpu_berita.pipelines.classify.alternation import lower_safe
from kpu_berita.pipelines.classify.classifier import _term, top_terms
from kpu_berita.pipelines.classify.labelled import shipped_rows, split_frozen
from kpu_berita.pipelines.classify.rules import _search, topics


@pytest.fixture(scope="module")
def open_rows():
    return split_frozen(shipped_rows())[0]


def _texts(open_rows, n_random: int = 3000) -> list[str]:
    """Titles and leads, the same with random capitals, and words glued by odd separators."""
    rnd = random.Random(11)
    texts = [r["title"] for r in open_rows] + [f"{r['title']} {r.get('body') or ''}"[:400] for r in open_rows]
    texts += ["".join(c.upper() if rnd.random() < 0.3 else c for c in t) for t in texts]
    words = sorted({w for t in texts for w in t.split()})
    separators = [" ", "_", "-", "(", ").", ":", "", "/", "  ", "1", "\n"]
    texts += ["".join(rnd.choice(words) + rnd.choice(separators) for _ in range(rnd.randint(1, 12)))
              for _ in range(n_random)]
    return texts


def _same_matches(rules: Rules, texts: list[str]) -> None:
    assert rules.lower is not None
    for text in texts:
        for pattern, lower in ((rules.settled, rules.lower.settled), (rules.cues, rules.lower.cues)):
            m = pattern.search(text)
            assert _search(pattern, lower, text) == ((m.lastgroup, m.group(0)) if m else None), text
        if rules.topics is not None:
            assert ([(m.start(), m.lastgroup) for m in rules.topics.finditer(text)]
                    == [(m.start(), m.lastgroup) for m in rules.lower.topics.finditer(text.lower())]), text
            # topics by word (TopicWords, the path for ASCII text) tag what the regex tags, also
            # where odd separators ("_", digits, none) glue the words
            found = {rules.topic_groups[m.lastgroup] for m in rules.topics.finditer(text)}
            assert topics(rules, text) == [t for t in rules.topic_names if t in found], text


def test_lower_case_cues_find_what_case_insensitive_cues_find(open_rows):
    _same_matches(Rules.load(), _texts(open_rows))


def test_lower_case_cues_keep_the_order_of_cues_that_cannot_be_split(tmp_path):
    """Cues with quantifiers, optional groups, shared prefixes, and cues that can start anywhere."""
    rules_file = tmp_path / "rules.yaml"
    rules_file.write_text(r"""
settled:
  - {category: rapat, pattern: "(rapat\\s+)?pleno|(?:raker|rakor)\\s+kpu"}
  - {category: ucapan, pattern: "sela+mat|ucapan(\\s+selamat)?"}
categories:
  rapat: [rapat, "rapat\\s+pleno", "r[a-z]+t", "(\\w+\\s+)?koordinasi", "\\d+\\s+rapat"]
  sosialisasi: ["sosialisasi(kan)?", "so+s", "pemilih\\s+pemula", pemilih]
  bimtek: ["bim(bingan)?tek", "a?bc", "(x|y)?z"]
topics:
  data: ["dpt", "daftar\\s+pemilih", "pemilih"]
""", encoding="utf-8")
    rules = Rules.load(rules_file)
    words = ["rapat", "pleno", "raker", "rakor", "kpu", "selamat", "selaamat", "ucapan", "rapat", "riset",
             "koordinasi", "12", "sosialisasikan", "sooos", "pemilih", "pemula", "bimbingantek", "bimtek",
             "abc", "bc", "xz", "z", "dpt", "daftar", "Rapat", "PLENO", "x"]
    rnd = random.Random(5)
    texts = [" ".join(rnd.choice(words) for _ in range(rnd.randint(1, 8))) for _ in range(3000)]
    _same_matches(rules, texts)


@pytest.mark.parametrize("pattern", [r"[A-Z]+pat", r"r\x61pat", r"(?-i:rapat)", "rapät"])
def test_no_lower_case_cues_where_they_could_find_otherwise(tmp_path, pattern):
    assert not lower_safe([pattern]) and not lower_safe([r"(ra)\1pat"])  # back-references too
    rules_file = tmp_path / "rules.yaml"
    rules_file.write_text(f"categories:\n  rapat: ['{pattern}', rapat]\n", encoding="utf-8")
    rules = Rules.load(rules_file)
    assert rules.lower is None
    assert rules.first_rule("Rapat Pleno").category == "rapat"


def _top_terms_row_by_row(matrix, weights, class_index, names, k):
    """top_terms as it was: each row's contributions sorted on their own."""
    rows = np.repeat(np.arange(matrix.shape[0]), np.diff(matrix.indptr))
    contribution = matrix.data * weights[class_index[rows], matrix.indices]
    readable = names[matrix.indices] != None  # noqa: E711
    contribution = np.where(readable & (contribution > 0), contribution, 0.0)
    out = []
    for start, end in zip(matrix.indptr[:-1], matrix.indptr[1:]):
        segment = contribution[start:end]
        best = np.argsort(segment)[::-1][:k]
        out.append([_term(names[matrix.indices[start + i]]) for i in best if segment[i] > 0])
    return out


def test_top_terms_equal_sorting_each_row_even_with_ties():
    rng = np.random.default_rng(3)
    n_rows, n_features = 400, 60
    # few distinct values and weights: many equal contributions
    matrix = sparse.random(n_rows, n_features, density=0.4, format="csr", random_state=4,
                           data_rvs=lambda n: rng.choice([0.25, 0.5, 1.0], n))
    weights = rng.choice([-1.0, 0.0, 0.5, 1.0, 2.0], size=(11, n_features))
    names = np.array([None if j % 7 == 0 else f"title:w{j}" for j in range(n_features)], dtype=object)
    class_index = rng.integers(0, 11, n_rows)
    for k in (1, 3, 5):
        assert (top_terms(matrix, weights, class_index, names, k)
                == _top_terms_row_by_row(matrix, weights, class_index, names, k))


def test_fast_paths_decide_the_open_rows_as_the_plain_way(open_rows):
    """Same results with the lower-case regexes off (a rules file they can't serve), twice in a
    row (results made once per rule match), and one by one."""
    fast = Classifier.default()
    plain = Classifier(dataclasses.replace(fast.rules, lower=None, _hits=None), fast.model)
    titles, bodies = [r["title"] for r in open_rows], [r.get("body") for r in open_rows]
    first = fast.classify_many(titles, bodies)
    assert first == fast.classify_many(titles, bodies) == plain.classify_many(titles, bodies)
    assert first[:40] == [plain.classify(t, b) for t, b in zip(titles[:40], bodies[:40])]
