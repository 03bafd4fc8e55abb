-- Re-judging in batches that several servers share: a server claims the
-- next hosts in id order after the version's cursor as one batch, until
-- a lease (a dead server's batch is claimed again once it lapses), judges
-- them and marks the batch done. No host row is written for a host whose
-- findings do not change. The cursor's row is the claims' lock.
CREATE TABLE rejudge_cursor (
	version BIGINT PRIMARY KEY,
	after_host TEXT NOT NULL
);
CREATE TABLE rejudge_batches (
	version BIGINT NOT NULL,
	seq BIGINT NOT NULL,
	first_host TEXT NOT NULL,
	last_host TEXT NOT NULL,
	owner TEXT NOT NULL,
	lease BIGINT NOT NULL,
	hosts BIGINT NOT NULL,
	done BIGINT NOT NULL DEFAULT 0,
	PRIMARY KEY (version, seq)
);

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
