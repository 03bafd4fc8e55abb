package store

import (
	"encoding/json"
	"time"
)

// MaxFeedBundle bounds a feed bundle the server takes: the catalogue and
// packs are a few hundred kilobytes, the IP data snapshot tens of
// megabytes.
const MaxFeedBundle = 256 << 20

// FeedBundle is one bundle of the signed data feed (its TUF metadata and
// targets in one file), as the server verified and stored it.
type FeedBundle struct {
	ID int64 `json:"id"`
	// FeedVersion is the version of the feed's targets metadata.
	FeedVersion int64  `json:"feed_version"`
	SHA256      string `json:"sha256"` // of the bundle file
	Size        int64  `json:"size"`
	// DataDigest names the catalogue and packs it carries, as reports
	// name them.
	DataDigest string `json:"data_digest"`
	// PolicyVersion is the fleet's policy version it made: the
	// re-judging that applied it, and the changes recorded under it.
	PolicyVersion int64     `json:"policy_version"`
	Installed     time.Time `json:"installed"`
	InstalledBy   string    `json:"installed_by"`
	// Status is what verifying it found (feed.Installed): targets,
	// signers, root version, expiry.
	Status json.RawMessage `json:"status"`
	// Stored says whether its bytes are kept (only the newest's are).
	Stored bool `json:"stored"`
}

// FindingChange is one finding that re-judging by a policy version
// opened, reopened, ended or moved (instrument, deadline).
type FindingChange struct {
	Version    int64     `json:"version"`
	FindingID  string    `json:"finding_id"`
	HostID     string    `json:"host_id"`
	Department string    `json:"department"`
	Kind       Kind      `json:"kind"`
	Instrument string    `json:"instrument"`
	Item       string    `json:"item"`
	Product    string    `json:"product"`
	Was        string    `json:"was"` // the state before; "" for a new finding
	Became     string    `json:"became"`
	At         time.Time `json:"at"`
}
