-- The data feed the fleet is judged by: each bundle of the signed feed
-- (TUF metadata and targets) that an admin installed or the server
-- mirrored, stored only after the server verified it with its trust
-- root. Replicas install the newest from here; agents fetch it and
-- verify it with their own root, so the server cannot alter it unseen.
-- Older rows keep their facts and lose their bytes.
CREATE TABLE feed_bundles (
	id {{ID}},
	feed_version BIGINT NOT NULL,
	sha256 TEXT NOT NULL,
	size BIGINT NOT NULL,
	data_digest TEXT NOT NULL,
	policy_version BIGINT NOT NULL,
	installed BIGINT NOT NULL,
	installed_by TEXT NOT NULL,
	status TEXT NOT NULL,
	bundle {{BLOB}}
);

-- What each re-judging changed, finding by finding, under the policy
-- version it judged by (a feed, a register, packs): the "what changed
-- with feed N" view. A finding's later life is in findings; this keeps
-- the change.
CREATE TABLE finding_changes (
	version BIGINT NOT NULL,
	finding_id TEXT NOT NULL,
	host_id TEXT NOT NULL,
	department TEXT NOT NULL,
	kind TEXT NOT NULL,
	instrument TEXT NOT NULL,
	item TEXT NOT NULL,
	product TEXT NOT NULL,
	was TEXT NOT NULL,
	became TEXT NOT NULL,
	at BIGINT NOT NULL,
	PRIMARY KEY (version, finding_id)
);
CREATE INDEX finding_changes_department ON finding_changes(department, version, host_id);
