"""Body cleaning, credit tails, title normalisation and repost detection on real text shapes."""
from __future__ import annotations

import random

import pytest

from kpu_berita.pipelines.clean import clean_body, collapse_spaces, detect_repost, normalise_title
from tests.conftest import saved_page
from kpu_berita.spiders.extract import extract_article


def test_seed_004_article_loses_chrome_and_keeps_admin_as_credit():
    response = saved_page("article_blog_kota-malang.html")
    cleaned = clean_body(extract_article(response.text, response.url).body)
    assert cleaned.credit == "ADMIN"
    assert cleaned.text.startswith("Pada Rabu (15/09/21)") and cleaned.text.endswith("baik dan beradab.")


def test_share_block_views_baca_juga_caption_and_bracketed_credit():
    body = ("Palu – KPU Kota Palu menggelar sosialisasi.\n\nBaca Juga: KPU Kota Palu Tetapkan Rekapitulasi\n\n"
            "dok. foto Humas KPU Kota Palu\n\nBagikan:\nfacebook twitter whatapps\nTelah dilihat 164 kali\n\n"
            "Kegiatan berjalan lancar. [Humas KPU Kota Palu, cml/ft andika/ed rudy]")
    cleaned = clean_body(body)
    assert cleaned.text == "Palu – KPU Kota Palu menggelar sosialisasi.\n\nKegiatan berjalan lancar."
    assert cleaned.credit == "Humas KPU Kota Palu, cml/ft andika/ed rudy"


@pytest.mark.parametrize("tail, credit", [
    ("(ADMIN)", "ADMIN"), ("(Liv)", "Liv"), ("(eko)", "eko"), ("(TIM)", "TIM"), ("(WA)", "WA"), ("(HY)", "HY"),
    ("(RM.dkk)", "RM.dkk"), ("(sof/ed. Foto: ybc/KPU Kota Semarang)", "sof/ed. Foto: ybc/KPU Kota Semarang"),
    ("(***vit/kpuklt)", "***vit/kpuklt"), ("(Tim Hupmas KPU Kabupaten Serang)", "Tim Hupmas KPU Kabupaten Serang"),
])
def test_real_credit_tails(tail, credit):
    cleaned = clean_body(f"KPU menggelar rapat pleno. {tail}")
    assert cleaned.credit == credit and cleaned.text == "KPU menggelar rapat pleno."


def test_an_acronym_the_body_defined_is_not_a_credit():
    body = "Rapat membahas Daftar Pemilih Berkelanjutan (DPB). Hasilnya ditetapkan sebagai (DPB)"
    assert clean_body(body).credit is None


def test_normalised_titles_match_across_quotes_case_and_punctuation():
    assert normalise_title("“Sangat Baik” – KPU, Café!") == normalise_title('"sangat baik" - kpu cafe')


@pytest.mark.parametrize("satker, host, title, body, expected", [
    ("KPU Kota Pontianak", "kota-pontianak.kpu.go.id", "KPU RI Gelar Rakor",
     "Jakarta, kpu.go.id – KPU RI menggelar rapat koordinasi nasional", "kpu_ri"),
    ("KPU Kabupaten Sumenep", "kab-sumenep.kpu.go.id", "Komisioner KPU RI Kenalkan Pemilu 2024",
     "Malang, jatim.kpu.go.id - Anggota KPU RI hadir di UIN Malang", "provinsi"),
    ("KPU Kabupaten Ketapang", "kab-ketapang.kpu.go.id", "Konsultasi Pengaturan Sengketa Pilkada, KPU RI Kunjungi MA",
     "Jakarta - Komisi Pemilihan Umum (KPU) RI kunjungi pimpinan Mahkamah Agung", "kpu_ri"),
    ("KPU Kota Palu", "kota-palu.kpu.go.id", "KPU Kota Palu Gelar Sosialisasi",
     "Palu, kota-palu.kpu.go.id – KPU Kota Palu menggelar sosialisasi", None),
    ("KPU Kabupaten Serang", "kab-serang.kpu.go.id", "KPU Kabupaten Serang Mengikuti Bimbingan Teknis Oleh KPU RI",
     "Serang (9/9) - KPU Kabupaten Serang mengikuti bimtek yang digelar KPU RI", None),
])
def test_repost_detection(satker, host, title, body, expected):
    assert detect_repost(title=title, body=body, satker_name=satker, satker_host=host) == expected


def test_collapse_spaces_as_split_and_join_on_every_kind_of_whitespace():
    """The fast path (text already collapsed) must agree with " ".join(text.split()) for every
    character str.split() splits on, control and format characters, and combining marks."""
    whitespace = [" ", "  ", "\t", "\r", "\x0b", "\x0c", "\x1c", "\x1f", "\x85", "\xa0", "\u1680", "\u2000", "\u2009",
                  "\u200a", "\u2028", "\u2029", "\u202f", "\u205f", "\u3000", "\u200b", "\ufeff"]
    pieces = whitespace + ["a", "KPU", "é", "(1/2)", "—", "\u0301", "😀"]
    rng = random.Random(3)
    for _ in range(50_000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 10)))
        assert collapse_spaces(text) == " ".join(text.split()), repr(text)
