-- The open findings (open or reopened) that have a deadline, counted by
-- department, instrument and deadline, kept by every change of a
-- finding's state as finding_counts is (counts.go). Deadlines are few
-- (an instrument's dates, or so many days after a first sighting), so
-- the overview counts what is overdue and due soon across the estate from
-- these rows instead of a range of every open finding: at 50,000 hosts
-- with old instruments, nearly all of a million findings are overdue.
CREATE TABLE deadline_counts (
	department TEXT NOT NULL,
	instrument TEXT NOT NULL,
	deadline BIGINT NOT NULL,
	n BIGINT NOT NULL,
	PRIMARY KEY (department, instrument, deadline)
);

INSERT INTO deadline_counts (department, instrument, deadline, n)
	SELECT department, instrument, deadline, COUNT(*) FROM findings
	WHERE state IN ('open', 'reopened') AND deadline <> 9223372036854775807
	GROUP BY department, instrument, deadline;
