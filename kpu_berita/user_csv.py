"""CSV files that people make: read as they are, whatever wrote them.

Excel in an Indonesian (or any decimal-comma) locale saves "CSV" with ";" between fields,
because "," is the decimal mark; "Unicode text" is UTF-16 and tab-separated; "CSV UTF-8"
puts a byte-order mark before the header. A humas officer's filled review sheet or title list
comes in any of these, so every file a user gives is read through here.
"""
from __future__ import annotations

import codecs
import csv
from pathlib import Path
from typing import TextIO

DELIMITERS = (",", ";", "\t")


def open_text(path: Path | str) -> TextIO:
    """The file as text for the csv module: UTF-16 where it starts with a UTF-16 byte-order
    mark (Excel's "Unicode text"), else UTF-8 with any byte-order mark skipped (Excel's "CSV
    UTF-8"), not read into the first column's name."""
    with open(path, "rb") as f:
        start = f.read(2)
    utf16 = start in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
    return open(path, newline="", encoding="utf-16" if utf16 else "utf-8-sig")


def dict_reader(f: TextIO) -> csv.DictReader:
    """A DictReader over f (opened with newline=""), splitting on the delimiter of its header
    line: ",", or ";" / a tab where the header has one of those and no ","."""
    start = f.tell()
    header = f.readline()
    f.seek(start)
    delimiter = "," if "," in header else next((d for d in DELIMITERS[1:] if d in header), ",")
    return csv.DictReader(f, delimiter=delimiter)


def delimiter_of(reader: csv.DictReader) -> str:
    """The delimiter a reader splits on: a file written for the same user keeps it."""
    return reader.reader.dialect.delimiter


def sheet_row(n: int) -> int:
    """The row number a spreadsheet shows for the n-th data row (1 = the first under the
    header): errors name the row an analyst finds in Excel, where the header is row 1."""
    return n + 1
