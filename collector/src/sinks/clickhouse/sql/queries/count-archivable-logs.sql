-- How many log records of one day archive-logs.sql copies (same condition).
SELECT count() AS rows FROM logs FINAL
WHERE toYYYYMMDD(time) = {day:UInt32}
  AND (has(CAST({keep_all:Array(String)} AS Array(String)), run_id)
       OR has(CAST({keep_all:Array(String)} AS Array(String)), correlation_id)
       OR (severity_number >= 13 AND (has(CAST({keep_some:Array(String)} AS Array(String)), run_id)
                                      OR has(CAST({keep_some:Array(String)} AS Array(String)), correlation_id))))
