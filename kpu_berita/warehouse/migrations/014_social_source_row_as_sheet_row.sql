-- social_media_stats.source_row is the row a spreadsheet shows (the header is row 1), the row
-- the import's error messages name. Before, it was the data row (1 = the first row under the
-- header), so an analyst tracing a figure back to the sheet landed one row off.
--
-- Rows stored before this release are renumbered where their numbering can be told: an import
-- (one file, one transaction, so one imported_at) holding a row 1 was numbered the old way,
-- since the sheet's row 1 is its header. An import without a row 1 is left as it is: it is
-- either numbered as now, or an old import whose first data row was not stored (unchanged
-- from an earlier import, or replaced since), and nothing stored tells those apart; such a
-- figure is at most one row off in its file (docs/warehouse.md).
UPDATE social_media_stats SET source_row = source_row + 1
WHERE (source_file, imported_at) IN (
    SELECT source_file, imported_at FROM social_media_stats GROUP BY ALL HAVING min(source_row) = 1
);
