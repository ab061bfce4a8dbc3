-- Each publish of the analysts' copy (warehouse/publish.py) stamps a build id, so a reader
-- can tell which build it is looking at.
CREATE TABLE IF NOT EXISTS _publications (
    build_id     INTEGER PRIMARY KEY,
    published_at TIMESTAMPTZ NOT NULL,
    articles     BIGINT NOT NULL
);
