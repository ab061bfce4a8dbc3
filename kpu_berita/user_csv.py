"""CSV files that people make: read as they are, whatever wrote them.

Excel in an Indonesian (or any decimal-comma) locale saves "CSV" with ";" between fields,
because "," is the decimal mark; "Unicode text" is UTF-16 and tab-separated; "CSV UTF-8"
puts a byte-order mark before the header. A humas officer's filled review sheet or title list
comes in any of these, so every file a user gives is read through here.
"""
from __future__ import annotations

import codecs
import csv
import io
from pathlib import Path
from typing import TextIO

DELIMITERS = (",", ";", "\t")


def open_text(path: Path | str) -> TextIO:
    """The file as text for the csv module: UTF-16 where it starts with a UTF-16 byte-order
    mark (Excel's "Unicode text"), else UTF-8 with any byte-order mark skipped (Excel's "CSV
    UTF-8"), not read into the first column's name; a file that is not UTF-8 is Windows-1252,
    what Excel's plain "CSV (Comma delimited)" writes on a Windows PC ("Ã©" never comes of it)."""
    data = Path(path).read_bytes()
    if data[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        return io.StringIO(data.decode("utf-16"), newline="")
    try:
        return io.StringIO(data.decode("utf-8-sig"), newline="")
    except UnicodeDecodeError:
        return io.StringIO(data.decode("cp1252", errors="replace"), newline="")


class TooManyFields(csv.Error):
    """A row with more fields than the header: most often a number written with a thousands
    comma and no quotes ("4,926"), which would otherwise be cut to its first part."""


class _CheckedDictReader(csv.DictReader):
    def __next__(self) -> dict:
        row = super().__next__()
        extra = row.get(self.restkey)
        if extra is not None and any(str(value).strip() for value in extra):
            raise TooManyFields(
                f"row {self.reader.line_num} has {len(self.fieldnames) + len(extra)} fields where the header has "
                f"{len(self.fieldnames)}: a value with an unquoted {self.reader.dialect.delimiter!r} (write 4926 or "
                f"\"4,926\", not 4,926)?")
        row.pop(self.restkey, None)  # empty fields after the last column: a trailing delimiter
        return row


def dict_reader(f: TextIO) -> csv.DictReader:
    """A DictReader over f (opened with newline=""), splitting on the delimiter of its header
    line: ",", or ";" / a tab where the header has one of those and no ","; a row with more
    (non-empty) fields than the header raises TooManyFields, where csv would drop them."""
    start = f.tell()
    header = f.readline()
    f.seek(start)
    delimiter = "," if "," in header else next((d for d in DELIMITERS[1:] if d in header), ",")
    return _CheckedDictReader(f, delimiter=delimiter)


def delimiter_of(reader: csv.DictReader) -> str:
    """The delimiter a reader splits on: a file written for the same user keeps it."""
    return reader.reader.dialect.delimiter


def sheet_row(n: int) -> int:
    """The row number a spreadsheet shows for the n-th data row (1 = the first under the
    header): errors name the row an analyst finds in Excel, where the header is row 1."""
    return n + 1


def decimal_text(value: float, places: int, delimiter: str) -> str:
    """A decimal as the file's reader expects it: "0,97" in a ";" file, which is what Excel
    writes where the decimal mark is a comma (and where it reads "0.97" as text), else "0.97"."""
    text = f"{value:.{places}f}"
    return text.replace(".", ",") if delimiter == ";" else text
