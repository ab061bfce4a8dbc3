"""CSV files that people make: read as they are, whatever wrote them.

Excel in an Indonesian (or any decimal-comma) locale saves "CSV" with ";" between fields,
because "," is the decimal mark; "Unicode text" is tab-separated; "CSV UTF-8" puts a
byte-order mark before the header. A humas officer's filled review sheet or title list
comes in any of these, so every file a user gives is read through here.
"""
from __future__ import annotations

import csv
from typing import TextIO

DELIMITERS = (",", ";", "\t")
ENCODING = "utf-8-sig"  # a byte-order mark (Excel's "CSV UTF-8") is skipped, not read into the first column name


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
