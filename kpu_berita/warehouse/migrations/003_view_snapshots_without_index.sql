-- view_snapshots is rebuilt whole by every build (load.build_view_snapshots: delete, then one
-- INSERT ... GROUP BY article_key, crawl_id, source), so uniqueness holds by construction.
-- Its PRIMARY KEY index cost 10x the insert itself at 20M rows (docs/PERFORMANCE.md).
CREATE TABLE view_snapshots_new (
    article_key VARCHAR NOT NULL,
    satker_id   VARCHAR NOT NULL,
    crawl_id    VARCHAR NOT NULL,
    source      VARCHAR NOT NULL,        -- listing | article
    seen_at     TIMESTAMPTZ NOT NULL,
    views       INTEGER NOT NULL
);
INSERT INTO view_snapshots_new SELECT * FROM view_snapshots;
DROP TABLE view_snapshots;
ALTER TABLE view_snapshots_new RENAME TO view_snapshots;
