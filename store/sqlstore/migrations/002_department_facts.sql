-- Indexes of DepartmentFacts (facts.go), so that the department page and
-- report read a bounded range of an index rather than the department's
-- findings. The partial ones hold only the findings that stand open, as
-- the queries' "state IN ('open', 'reopened')" names them (both engines
-- match a partial index by that very term). They hold state too: SQLite
-- checks the term against the index's column, and so counts from the
-- index alone rather than reading each finding.

-- Open findings by deadline then id: the nearest deadlines are the
-- index's first entries, and those due soon one range.
CREATE INDEX findings_open ON findings(department, deadline, id, state) WHERE state IN ('open', 'reopened');
-- Open findings by instrument and deadline: each instrument's overdue
-- ones are one range, counted without sorting the department's.
CREATE INDEX findings_open_instrument ON findings(department, instrument, deadline, state) WHERE state IN ('open', 'reopened');
-- Open findings by when they were first seen: those new since a report.
CREATE INDEX findings_new ON findings(department, first_seen, id, state) WHERE state IN ('open', 'reopened');
-- Findings by state and when it changed: remediated or reopened since
-- (first_seen covers the test that the finding is not new since).
CREATE INDEX findings_changed ON findings(department, state, changed, id, first_seen);
-- Hosts by last scan (0: never): the stale ones are the first entries.
CREATE INDEX hosts_stale ON hosts(department, last_scan, host, id);
-- Hosts needing attention first, for the department page.
CREATE INDEX hosts_attention ON hosts(department, overdue_count DESC, open_count DESC, last_scan, host, id);
-- Approved waivers by expiry.
CREATE INDEX waivers_expiry ON waivers(department, state, expiry);
