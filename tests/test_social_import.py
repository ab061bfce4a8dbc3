"""`kpu-berita social --import`: stored in the working copy and published at once;
idempotent; a later import replaces; a bad row keeps the whole file out (exit 2, one line)."""
from __future__ import annotations

import docx
import duckdb
import pytest

from kpu_berita import config
from kpu_berita.cli import main
from kpu_berita.warehouse.db import connect
from kpu_berita.warehouse.publish import publish

HEADER = "satker_id,period,platform,posts,followers\n"


@pytest.fixture
def home(tmp_path):
    working = config.working_warehouse_path(tmp_path)
    con = connect(working)
    con.execute("INSERT INTO satker VALUES ('kab-serang', 'KPU Kabupaten Serang', 'kabupaten', 'Banten', '36.04', "
                "'https://kab-serang.kpu.go.id')")
    con.close()
    publish(working, config.warehouse_path(tmp_path))
    return tmp_path


def rows(path, where=""):
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(f"SELECT satker_id, period_key, period_start::VARCHAR, period_end::VARCHAR, platform, "
                           f"posts, followers, imported_at FROM social_media_stats {where} ORDER BY platform").fetchall()
    finally:
        con.close()


def social(home, tmp_path, text, name="medsos.csv") -> int:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return main(["--home", str(home), "social", "--import", str(path)])


def test_import_reaches_the_published_warehouse(home, tmp_path):
    assert social(home, tmp_path, HEADER + "kab-serang,2021Q3,Facebook,458,4926\n"
                                           "kab-serang,2021-03-01..2021-06-30,Instagram,\"1.111\",\n") == 0
    published = rows(config.warehouse_path(home))
    assert [r[:7] for r in published] == [
        ("kab-serang", "2021Q3", "2021-07-01", "2021-09-30", "Facebook", 458, 4926),
        ("kab-serang", "2021-03-01..2021-06-30", "2021-03-01", "2021-06-30", "Instagram", 1111, None)]
    assert rows(config.working_warehouse_path(home)) == published


def test_importing_the_same_rows_twice_changes_nothing(home, tmp_path, capsys):
    text = HEADER + "kab-serang,2021Q3,Facebook,458,4926\nkab-serang,2021Q3,Twitter,701,175\n"
    assert social(home, tmp_path, text) == 0
    first = rows(config.warehouse_path(home))
    assert social(home, tmp_path, text) == 0
    assert rows(config.warehouse_path(home)) == first  # imported_at included: rows untouched
    assert "0 added, 0 replaced, 2 unchanged" in capsys.readouterr().err


def test_later_import_for_the_same_key_replaces(home, tmp_path):
    assert social(home, tmp_path, HEADER + "kab-serang,2021Q3,Facebook,458,4926\n") == 0
    assert social(home, tmp_path, HEADER + "kab-serang,2021Q3,Facebook,460,5000\n", "fixed.csv") == 0
    assert [r[5:7] for r in rows(config.warehouse_path(home))] == [(460, 5000)]


@pytest.mark.parametrize("bad_row, problem", [
    ("kab-serang,2021Q3,Twitter,banyak,175", "posts 'banyak' is not a whole number"),
    ("kab-serangg,2021Q3,Twitter,701,175", "unknown satker 'kab-serangg'"),
    ("kab-serang,2021Q5,Twitter,701,175", "malformed period '2021Q5'"),
    ("kab-serang,2021-09-30..2021-07-01,Twitter,701,175", "malformed period"),
    ("kab-serang,2021Q3,Twitter,701,-3", "followers '-3' is not a whole number"),
])
def test_bad_row_is_one_line_exit_2_and_nothing_of_the_file_is_stored(home, tmp_path, capsys, bad_row, problem):
    text = HEADER + "kab-serang,2021Q3,Facebook,458,4926\n" + bad_row + "\n"
    assert social(home, tmp_path, text) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and f"medsos.csv row 3: {problem}" in err
    assert rows(config.warehouse_path(home)) == [] and rows(config.working_warehouse_path(home)) == []


def test_a_rebuild_keeps_the_figures(home, tmp_path):
    assert social(home, tmp_path, HEADER + "kab-serang,2021Q3,Youtube,15,246\n") == 0
    publish(config.working_warehouse_path(home), config.warehouse_path(home))  # what the next build does
    assert [r[4:7] for r in rows(config.warehouse_path(home))] == [("Youtube", 15, 246)]


def social_in_report(home, quarter="2021Q3") -> dict:
    from kpu_berita.reports.data import social_figures
    from kpu_berita.reports.periods import quarter_period

    con = duckdb.connect(str(config.warehouse_path(home)), read_only=True)
    try:
        return {f["platform"]: (f["posts"], f["followers"]) for f in social_figures(con, "kab-serang",
                                                                                   quarter_period(quarter))}
    finally:
        con.close()


def test_a_platform_typed_in_another_case_is_the_same_platform(home, tmp_path):
    # one month's file said "Facebook", the next "facebook": the report showed two Facebook rows
    assert social(home, tmp_path, HEADER + "kab-serang,2021-07-01..2021-07-31,Facebook,150,4900\n"
                                           "kab-serang,2021-08-01..2021-08-31,facebook,160,4926\n"
                                           "kab-serang,2021-09-01..2021-09-30,INSTAGRAM ,20,\n") == 0
    assert social_in_report(home) == {"Facebook": (310, 4926), "Instagram": (20, None)}
    # a re-import of a month in yet another case replaces that month, not adds to it
    assert social(home, tmp_path, HEADER + "kab-serang,2021-08-01..2021-08-31,FACEBOOK,170,4930\n", "again.csv") == 0
    assert social_in_report(home) == {"Facebook": (320, 4930), "Instagram": (20, None)}


def test_a_month_inside_an_imported_quarter_is_not_counted_twice(home, tmp_path):
    # the quarter's 120 Instagram posts hold July's 40: the report said 160
    assert social(home, tmp_path, HEADER + "kab-serang,2021Q3,Instagram,120,800\n"
                                           "kab-serang,2021-07-01..2021-07-31,Instagram,40,700\n"
                                           "kab-serang,2021-07-01..2021-07-31,YouTube,5,\n"
                                           "kab-serang,2021-08-01..2021-08-31,YouTube,7,90\n") == 0
    assert social_in_report(home) == {"Instagram": (120, 800), "Youtube": (12, 90)}


def test_the_documented_query_gives_the_reports_figures(home, tmp_path):
    """docs/warehouse.md's example for analysts summed a month inside an imported quarter again."""
    import re
    from pathlib import Path

    docs = (Path(__file__).resolve().parent.parent / "docs" / "warehouse.md").read_text(encoding="utf-8")
    query = next(q for q in re.findall(r"```sql\n(.*?)```", docs, re.S) if "social_media_stats" in q)
    assert social(home, tmp_path, HEADER + "kab-serang,2021Q3,Facebook,458,4926\n"
                                           "kab-serang,2021-07-01..2021-07-31,Facebook,100,4800\n"
                                           "kab-serang,2021-07-01..2021-07-31,youtube,5,\n"
                                           "kab-serang,2021-08-01..2021-08-31,YouTube,7,90\n") == 0
    con = duckdb.connect(str(config.warehouse_path(home)), read_only=True)
    try:
        documented = {platform: (posts, followers) for platform, posts, followers in con.execute(query).fetchall()}
    finally:
        con.close()
    assert documented == {p.lower(): figures for p, figures in social_in_report(home).items()} \
        == {"facebook": (458, 4926), "youtube": (12, 90)}


def test_figures_split_by_content_type_reach_every_report_format(home, tmp_path, capsys):
    # an import with content types only gave social=[]: no section in Markdown or docx, and
    # --full showed the red placeholder instead of the figures and their followers
    assert social(home, tmp_path, "satker_id,period,platform,posts,followers,content_type\n"
                                  "kab-serang,2021Q3,Instagram,40,3100,Foto Berita\n"
                                  "kab-serang,2021Q3,Facebook,12,4926,Video\n") == 0
    assert social_in_report(home) == {"Facebook": (12, 4926), "Instagram": (40, 3100)}
    capsys.readouterr()
    assert main(["--home", str(home), "report", "--satker", "kab-serang", "--quarter", "2021Q3"]) == 0
    md = capsys.readouterr().out
    assert "| Facebook | 12 | 4926 |" in md and "| 1. | Foto Berita | 40 | - |" in md
    out = tmp_path / "laporan.docx"
    assert main(["--home", str(home), "report", "--satker", "kab-serang", "--quarter", "2021Q3", "--full",
                 "--out", str(out)]) == 0
    document = docx.Document(str(out))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "1. Foto Berita: Instagram 40, Facebook -" in text and "[isi jumlah unggahan" not in text
    assert ["Instagram", "40", "3100"] in [[c.text for c in row.cells] for t in document.tables for row in t.rows]


def test_a_platform_total_holds_its_content_types_once(home, tmp_path):
    # the quarter's Instagram total holds its own split and July's; Facebook's split quarter holds
    # July's total; Youtube, split only, is the sum of its content types
    assert social(home, tmp_path, "satker_id,period,platform,posts,followers,content_type\n"
                                  "kab-serang,2021Q3,Instagram,120,800,\n"
                                  "kab-serang,2021Q3,Instagram,100,,Foto Berita\n"
                                  "kab-serang,2021-07-01..2021-07-31,Instagram,30,,Video\n"
                                  "kab-serang,2021-07-01..2021-07-31,Facebook,50,4900,\n"
                                  "kab-serang,2021Q3,Facebook,98,4926,Foto Berita\n"
                                  "kab-serang,2021Q3,Facebook,74,4926,Infografik\n"
                                  "kab-serang,2021Q3,Youtube,19,246,Foto Berita\n"
                                  "kab-serang,2021Q3,Youtube,5,246,Infografik\n") == 0
    assert social_in_report(home) == {"Instagram": (120, 800), "Facebook": (172, 4926), "Youtube": (24, 246)}


@pytest.mark.parametrize("sep, posts, followers, problem", [
    (",", "1.5", "175", "posts '1.5' is not a whole number"),
    (",", "12.34", "175", "posts '12.34' is not a whole number"),
    (",", "1.2345", "175", "posts '1.2345' is not a whole number"),
    (",", '"1,5"', "175", "posts '1,5' is not a whole number"),
    (";", "1,5", "175", "posts '1,5' is not a whole number"),
    (";", "701", "4.9260", "followers '4.9260' is not a whole number"),
])
def test_a_decimal_is_refused_not_read_as_thousands(home, tmp_path, capsys, sep, posts, followers, problem):
    # "1.5" (or "1,5" in a ";" file) was stored as 15 posts; "4.926" is still 4926
    header, good = HEADER.replace(",", sep), sep.join(["kab-serang", "2021Q3", "Facebook", "458", "4.926"]) + "\n"
    bad = sep.join(["kab-serang", "2021Q3", "Twitter", posts, followers]) + "\n"
    assert social(home, tmp_path, header + good + bad) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and f"medsos.csv row 3: {problem}" in err
    assert rows(config.warehouse_path(home)) == [] and rows(config.working_warehouse_path(home)) == []
    assert social(home, tmp_path, header + good) == 0
    assert [r[5:7] for r in rows(config.warehouse_path(home))] == [(458, 4926)]


@pytest.mark.parametrize("text, message", [
    # an unquoted thousands comma: csv read followers as 4 and dropped "926"
    ("kab-serang,2021Q3,Facebook,10,4,926\n",
     "row 2 has 6 fields where the header has 5: a value with an unquoted ',' (write 4926 or \"4,926\", not 4,926)?"),
    ("kab-serang,2021Q4,Facebook,10,400\nkab-serang,2021-10-01..2021-12-31,facebook,12,400\n",
     "rows 2 and 3: Facebook of kab-serang for 2021-10-01..2021-12-31 twice, with other figures (10 and 12 posts): keep one"),
])
def test_rows_that_would_be_stored_wrong_keep_the_file_out(home, tmp_path, capsys, text, message):
    assert social(home, tmp_path, HEADER + text) == 2
    assert message in capsys.readouterr().err
    assert rows(config.warehouse_path(home)) == []


def test_a_row_pasted_twice_is_one_row_and_rows_are_numbered_as_excel_shows_them(home, tmp_path):
    assert social(home, tmp_path, HEADER + "kab-serang,2021Q3,Facebook,458,4926\nkab-serang,2021Q3,Facebook,458,4926\n") == 0
    con = duckdb.connect(str(config.warehouse_path(home)), read_only=True)
    try:
        assert con.execute("SELECT platform, source_row FROM social_media_stats").fetchall() == [("Facebook", 2)]
    finally:
        con.close()


def test_an_excel_csv_in_windows_1252_is_read(home, tmp_path):
    """Excel's plain "CSV (Comma delimited)" on a Windows PC is not UTF-8."""
    path = tmp_path / "medsos.csv"
    path.write_bytes((HEADER + "kab-serang,2021Q3,Facebook,458,4926\n").replace("Facebook", "Facebook Café").encode("cp1252"))
    assert main(["--home", str(home), "social", "--import", str(path)]) == 0
    assert [r[4] for r in rows(config.warehouse_path(home))] == ["Facebook Café"]
