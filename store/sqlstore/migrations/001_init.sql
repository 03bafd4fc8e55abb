-- The fleet's schema. Times are BIGINT nanoseconds since 1970 UTC (0: none),
-- so that both engines store and compare them the same way; {{BLOB}} and
-- {{ID}} are replaced per dialect (dialect.go).

CREATE TABLE users (
	id {{ID}},
	username TEXT NOT NULL UNIQUE,
	role TEXT NOT NULL,
	department TEXT NOT NULL DEFAULT '',
	password_hash TEXT NOT NULL,
	created BIGINT NOT NULL,
	failed_logins INTEGER NOT NULL DEFAULT 0,
	locked_until BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE sessions (
	token_hash {{BLOB}} PRIMARY KEY,
	user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	csrf TEXT NOT NULL,
	created BIGINT NOT NULL,
	expires BIGINT NOT NULL
);
CREATE INDEX sessions_expires ON sessions(expires);

CREATE TABLE enrollment_tokens (
	hash {{BLOB}} PRIMARY KEY,
	department TEXT NOT NULL,
	created_by TEXT NOT NULL,
	created BIGINT NOT NULL,
	expires BIGINT NOT NULL,
	uses INTEGER NOT NULL
);

CREATE TABLE agents (
	id TEXT PRIMARY KEY,
	department TEXT NOT NULL,
	host TEXT NOT NULL,
	secret_hash {{BLOB}} NOT NULL,
	enrolled BIGINT NOT NULL,
	last_seen BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE hosts (
	id TEXT PRIMARY KEY REFERENCES agents(id),
	department TEXT NOT NULL,
	host TEXT NOT NULL,
	system_id TEXT NOT NULL DEFAULT '',
	system_name TEXT NOT NULL DEFAULT '',
	owner TEXT NOT NULL DEFAULT '',
	classification TEXT NOT NULL DEFAULT '',
	tags TEXT NOT NULL DEFAULT '[]',
	last_scan BIGINT NOT NULL DEFAULT 0,
	last_flows BIGINT NOT NULL DEFAULT 0,
	items INTEGER NOT NULL DEFAULT 0,
	unknowns INTEGER NOT NULL DEFAULT 0,
	open_count INTEGER NOT NULL DEFAULT 0,
	waived_count INTEGER NOT NULL DEFAULT 0,
	overdue_count INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX hosts_department ON hosts(department, host);
-- Covers the overview's count of hosts.
CREATE INDEX hosts_summary ON hosts(department, last_scan, unknowns);

-- The last scan report of each host, apart from hosts so that listing
-- hosts never reads megabytes of JSON.
CREATE TABLE inventories (
	host_id TEXT PRIMARY KEY REFERENCES hosts(id),
	received BIGINT NOT NULL,
	report {{BLOB}} NOT NULL
);
-- Reports are stored as they come (the server may have compressed
-- them): PostgreSQL should not spend time compressing them again.
{{POSTGRES}}ALTER TABLE inventories ALTER COLUMN report SET STORAGE EXTERNAL;

-- Every upload applied, so that a retried one is recognised.
CREATE TABLE uploads (
	agent_id TEXT NOT NULL REFERENCES agents(id),
	digest TEXT NOT NULL,
	kind TEXT NOT NULL,
	received BIGINT NOT NULL,
	PRIMARY KEY (agent_id, digest)
);

CREATE TABLE findings (
	id TEXT PRIMARY KEY,
	host_id TEXT NOT NULL REFERENCES hosts(id),
	department TEXT NOT NULL,
	pack TEXT NOT NULL,
	rule TEXT NOT NULL,
	instrument TEXT NOT NULL,
	title TEXT NOT NULL,
	url TEXT NOT NULL,
	effect TEXT NOT NULL,
	item TEXT NOT NULL,
	version TEXT NOT NULL,
	product TEXT NOT NULL,
	supplier TEXT NOT NULL,
	country TEXT NOT NULL,
	deadline BIGINT NOT NULL, -- none: the largest BIGINT, so that it sorts last
	first_seen BIGINT NOT NULL,
	last_seen BIGINT NOT NULL,
	state TEXT NOT NULL,
	changed BIGINT NOT NULL,
	evidence TEXT NOT NULL
);
CREATE INDEX findings_host ON findings(host_id, state);
-- Covers the overview's count of open findings due soon or overdue.
CREATE INDEX findings_due ON findings(state, deadline, department, instrument);
-- An officer's findings by deadline; covering too, so that whichever of
-- the two the planner picks for the overview, it reads no table rows.
CREATE INDEX findings_department ON findings(department, deadline, state, instrument);
CREATE INDEX findings_deadline ON findings(deadline);

-- How many findings each department has of each instrument in each
-- state, kept by ingest and waiver decisions, so that the overview
-- need not count the findings.
CREATE TABLE finding_counts (
	department TEXT NOT NULL,
	instrument TEXT NOT NULL,
	state TEXT NOT NULL,
	n BIGINT NOT NULL,
	PRIMARY KEY (department, instrument, state)
);

CREATE TABLE flow_findings (
	id TEXT PRIMARY KEY,
	host_id TEXT NOT NULL REFERENCES hosts(id),
	department TEXT NOT NULL,
	pack TEXT NOT NULL,
	rule TEXT NOT NULL,
	instrument TEXT NOT NULL,
	effect TEXT NOT NULL,
	destination TEXT NOT NULL,
	country TEXT NOT NULL,
	asn BIGINT NOT NULL,
	bytes_out BIGINT NOT NULL,
	bytes_in BIGINT NOT NULL,
	flows BIGINT NOT NULL,
	first_at BIGINT NOT NULL,
	last_at BIGINT NOT NULL,
	evidence TEXT NOT NULL
);
CREATE INDEX flow_findings_department ON flow_findings(department, host_id);
CREATE INDEX flow_findings_host ON flow_findings(host_id);

CREATE TABLE waivers (
	id {{ID}},
	finding_id TEXT NOT NULL REFERENCES findings(id),
	host_id TEXT NOT NULL,
	department TEXT NOT NULL,
	reason TEXT NOT NULL,
	expiry BIGINT NOT NULL,
	requested_by TEXT NOT NULL,
	requested BIGINT NOT NULL,
	state TEXT NOT NULL,
	decided_by TEXT NOT NULL DEFAULT '',
	decided BIGINT NOT NULL DEFAULT 0,
	note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX waivers_host ON waivers(host_id, state);
CREATE INDEX waivers_department ON waivers(department, state);
CREATE INDEX waivers_finding ON waivers(finding_id, state);

-- Small named documents: the systems register, the policies in force.
CREATE TABLE settings (
	name TEXT PRIMARY KEY,
	value {{BLOB}} NOT NULL
);

CREATE TABLE reports (
	id {{ID}},
	department TEXT NOT NULL,
	at BIGINT NOT NULL,
	snapshot {{BLOB}} NOT NULL
);
CREATE INDEX reports_department ON reports(department, at);

-- Running totals per department, kept by ingest and waiver decisions,
-- from which each day's trend row is written.
CREATE TABLE department_counts (
	department TEXT PRIMARY KEY,
	open_count BIGINT NOT NULL,
	waived_count BIGINT NOT NULL,
	overdue_count BIGINT NOT NULL
);

-- One row per UTC day (days since 1970) and department: the open and
-- overdue totals as the day's last change left them, and how many
-- findings were remediated that day.
CREATE TABLE trend (
	day BIGINT NOT NULL,
	department TEXT NOT NULL,
	open_count BIGINT NOT NULL,
	overdue_count BIGINT NOT NULL,
	remediated_count BIGINT NOT NULL,
	PRIMARY KEY (day, department)
);

CREATE TABLE audit (
	seq BIGINT PRIMARY KEY,
	at BIGINT NOT NULL,
	actor TEXT NOT NULL,
	action TEXT NOT NULL,
	object TEXT NOT NULL,
	detail TEXT NOT NULL,
	prev {{BLOB}},
	hash {{BLOB}} NOT NULL
);

-- The chain's head: the row appends lock, and what VerifyAudit checks
-- the last entry against, so that deleting the newest entries shows.
CREATE TABLE audit_head (
	id INTEGER PRIMARY KEY,
	seq BIGINT NOT NULL,
	hash {{BLOB}}
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, NULL);
