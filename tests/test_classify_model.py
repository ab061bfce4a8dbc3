"""The classifier's parts on their own: the frozen split, features that equal sklearn's,
rules demoted to features, the calibrated needs_review flag and the runner-up code."""
from __future__ import annotations

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from kpu_berita.pipelines.classify import Classifier, Rules, RulesError
from kpu_berita.pipelines.classify.features import ArticleFeatures, _char_terms, lead, prepare, stem
from kpu_berita.pipelines.classify.labelled import (CATEGORY_LABELS, choose_frozen_hosts, frozen_hosts,
                                                    shipped_rows, split_frozen)
from kpu_berita.pipelines.classify.model import (MAX_FLAGGED, TARGET_KEPT_ACCURACY, Decision, calibration_features,
                                                 choose_threshold, cue_agrees)


@pytest.fixture(scope="module")
def classifier():
    return Classifier.default()


def test_frozen_split_is_the_seeded_quarter_written_down():
    rows = shipped_rows()
    hosts = {r["satker"] for r in rows}
    chosen = choose_frozen_hosts(hosts)
    assert set(chosen) == frozen_hosts()  # the file is what the salted hash picks
    assert choose_frozen_hosts(set(sorted(hosts, reverse=True))) == chosen  # input order doesn't matter
    assert len(chosen) == round(len(hosts) / 4)
    open_rows, frozen_rows = split_frozen(rows)
    assert len(open_rows) + len(frozen_rows) == len(rows) and frozen_rows
    assert not {r["satker"] for r in open_rows} & frozen_hosts()


def test_shipped_model_never_trains_on_frozen_rows(classifier):
    assert classifier.model.trained_on["rows"] == len(split_frozen(shipped_rows())[0])


def test_char_ngrams_are_sklearns_char_wb():
    title = "KPU Kabupaten Serang Gelar Rapat Pleno  Terbuka DPB, 2021"
    expected = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5)).build_analyzer()(title)
    assert sorted(_char_terms(prepare(Rules.load(), title, None))) == sorted(expected)


def test_feature_lookup_equals_sklearn_transform():
    rows = shipped_rows()[:120]
    articles = [(r["title"], r.get("body")) for r in rows]
    features = ArticleFeatures(Rules.load()).fit(articles)
    prepared = features.prepare(articles)
    for block in features.blocks_:
        fast = block.transform(prepared).toarray() / block.weight
        reference = block.vectorizer.transform(prepared).toarray()
        np.testing.assert_allclose(fast, reference, atol=1e-12, err_msg=block.name)


def test_stems_and_lead_sentence():
    assert stem("pelantikan") == stem("dilantik") == "lantik"
    body = "Serang (26/1) - KPU Kabupaten Serang mengadakan Webinar Nasional bersama mahasiswa. Kegiatan lain menyusul."
    assert lead(body).endswith("mahasiswa.")


def test_root_cues_count_any_form_of_a_cue_word():
    rules = Rules.load()
    roots = rules.root_cues(stem)
    assert roots["kunjung"] == "audiensi" and roots["lantik"] == "seremoni"
    assert "kenal" not in roots  # perkenalan (seremoni), kenali (pengumuman), mengenal (opini): names none
    assert all(len(root) >= 4 for root in roots)
    article = prepare(rules, "Jajaran Bawaslu Dikunjungi", "Serang (2/2) - Ketua KPU menerima kunjungan Bawaslu.")
    assert "root_audiensi" in article.cues


def test_calibrator_reads_whether_any_cue_names_the_chosen_code():
    p = np.full(len(CATEGORY_LABELS), 0.05)
    agreeing = Decision("audiensi", "model", p, None, ("lead_audiensi", "act_menerima"))
    other = Decision("audiensi", "model", p, None, ("lead_rapat", "act_audiensi"))  # act_<word> is a word, not a cue
    assert cue_agrees(agreeing) and not cue_agrees(other)
    assert calibration_features([agreeing, other])[:, 2].tolist() == [1.0, 0.0]
    # a model saved before reads the column as it was fitted: the title's feature-only rule only
    assert calibration_features([agreeing], "feature_rule")[:, 2].tolist() == [0.0]


def test_a_feature_only_rule_does_not_override(tmp_path):
    rules_file = tmp_path / "rules.yaml"
    rules_file.write_text("feature_only: [informasi]\ncategories:\n  pengumuman: [informasi, pengumuman]\n"
                          "  sosialisasi: [sosialisasi]\n", encoding="utf-8")
    rules = Rules.load(rules_file)
    assert rules.first_rule("Informasi Sosialisasi").overrides is False
    assert rules.first_rule("Pengumuman Hasil").overrides is True
    rules_file.write_text("feature_only: [nowhere]\ncategories:\n  pengumuman: [pengumuman]\n", encoding="utf-8")
    with pytest.raises(RulesError, match="nowhere"):
        Rules.load(rules_file)


def test_needs_review_is_exactly_confidence_below_the_threshold(classifier):
    rows = shipped_rows()
    results = classifier.classify_many([r["title"] for r in rows], [r.get("body") for r in rows])
    threshold = classifier.model.threshold
    assert 0 < threshold < 1
    assert all(r.needs_review == (r.confidence < threshold) for r in results)
    assert any(r.needs_review for r in results) and not all(r.needs_review for r in results)


def test_every_result_names_two_different_candidates_with_reasons(classifier):
    rows = shipped_rows()[:60]
    results = classifier.classify_many([r["title"] for r in rows], [r.get("body") for r in rows])
    for r in results:
        assert r.second_category in CATEGORY_LABELS and r.second_category != r.category
        assert r.reason and 0 <= r.second_confidence <= 1 - r.confidence + 1e-9
        assert r.model_version == classifier.version
    flagged = [r for r in results if r.needs_review]
    assert all(r.second_reason for r in flagged)


def test_threshold_keeps_the_flagged_share_at_most_the_cap():
    rng = np.random.default_rng(0)
    confidence = rng.uniform(0, 1, 1000)
    correct = rng.uniform(0, 1, 1000) < confidence  # calibrated: right as often as it says
    t = choose_threshold(confidence, correct)
    kept = confidence >= t
    assert (~kept).mean() <= MAX_FLAGGED + 0.005
    assert correct[kept].mean() > correct.mean()
    easy = np.r_[np.full(90, 0.99), np.full(10, 0.2)]  # a threshold between the two groups suffices
    t = choose_threshold(easy, easy > 0.5)
    assert 0.2 < t <= 0.99 and TARGET_KEPT_ACCURACY <= 1.0


def test_low_confidence_model_guess_is_never_lainnya_by_default(classifier):
    result = classifier.classify("Zzz qqq", None)
    assert result.category != "lainnya"
