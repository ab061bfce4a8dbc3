"""The shipped registry covers all 514 kab/kota and 38 provinces; bad registries are named."""
from __future__ import annotations

import pytest

from kpu_berita.registry import RegistryError, load_registry, select


def test_shipped_registry_counts_and_names():
    rows = load_registry()
    assert len(rows) == 552
    levels = [r["level"] for r in rows]
    assert levels.count("provinsi") == 38 and levels.count("kabupaten") + levels.count("kota") == 514
    by_id = {r["satker_id"]: r for r in rows}
    assert by_id["kab-serang"]["name"] == "KPU Kabupaten Serang"
    assert by_id["kab-serang"]["kode_wilayah"] == "36.04"
    assert by_id["kip-acehbesar"]["name"] == "KIP Kabupaten Aceh Besar"
    assert by_id["kota-palu"]["base_url"] == "https://kota-palu.kpu.go.id"
    assert by_id["bali"]["level"] == "provinsi"


def test_select_keeps_order_and_names_unknown_ids():
    rows = load_registry()
    assert [r["satker_id"] for r in select(rows, ["kota-palu", "kab-serang"])] == ["kota-palu", "kab-serang"]
    with pytest.raises(RegistryError, match="'kab-atlantis'"):
        select(rows, ["kab-atlantis"])


def test_bad_registry_is_named(tmp_path):
    path = tmp_path / "reg.csv"
    path.write_text("satker_id,name\nx,y\n")
    with pytest.raises(RegistryError, match=str(path)):
        load_registry(path)
    with pytest.raises(RegistryError, match="cannot read"):
        load_registry(tmp_path / "missing.csv")


def test_a_registry_as_excel_saves_it_is_read(tmp_path):
    # "CSV UTF-8" (a byte-order mark) read as lacking satker_id; ";" refused; both are Excel's
    header = ["satker_id", "name", "level", "province", "kode_wilayah", "base_url"]
    row = ["kab-x", "KPU Kabupaten X", "kabupaten", "Banten", "36.99", "http://127.0.0.1:8001"]
    for name, text in (("bom.csv", "\ufeff" + ",".join(header) + "\r\n" + ",".join(row) + "\r\n"),
                       ("semicolon.csv", ";".join(header) + "\n" + ";".join(row) + "\n")):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        assert [r["satker_id"] for r in load_registry(path)] == ["kab-x"], name


def test_a_short_row_is_named(tmp_path):
    path = tmp_path / "short.csv"
    path.write_text("satker_id,name,level,province,kode_wilayah,base_url\n"
                    "kab-x,KPU Kabupaten X,kabupaten,Banten,36.99,http://127.0.0.1:8001\nkab-y,KPU Y\n", encoding="utf-8")
    with pytest.raises(RegistryError, match="line 3: fewer fields than the header's 6"):
        load_registry(path)


@pytest.mark.parametrize("row, named", [
    # a space: the id names crawl locks, folders and every article key ("Kab Serang" was accepted)
    ("Kab Serang,KPU X,kabupaten,Banten,36.04,http://127.0.0.1:8001", "line 2: satker_id 'kab serang' is not a host label"),
    ("kab-x,KPU X,kabupaten, ,36.04,http://127.0.0.1:8001", "line 2: kab-x has no province"),
    # the value refused is shown: a leading space is invisible in a spreadsheet
    ("kab-x,KPU X,kabupaten,Banten,36.04, http://127.0.0.1:8001", "(has 'kab-x' and ' http://127.0.0.1:8001')"),
])
def test_a_row_the_crawl_cannot_use_is_named_with_its_value(tmp_path, row, named):
    path = tmp_path / "reg.csv"
    path.write_text("satker_id,name,level,province,kode_wilayah,base_url\n" + row + "\n", encoding="utf-8")
    with pytest.raises(RegistryError) as refused:
        load_registry(path)
    assert named in str(refused.value) and str(path) in str(refused.value)


def test_a_registry_may_name_a_sites_berita_terkini_category(tmp_path):
    path = tmp_path / "reg.csv"
    path.write_text("satker_id,name,level,province,kode_wilayah,base_url,category_id\n"
                    "kota-kupang,KPU Kota Kupang,kota,Nusa Tenggara Timur,53.71,http://127.0.0.1:8001,29\n"
                    "kab-x,KPU X,kabupaten,Banten,36.04,http://127.0.0.2:8001,\n", encoding="utf-8")
    assert [r["category_id"] for r in load_registry(path)] == [29, None]
    path.write_text("satker_id,name,level,province,kode_wilayah,base_url,category_id\n"
                    "kab-x,KPU X,kabupaten,Banten,36.04,http://127.0.0.2:8001,Berita Terkini\n", encoding="utf-8")
    with pytest.raises(RegistryError, match="line 2: category_id 'Berita Terkini' of kab-x is not a category number"):
        load_registry(path)
