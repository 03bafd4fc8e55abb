-- API tokens for automation (SIEM, ticketing): a bearer token of an
-- officer's or an auditor's scope, never an admin's, expiring, revocable;
-- only its SHA-256 is kept. last_used is updated at most every few
-- minutes.
CREATE TABLE api_tokens (
	id {{ID}},
	hash {{BLOB}} NOT NULL UNIQUE,
	name TEXT NOT NULL,
	role TEXT NOT NULL,
	department TEXT NOT NULL DEFAULT '',
	created_by TEXT NOT NULL,
	created BIGINT NOT NULL,
	expires BIGINT NOT NULL,
	revoked BIGINT NOT NULL DEFAULT 0,
	last_used BIGINT NOT NULL DEFAULT 0
);
