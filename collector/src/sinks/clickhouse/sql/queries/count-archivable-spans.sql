-- How many spans of one day archive-spans.sql copies (same condition; reported and shown by dry runs).
SELECT count() AS rows FROM spans FINAL
WHERE toYYYYMMDD(start_time) = {day:UInt32}
  AND (has(CAST({keep_all:Array(String)} AS Array(String)), run_id)
       OR has(CAST({keep_all:Array(String)} AS Array(String)), correlation_id)
       OR (status_code = 2 AND (has(CAST({keep_some:Array(String)} AS Array(String)), run_id)
                                OR has(CAST({keep_some:Array(String)} AS Array(String)), correlation_id))))
