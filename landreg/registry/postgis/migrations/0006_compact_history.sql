-- Schema version 6: compact history.  A history row is a snapshot (base_version NULL: every column
-- and the geometry, as every row written before) or a delta on the snapshot base_version names: it
-- keeps the key columns, the changed values in "after", and the geometry only when it changed.
ALTER TABLE plot_versions ADD COLUMN base_version integer;
ALTER TABLE plot_versions ALTER COLUMN geom DROP NOT NULL;
COMMENT ON COLUMN plot_versions.base_version IS
    'NULL: a full row (snapshot); else the snapshot version this delta row builds on (changed values in "after")';
