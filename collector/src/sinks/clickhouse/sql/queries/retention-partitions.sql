-- Active partitions of the tables the retention job manages, with their row counts.
SELECT table, partition_id, toUInt64(sum(rows)) AS rows
FROM system.parts
WHERE database = currentDatabase() AND active
  AND has(CAST({tables:Array(String)} AS Array(String)), table)
GROUP BY table, partition_id
ORDER BY table, partition_id
