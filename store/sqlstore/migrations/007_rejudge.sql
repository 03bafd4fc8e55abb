-- Findings of two kinds in one table, so that traffic findings count
-- wherever software findings count (totals, departments, instruments,
-- deadlines, the trend, reports): kind is 'software' or 'traffic';
-- item_key is what the finding is about (the report item's id, or the
-- traffic's destination), so that a finding no longer judged can be told
-- apart as remediated (the item is gone) or out of scope (the item is
-- there, no rule applies any more); reason says why the state last
-- changed when that was not an upload (a change of register, packs or
-- catalogue).
ALTER TABLE findings ADD COLUMN kind TEXT NOT NULL DEFAULT 'software';
ALTER TABLE findings ADD COLUMN item_key TEXT NOT NULL DEFAULT '';
ALTER TABLE findings ADD COLUMN reason TEXT NOT NULL DEFAULT '';
CREATE INDEX findings_kind ON findings(kind, department, state);

-- The traffic of each host to each destination, whatever the rules say
-- of it: what the egress page sums, and what re-judging judges again.
-- Counters saturate at 2^53-1 (store.MaxCounter).
CREATE TABLE flow_summaries (
	host_id TEXT NOT NULL REFERENCES hosts(id),
	destination TEXT NOT NULL,
	department TEXT NOT NULL,
	name TEXT NOT NULL,
	country TEXT NOT NULL,
	registered TEXT NOT NULL DEFAULT '',
	asn BIGINT NOT NULL,
	bytes_out BIGINT NOT NULL,
	bytes_in BIGINT NOT NULL,
	flows BIGINT NOT NULL,
	first_at BIGINT NOT NULL,
	last_at BIGINT NOT NULL,
	aggregate TEXT NOT NULL,
	PRIMARY KEY (host_id, destination)
);
CREATE INDEX flow_summaries_department ON flow_summaries(department, host_id);

-- The flow findings stored before: their traffic becomes the summaries
-- (one rule's row per destination carries the destination's whole
-- traffic, so the largest is kept, not the sum), the findings open
-- traffic findings, counted as ingest counts.
INSERT INTO flow_summaries (host_id, destination, department, name, country, asn, bytes_out, bytes_in, flows, first_at, last_at, aggregate)
	SELECT host_id, destination, MIN(department), destination, MIN(country), MIN(asn), MAX(bytes_out), MAX(bytes_in), MAX(flows),
		MIN(first_at), MAX(last_at), ''
	FROM flow_findings GROUP BY host_id, destination;
INSERT INTO findings (id, host_id, department, pack, rule, instrument, title, url, effect, item, version, product, supplier, country,
		deadline, first_seen, last_seen, state, changed, evidence, kind, item_key, reason)
	SELECT id, host_id, department, pack, rule, instrument, instrument, '', effect, 'traffic to ' || destination, '', destination, '', country,
		9223372036854775807, first_at, last_at, 'open', last_at, evidence, 'traffic', destination, ''
	FROM flow_findings WHERE id NOT IN (SELECT id FROM findings);
INSERT INTO finding_counts (department, instrument, state, n)
	SELECT department, instrument, 'open', COUNT(*) FROM findings WHERE kind = 'traffic' GROUP BY department, instrument
	ON CONFLICT (department, instrument, state) DO UPDATE SET n = finding_counts.n + excluded.n;
INSERT INTO department_counts (department, open_count, waived_count, overdue_count)
	SELECT department, COUNT(*), 0, 0 FROM findings WHERE kind = 'traffic' GROUP BY department
	ON CONFLICT (department) DO UPDATE SET open_count = department_counts.open_count + excluded.open_count;
UPDATE hosts SET open_count = open_count + (SELECT COUNT(*) FROM findings f WHERE f.host_id = hosts.id AND f.kind = 'traffic');
DROP TABLE flow_findings;

-- What the fleet is judged by: a version bumped in the transaction of
-- every change of register or packs, and when a server starts with
-- another catalogue. done is the version every stored inventory and flow
-- summary has been judged again by; one server at a time (owner, until
-- lease) does that, host by host after after_host, so that it resumes where
-- it stopped and runs once across replicas.
CREATE TABLE policy_version (
	id INTEGER PRIMARY KEY,
	version BIGINT NOT NULL,
	changed BIGINT NOT NULL,
	reason TEXT NOT NULL,
	catalogue TEXT NOT NULL,
	done BIGINT NOT NULL,
	owner TEXT NOT NULL,
	lease BIGINT NOT NULL,
	after_host TEXT NOT NULL,
	hosts_done BIGINT NOT NULL,
	hosts_total BIGINT NOT NULL,
	started BIGINT NOT NULL,
	finished BIGINT NOT NULL
);
INSERT INTO policy_version (id, version, changed, reason, catalogue, done, owner, lease, after_host, hosts_done, hosts_total, started, finished)
	VALUES (1, 1, 0, '', '', 1, '', 0, '', 0, 0, 0, 0);
