"""Lead photos of the demo articles: small deterministic PNGs (pure: no IO, no imaging library).

Five of every six articles of the `blog` and `table` templates have one (og:image on
`blog`, the first <img> of the body on `table`); `blog_slug` articles have none, as many
real articles don't."""
from __future__ import annotations

import struct
import zlib

WIDTH, HEIGHT = 320, 200


def has_photo(template: str, article_id: int) -> bool:
    return template in ("blog", "table") and article_id % 6 != 5


def photo_path(article_id: int) -> str:
    return f"/img/berita/{article_id}.png"


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def photo_png(article_id: int) -> bytes:
    """A sky-over-hall picture whose colours depend on the article id."""
    hue = (article_id * 37) % 200
    rows = []
    for y in range(HEIGHT):
        row = bytearray([0])  # filter type: none
        for x in range(WIDTH):
            if y < HEIGHT * 0.55:
                pixel = (40 + y // 2, 90 + hue // 3, 160 + y // 3)
            else:
                pixel = (120 + hue // 2, 80 + (x * 60) // WIDTH, 60)
            row += bytes(min(255, c) for c in pixel)
        rows.append(bytes(row))
    header = struct.pack(">IIBBBBB", WIDTH, HEIGHT, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(b"".join(rows), 6))
            + _chunk(b"IEND", b""))
