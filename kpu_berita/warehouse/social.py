"""Store the operator's social-media figures (table social_media_stats, migration 005)."""
from __future__ import annotations

from kpu_berita.warehouse.db import transaction

# a platform in any case is one platform: "facebook" imported after "Facebook" replaces it
KEY = "satker_id = ? AND period_start = ? AND period_end = ? AND lower(platform) = lower(?) AND content_type = ?"


def store_figures(con, figures: list, source: str) -> dict:
    """Upsert validated figures (reports.social.SocialFigure) in one transaction: an identical
    row is left alone (importing twice changes nothing), a changed one is replaced. Returns
    counts of added, replaced, unchanged."""
    counts = {"added": 0, "replaced": 0, "unchanged": 0}
    with transaction(con):
        for f in figures:
            existing = con.execute(f"SELECT posts, followers FROM social_media_stats WHERE {KEY}", list(f.key)).fetchone()
            if existing == (f.posts, f.followers):
                counts["unchanged"] += 1
                continue
            if existing is not None:
                con.execute(f"DELETE FROM social_media_stats WHERE {KEY}", list(f.key))
            con.execute("""INSERT INTO social_media_stats (satker_id, period_key, period_start, period_end, platform,
                               content_type, posts, followers, source_file, source_row)
                           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                        [f.satker_id, f.period_key, f.period_start, f.period_end, f.platform, f.content_type,
                         f.posts, f.followers, source, f.source_row])
            counts["replaced" if existing is not None else "added"] += 1
    return counts


def known_satker(con) -> set[str]:
    return {s for (s,) in con.execute("SELECT satker_id FROM satker").fetchall()}
