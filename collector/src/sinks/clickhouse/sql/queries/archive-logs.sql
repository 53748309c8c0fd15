-- Copies the pinned log records of one day into the archive before the partition is dropped.
-- keep_all: runs pinned FULL (every record); keep_some: runs pinned SLIM or ERRORS_ONLY (WARN and
-- above, severity_number >= 13).
INSERT INTO logs_archive
SELECT * FROM logs FINAL
WHERE toYYYYMMDD(time) = {day:UInt32}
  AND (has(CAST({keep_all:Array(String)} AS Array(String)), run_id)
       OR has(CAST({keep_all:Array(String)} AS Array(String)), correlation_id)
       OR (severity_number >= 13 AND (has(CAST({keep_some:Array(String)} AS Array(String)), run_id)
                                      OR has(CAST({keep_some:Array(String)} AS Array(String)), correlation_id))))
