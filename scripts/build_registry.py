"""Build kpu_berita/data/satker.csv (all 514 kab/kota and 38 provinces) from the
Kemendagri 2025 lists in ../shared/data.

Run once when the Kemendagri list changes; the project ships the output and never needs
../shared at run time:

    python scripts/build_registry.py ../shared/data kpu_berita/data/satker.csv
"""
from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

# Hosts seen on the real network (kpu_sites.md sections 1 and 10). Every other host is
# derived by the naming rule and marked host_observed=false until someone confirms it.
OBSERVED_HOSTS = {
    "bali", "banten", "kalteng", "ntt", "papuapegunungan", "sumbar", "jatim",
    "kab-bandung", "kab-bangli", "kab-bantul", "kab-belu", "kab-garut", "kab-jayawijaya",
    "kab-jepara", "kab-karanganyar", "kab-kayongutara", "kab-kebumen", "kab-kendal",
    "kab-ketapang", "kab-klaten", "kab-konaweutara", "kab-mojokerto", "kab-nduga", "kab-ngawi",
    "kab-pegununganbintang", "kab-sintang", "kab-sleman", "kab-sukoharjo", "kab-sumenep",
    "kab-timortengahselatan", "kab-yahukimo", "kab-yalimo", "kip-acehbesar", "kota-bogor",
    "kota-kupang", "kota-makassar", "kota-malang", "kota-palu", "kota-pontianak",
    "kota-semarang", "kota-serang", "kota-surabaya", "kab-serang", "kab-sekadau", "kab-bogor",
    "kip-naganraya",
}

# Province hosts: the usual KPU abbreviation. Only those in OBSERVED_HOSTS are confirmed.
PROVINCE_HOSTS = {
    "11": "aceh", "12": "sumut", "13": "sumbar", "14": "riau", "15": "jambi", "16": "sumsel",
    "17": "bengkulu", "18": "lampung", "19": "babel", "21": "kepri", "31": "jakarta",
    "32": "jabar", "33": "jateng", "34": "diy", "35": "jatim", "36": "banten", "51": "bali",
    "52": "ntb", "53": "ntt", "61": "kalbar", "62": "kalteng", "63": "kalsel", "64": "kaltim",
    "65": "kaltara", "71": "sulut", "72": "sulteng", "73": "sulsel", "74": "sultra",
    "75": "gorontalo", "76": "sulbar", "81": "maluku", "82": "malut", "91": "papua",
    "92": "papuabarat", "93": "papuaselatan", "94": "papuatengah", "95": "papuapegunungan",
    "96": "papuabaratdaya",
}
ACEH = "11"


def host_label(jenis: str, nama_pendek: str, kode_provinsi: str) -> str:
    name = re.sub(r"[^a-z0-9]", "", nama_pendek.lower())
    if kode_provinsi == ACEH:
        prefix = "kip"  # Aceh's commissions are KIP (Komisi Independen Pemilihan)
    elif jenis.startswith("kota"):
        prefix = "kota"
    else:
        prefix = "kab"
    return f"{prefix}-{name}"


def commission(kode_provinsi: str) -> str:
    return "KIP" if kode_provinsi == ACEH else "KPU"


def build(shared_data: Path) -> list[dict]:
    rows = []
    with open(shared_data / "provinsi_kemendagri_2025.csv", newline="", encoding="utf-8") as f:
        provinces = {r["kode"]: r["nama"] for r in csv.DictReader(f)}
    for kode, nama in provinces.items():
        satker_id = PROVINCE_HOSTS[kode]
        name = "KIP Aceh" if kode == ACEH else f"KPU Provinsi {nama}"
        rows.append(_row(satker_id, name, "provinsi", nama, kode))
    with open(shared_data / "kabupaten_kota_kemendagri_2025.csv", newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            satker_id = host_label(r["jenis"], r["nama_pendek"], r["kode_provinsi"])
            level = "kota" if r["jenis"].startswith("kota") else "kabupaten"
            name = f"{commission(r['kode_provinsi'])} {r['nama']}"
            rows.append(_row(satker_id, name, level, r["nama_provinsi"], r["kode"]))
    ids = [r["satker_id"] for r in rows]
    duplicates = {i for i in ids if ids.count(i) > 1}
    if duplicates:
        raise SystemExit(f"host labels collide: {sorted(duplicates)}")
    return rows


def _row(satker_id: str, name: str, level: str, province: str, kode: str) -> dict:
    return {
        "satker_id": satker_id,
        "name": name,
        "level": level,
        "province": province,
        "kode_wilayah": kode,
        "base_url": f"https://{satker_id}.kpu.go.id",
        "host_observed": "true" if satker_id in OBSERVED_HOSTS else "false",
    }


def main(argv: list[str]) -> None:
    shared_data, out = Path(argv[1]), Path(argv[2])
    rows = build(shared_data)
    with open(out, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {len(rows)} satker to {out}")


if __name__ == "__main__":
    main(sys.argv)
