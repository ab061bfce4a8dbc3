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
