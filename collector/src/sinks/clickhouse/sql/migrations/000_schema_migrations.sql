-- Which migrations this database has had. Concurrent collectors may both record a version; the
-- ReplacingMergeTree key collapses them and the reader takes DISTINCT versions.
CREATE TABLE IF NOT EXISTS schema_migrations
(
    version UInt32,
    name String,
    checksum String,
    applied_at DateTime
)
ENGINE = ReplacingMergeTree
ORDER BY version;
