-- Copies the pinned spans of one day into the archive before the day's partition is dropped.
-- keep_all: runs pinned FULL or SLIM (every span); keep_some: runs pinned ERRORS_ONLY (error spans).
-- Ids match run_id or correlation_id. FINAL copies each span once; the archive also collapses repeats,
-- so re-running after a crash between copy and drop is harmless.
INSERT INTO spans_archive
SELECT * FROM spans FINAL
WHERE toYYYYMMDD(start_time) = {day:UInt32}
  AND (has(CAST({keep_all:Array(String)} AS Array(String)), run_id)
       OR has(CAST({keep_all:Array(String)} AS Array(String)), correlation_id)
       OR (status_code = 2 AND (has(CAST({keep_some:Array(String)} AS Array(String)), run_id)
                                OR has(CAST({keep_some:Array(String)} AS Array(String)), correlation_id))))
