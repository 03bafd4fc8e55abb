-- Re-judging in batches that several servers share. judged is the
-- policy version a host was last judged by as a whole; a server claims
-- hosts judged by an older one (claim, until claim_until: a dead
-- server's claims lapse), judges them and marks them. The hosts judged
-- by the version done when this runs need no more.
ALTER TABLE hosts ADD COLUMN judged BIGINT NOT NULL DEFAULT 0;
ALTER TABLE hosts ADD COLUMN claim TEXT NOT NULL DEFAULT '';
ALTER TABLE hosts ADD COLUMN claim_until BIGINT NOT NULL DEFAULT 0;
UPDATE hosts SET judged = (SELECT done FROM policy_version WHERE id = 1);
CREATE INDEX hosts_judged ON hosts(judged, id);

-- A digest of what a finding says (not of when it was seen), so that
-- re-judging writes only the hosts whose findings changed.
ALTER TABLE findings ADD COLUMN digest TEXT NOT NULL DEFAULT '';

-- Every distinct item the fleet's inventories hold, once: keyed by the
-- first 8 bytes of the SHA-256 of its JSON, the next 8 checking it (two
-- items whose keys collide are told apart and the host falls back to its
-- inventory). host_items lists each host's items as keys (8 bytes each,
-- big-endian), for the inventory received at received: re-judging reads
-- these and the few items that matter, not every inventory.
CREATE TABLE items (
	key BIGINT PRIMARY KEY,
	check_key BIGINT NOT NULL,
	doc {{BLOB}} NOT NULL
);
CREATE TABLE host_items (
	host_id TEXT PRIMARY KEY REFERENCES hosts(id),
	received BIGINT NOT NULL,
	keys {{BLOB}} NOT NULL
);
