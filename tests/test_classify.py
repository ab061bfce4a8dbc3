"""The classifier follows taxonomy.md's tie-breaking, its grouped-CV quality can't weaken by
accident, and its features, confidence and needs_review flag behave as documented.

Quality is measured by cross-validation grouped by satker on the open part of the labelled
data only: the frozen part (kpu_berita/data/frozen_hosts.txt) is for `kpu-berita eval`."""
from __future__ import annotations

import pytest

from kpu_berita.pipelines.classify import (CATEGORY_LABELS, Classifier, Rules, RulesError, evaluate_grouped_cv,
                                           grouped_folds)
from kpu_berita.pipelines.classify.labelled import shipped_rows, split_frozen
from kpu_berita.registry import default_registry_path

DATA = default_registry_path().parent
# Measured 2026-12-01 on the open part (305 rows of 57 satker, 5 folds grouped by satker; the
# rules were written reading these titles): macro-F1 0.749, accuracy 0.833. Before issue 11 the
# floors were 0.85 / 0.89 on rows that now include frozen satker; the frozen part is scored by
# `kpu-berita eval`. A change that drops below these floors is a regression, not noise.
MACRO_F1_FLOOR = 0.70
ACCURACY_FLOOR = 0.79


def labelled_rows() -> list[dict]:
    """The open part of the three labelled files (never the frozen satker)."""
    return split_frozen(shipped_rows())[0]


@pytest.fixture(scope="module")
def classifier():
    return Classifier.default()


@pytest.mark.parametrize("title, expected", [
    # taxonomy.md tie-breaking examples
    ("Rapat Pleno Terbuka Rekapitulasi DPB", "rapat"),
    ("Sosialisasi dan Bimbingan Teknis E-Kontrak", "sosialisasi"),
    ("Ucapan Selamat atas Pelantikan Sekretaris", "ucapan"),
    ("Soft Launching dan Webinar DP3", "seremoni"),
    # settled borderline cases
    ("KPU Kota Yogyakarta Jemput Bola Coktas Data Pemilih", "tahapan"),
    ("Kajian Rutin Kamis Sesuatu Seri ke XII", "diskusi"),
    ("I Love Monday Seri 20: Mekanisme PAW", "bimtek"),
    ("KPU Temanggung Fasilitasi Pilketos SMP 2", "sosialisasi"),
    ("Takziah ke Kediaman Almarhum Anggota PPK", "ucapan"),
    ("Bimtek Penggunaan Sirekap bagi PPK", "bimtek"),
    ("Audiensi dengan Ketua DPRD Kabupaten Serang", "audiensi"),
    ("Pengumuman Hasil Seleksi Calon Anggota PPS", "pengumuman"),
    ("Webinar Digitalisasi Pemilu", "diskusi"),
    ("Pelantikan PPK Se-Kabupaten Bantul", "seremoni"),
    ("Senam Sehat Bersama Pegawai", "lainnya"),
])
def test_taxonomy_rules(classifier, title, expected):
    assert classifier.classify(title).category == expected


def test_body_decides_when_the_title_names_no_activity(classifier):
    result = classifier.classify("Menjelang Pemilu 2024, Bakohumas Kunci Tangkal Hoaks dan Disinformasi",
                                 "KPU Kabupaten Serang melakukan koordinasi dan audiensi dengan Bawaslu Kabupaten "
                                 "Serang, diterima langsung oleh Ketua Bawaslu.")
    assert result.category == "audiensi"
    assert not result.reason.startswith("rule:title")


def test_every_code_is_a_taxonomy_code_and_results_have_reasons(classifier):
    rows = labelled_rows()
    results = classifier.classify_many([r["title"] for r in rows], [r.get("body") for r in rows])
    assert {r.category for r in results} <= set(CATEGORY_LABELS)
    assert len({r.category for r in results}) == len(CATEGORY_LABELS)  # not a constant
    assert all(r.reason and 0 < r.confidence <= 1 for r in results)


def test_classify_many_equals_classify_row_by_row(classifier):
    rows = labelled_rows()[:40]
    bulk = classifier.classify_many([r["title"] for r in rows], [r.get("body") for r in rows])
    assert bulk == [classifier.classify(r["title"], r.get("body")) for r in rows]


def test_malformed_rules_file_names_the_file(tmp_path):
    bad = tmp_path / "rules.yaml"
    bad.write_text("categories:\n  rapat: [\"(unclosed\"]\n")
    with pytest.raises(RulesError, match=str(bad)):
        Rules.load(bad)
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text("categories:\n  opini:\n    - oleh\\s*:\n")  # unquoted colon: YAML reads a mapping
    with pytest.raises(RulesError, match="not a string"):
        Rules.load(mapping)
    unknown = tmp_path / "unknown.yaml"
    unknown.write_text("categories:\n  rapatt: [rapat]\n")
    with pytest.raises(RulesError, match="rapatt"):
        Rules.load(unknown)


def test_first_letter_dispatch_finds_the_same_cue_as_a_plain_alternation():
    """The dispatch in alternation() is a speed-up only: same first cue, same category."""
    import re

    import yaml

    spec = yaml.safe_load((DATA / "category_rules.yaml").read_text(encoding="utf-8"))
    pairs = [(c, p) for c, ps in spec["categories"].items() for p in ps]
    ordered = sorted(pairs, key=lambda cp: -len(cp[1]))
    plain = [re.compile(rf"\b(?:{p})\b", re.I) for _, p in ordered]
    rules = Rules.load()
    for row in labelled_rows():
        text = f"{row['title']} {row.get('body') or ''}"[:600]
        hits = [(m.start(), k) for k, pattern in enumerate(plain) if (m := pattern.search(text))]
        expected = ordered[min(hits)[1]][0] if hits else None
        found = rules.first_cue(text)
        assert (found[0] if found else None) == expected, text


def test_topics_are_found_even_where_cues_overlap(classifier):
    assert classifier.topics("Sosialisasi Data Pemilih Pemula") == ["data_pemilih", "partisipasi"]


def test_topics_by_word_are_the_cues_found_one_by_one():
    # the fast path for ASCII text (TopicWords) against each cue searched on its own, case-blind
    import re

    import yaml

    from kpu_berita.pipelines.classify.rules import topics

    spec = yaml.safe_load((DATA / "category_rules.yaml").read_text(encoding="utf-8"))
    cues = [(t, re.compile(rf"\b(?:{p})\b", re.I)) for t, ps in spec["topics"].items() for p in ps]
    rules = Rules.load()
    assert rules.topic_words is not None
    texts = [f"{row['title']} {row.get('body') or ''}" for row in labelled_rows()] + [
        "Rapat Badan Ad Hoc dan badan adhoc", "pemutakhiran-data pemilih, (DPT)", "data  pemilih", "datapemilih",
        "Informasi Publik: PPID_KPU", "desa peduli pemilu dp3", "produk hukum/JDIH", "media sosial"]
    for text in texts:
        expected = [t for t in rules.topic_names if any(t == topic and c.search(text) for topic, c in cues)]
        assert topics(rules, text) == expected, text


def test_grouped_folds_never_share_a_satker():
    rows = labelled_rows()
    for train, test in grouped_folds(rows, 5):
        assert not {rows[i]["satker"] for i in train} & {rows[i]["satker"] for i in test}


def test_grouped_cv_quality_floor():
    report = evaluate_grouped_cv(labelled_rows())
    assert report.macro_f1 >= MACRO_F1_FLOOR, report.format()
    assert report.accuracy >= ACCURACY_FLOOR, report.format()
