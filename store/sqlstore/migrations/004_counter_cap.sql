-- Traffic counters are kept at most 2^53-1 (store.MaxCounter), so that
-- adding an upload's counter to a stored one cannot overflow and sums
-- stay exact enough as floating point. Counters stored before the cap (an
-- agent could send 2^64-1, and SQLite then kept a REAL) are brought to it.
UPDATE flow_findings SET bytes_out = 9007199254740991 WHERE bytes_out > 9007199254740991;
UPDATE flow_findings SET bytes_in = 9007199254740991 WHERE bytes_in > 9007199254740991;
UPDATE flow_findings SET flows = 9007199254740991 WHERE flows > 9007199254740991;
