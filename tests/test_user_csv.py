"""Files people make are read whatever wrote them: ",", ";" (Excel in a decimal-comma locale)
or tab-separated, with or without a byte-order mark."""
from __future__ import annotations

import pytest

from kpu_berita.user_csv import TooManyFields, decimal_text, delimiter_of, dict_reader, open_text
from kpu_berita.warehouse.review import read_sheet


@pytest.mark.parametrize("text, delimiter, encoding", [
    ("article_key,category,note\nkab-x/id:1,rapat,\"satu; dua\"\n", ",", "utf-8"),
    ("\ufeffarticle_key;category;note\r\nkab-x/id:1;rapat;\"satu, dua\"\r\n", ";", "utf-8"),
    ("article_key\tcategory\tnote\nkab-x/id:1\trapat\tsatu, dua; tiga\n", "\t", "utf-8"),
    ("article_key\tcategory\tnote\r\nkab-x/id:1\trapat\tsatu, dua\r\n", "\t", "utf-16"),  # Excel's "Unicode text"
    ("article_key\nkab-x/id:1\n", ",", "utf-8"),  # one column: nothing to split on, read as one
])
def test_the_header_decides_the_delimiter(tmp_path, text, delimiter, encoding):
    path = tmp_path / "sheet.csv"
    path.write_bytes(text.encode(encoding))  # Python's utf-16 writes the byte-order mark, as Excel does
    with open_text(path) as f:
        reader = dict_reader(f)
        rows = list(reader)
    assert delimiter_of(reader) == delimiter
    assert rows[0]["article_key"] == "kab-x/id:1"
    if "category" in reader.fieldnames:
        assert rows[0]["category"] == "rapat" and "satu" in rows[0]["note"] and "dua" in rows[0]["note"]


def test_a_filled_review_sheet_saved_with_semicolons_reads_as_with_commas(tmp_path):
    comma, semicolon = tmp_path / "a.csv", tmp_path / "b.csv"
    comma.write_text('article_key,category,published_date,note\nkab-x/id:1,audiensi,,"kunjungan, bukan rapat"\n',
                     encoding="utf-8")
    semicolon.write_text("article_key;category;published_date;note\nkab-x/id:1;audiensi;;kunjungan, bukan rapat\n",
                         encoding="utf-8")
    assert read_sheet(semicolon)[0] == {"article_key": "kab-x/id:1", "category": "audiensi", "published_date": "",
                                        "note": "kunjungan, bukan rapat"}
    assert read_sheet(comma)[0] == read_sheet(semicolon)[0]
    # unquoted, the comma made a fifth field, which csv dropped: the note came back cut short
    comma.write_text("article_key,category,published_date,note\nkab-x/id:1,audiensi,,kunjungan, bukan rapat\n",
                     encoding="utf-8")
    with pytest.raises(TooManyFields, match=r"^row 2 has 5 fields where the header has 4: a value with an unquoted ','"):
        read_sheet(comma)


@pytest.mark.parametrize("delimiter, text", [(";", "0,97"), (",", "0.97"), ("\t", "0.97")])
def test_a_decimal_is_written_as_the_files_reader_reads_it(delimiter, text):
    assert decimal_text(0.9689, 2, delimiter) == text
