package store

import (
	"encoding/json"
	"time"
)

// Role is what a user may see and do.
type Role string

// Roles. An officer sees and acts on one department's systems only; an
// auditor reads everything and changes nothing; an admin does all.
const (
	Admin   Role = "admin"
	Officer Role = "officer"
	Auditor Role = "auditor"
)

// Valid reports whether r is one of the roles.
func (r Role) Valid() bool { return r == Admin || r == Officer || r == Auditor }

// Viewer is who a read or a change is made for. Every query of the
// store takes one and limits what it returns or does by it, so that a
// handler that forgets a check still cannot leak another department's
// rows.
type Viewer struct {
	UserID   int64
	Username string
	Role     Role
	// Department is an officer's department; empty for admins and
	// auditors.
	Department string
}

// System is the viewer for the server itself (ingest, schedulers): it
// sees everything and is named "system" in the audit log.
var System = Viewer{Username: "system", Role: Admin}

// User is a local account.
type User struct {
	ID         int64  `json:"id"`
	Username   string `json:"username"`
	Role       Role   `json:"role"`
	Department string `json:"department"` // officers only
	// PasswordHash is the encoded hash (argon2id, with its parameters
	// and salt); the store never sees a password.
	PasswordHash string    `json:"-"`
	Created      time.Time `json:"created"`
	// FailedLogins counts the failed logins since the last success, over
	// every address (the back-off itself is the server's, per name and
	// address).
	FailedLogins int `json:"-"`
	// Disabled is when the account was disabled; zero while it is not.
	Disabled time.Time `json:"disabled,omitzero"`
}

// Session is a logged-in browser. Only the token's SHA-256 is kept.
type Session struct {
	TokenHash []byte    `json:"-"`
	UserID    int64     `json:"user_id"`
	CSRF      string    `json:"csrf"` // the form token bound to this session
	Created   time.Time `json:"created"`
	Expires   time.Time `json:"expires"`
}

// EnrollmentToken lets one agent of a department enrol, once. Only the
// token's SHA-256 is kept.
type EnrollmentToken struct {
	Hash       []byte    `json:"-"`
	Department string    `json:"department"`
	CreatedBy  string    `json:"created_by"`
	Created    time.Time `json:"created"`
	Expires    time.Time `json:"expires"`
	// Uses is how many agents may still enrol with it (1 for a one-time
	// token).
	Uses int `json:"uses"`
}

// APIToken lets a program read the API (and, with an officer's scope,
// request waivers) without a browser session: a bearer token with a role
// (officer or auditor, never admin) and an officer's department, until
// it expires or is revoked. Only the token's SHA-256 is kept.
type APIToken struct {
	ID         int64     `json:"id"`
	Hash       []byte    `json:"-"`
	Name       string    `json:"name"`
	Role       Role      `json:"role"`
	Department string    `json:"department"`
	CreatedBy  string    `json:"created_by"`
	Created    time.Time `json:"created"`
	Expires    time.Time `json:"expires"`
	Revoked    time.Time `json:"revoked,omitzero"`
	LastUsed   time.Time `json:"last_used,omitzero"`
}

// Viewer is who the token acts as: "token:NAME" in the audit log.
func (t APIToken) Viewer() Viewer {
	return Viewer{Username: "token:" + t.Name, Role: t.Role, Department: t.Department}
}

// MaxTokenLife is the longest an API token may be made to last.
const MaxTokenLife = 366 * 24 * time.Hour

// Agent is an enrolled machine with its own credential (only the
// secret's SHA-256 is kept).
type Agent struct {
	ID         string    `json:"id"`
	Department string    `json:"department"`
	Host       string    `json:"host"`
	SecretHash []byte    `json:"-"`
	Enrolled   time.Time `json:"enrolled"`
	LastSeen   time.Time `json:"last_seen"`
	// Revoked is when the credential was revoked; zero while it stands.
	Revoked time.Time `json:"revoked,omitzero"`
}

// Host is one scanned machine: what its agent last reported and the
// system of the register it belongs to.
type Host struct {
	ID         string `json:"id"` // the agent's id, or a managed device's (Device)
	Department string `json:"department"`
	Host       string `json:"host"`
	// SystemID, Name, Owner, Classification and Tags are the register's
	// system the host matched (empty SystemID: unregistered, judged as
	// the register's default).
	SystemID       string   `json:"system_id"`
	SystemName     string   `json:"system_name"`
	Owner          string   `json:"owner"`
	Classification string   `json:"classification"`
	Tags           []string `json:"tags"`
	// Clash names the register entry of another department that the
	// host's name matched, when it did: the host is judged as its own
	// department's default instead. Admins and auditors see it; officers
	// read it empty.
	Clash string `json:"clash,omitempty"`
	// Revoked is when the host\'s agent credential was revoked.
	Revoked   time.Time `json:"revoked,omitzero"`
	LastScan  time.Time `json:"last_scan"` // zero: never scanned
	LastFlows time.Time `json:"last_flows"`
	Items     int       `json:"items"`
	Unknowns  int       `json:"unknowns"`
	// Counts of this host's findings, kept up to date by ingest.
	Open    int `json:"open"`
	Waived  int `json:"waived"`
	Overdue int `json:"overdue"`
	// Device is what a device manager says of the host when it is a
	// managed device rather than an agent's machine (nil then); ID is
	// then the server's, with no credential behind it.
	Device *DeviceInfo `json:"device,omitempty"`
}

// FindingState is where a finding stands in its life.
type FindingState string

// Finding states: open when first seen, waived while an approved waiver
// is in force, remediated when a newer inventory of the host no longer
// holds the item, out of scope when the item is still there but no rule
// applies any more (the register, the packs or the catalogue changed, or
// the item changed so that no rule matches: Reason says which), reopened
// when it comes back after either.
const (
	Open       FindingState = "open"
	Waived     FindingState = "waived"
	Remediated FindingState = "remediated"
	OutOfScope FindingState = "out_of_scope"
	Reopened   FindingState = "reopened"
)

// Kind is what a finding is about.
type Kind string

// Kinds of finding: software found on a host, or traffic from a host to a
// restricted destination. Both count alike everywhere.
const (
	Software Kind = "software"
	Traffic  Kind = "traffic"
)

// Finding is one rule broken by one item on one host, with its history.
type Finding struct {
	ID         string       `json:"id"` // stable: policy.FindingID of system, pack, rule, item
	Kind       Kind         `json:"kind"`
	HostID     string       `json:"host_id"`
	Department string       `json:"department"`
	Pack       string       `json:"pack"`
	Rule       string       `json:"rule"`
	Instrument string       `json:"instrument"`
	Title      string       `json:"title"`
	URL        string       `json:"url"`
	Effect     string       `json:"effect"` // prohibit, remove-by, warn
	Item       string       `json:"item"`
	Version    string       `json:"version"`
	Product    string       `json:"product"`
	Supplier   string       `json:"supplier"`
	Country    string       `json:"country"`
	Deadline   time.Time    `json:"deadline,omitzero"` // zero: none
	FirstSeen  time.Time    `json:"first_seen"`
	LastSeen   time.Time    `json:"last_seen"`
	State      FindingState `json:"state"`
	Changed    time.Time    `json:"changed"` // when State last changed
	// Reason is why State last changed when no upload changed it (a
	// change of register, packs or catalogue); empty otherwise.
	Reason string `json:"reason,omitempty"`
	// ItemKey is what the finding is about: the inventory item's id, or
	// the traffic's destination.
	ItemKey string `json:"item_key"`
	// Evidence is the finding.Finding and the item's report.Entry as
	// JSON, for the finding page's evidence chain.
	Evidence json.RawMessage `json:"evidence,omitempty"`
	// Digest names what the finding says (rule, item, attribution,
	// deadline, evidence without the day it was judged on), set by the
	// judge: re-judging that computes the same digests changes nothing.
	Digest string `json:"-"`
}

// MaxCounter is the most a stored traffic counter (bytes, flows) holds:
// 2^53-1, about 9 PB, exact as a float64. Stores add counters up to it and
// no further, and sum them without overflow, so that no upload can make a
// page fail; the server refuses an upload whose counter is larger.
const MaxCounter uint64 = 1<<53 - 1

// AddCounters adds traffic counters, saturating at MaxCounter.
func AddCounters(a, b uint64) uint64 {
	a, b = min(a, MaxCounter), min(b, MaxCounter)
	return min(a+b, MaxCounter)
}

// FlowFinding is a traffic finding with its traffic: from one host to
// one restricted destination, added up over what the host's agent
// uploaded (the destination's FlowSummary).
type FlowFinding struct {
	ID          string          `json:"id"`
	HostID      string          `json:"host_id"`
	Department  string          `json:"department"`
	Pack        string          `json:"pack"`
	Rule        string          `json:"rule"`
	Instrument  string          `json:"instrument"`
	Title       string          `json:"title"`
	URL         string          `json:"url"`
	Effect      string          `json:"effect"`
	Destination string          `json:"destination"` // "entity:ID" or "country:CC"
	Name        string          `json:"name"`        // the destination's name
	Country     string          `json:"country"`     // controlling or registered country
	ASN         uint32          `json:"asn"`
	BytesOut    uint64          `json:"bytes_out"`
	BytesIn     uint64          `json:"bytes_in"`
	Flows       uint64          `json:"flows"`
	First       time.Time       `json:"first"`
	Last        time.Time       `json:"last"`
	Deadline    time.Time       `json:"deadline,omitzero"`
	State       FindingState    `json:"state"`
	Changed     time.Time       `json:"changed"`
	Reason      string          `json:"reason,omitempty"`
	Evidence    json.RawMessage `json:"evidence,omitempty"`
}

// FlowSummary is a host's traffic to one destination, whatever the rules
// say of it: summed over uploads, counters saturating at MaxCounter.
// Aggregate is the egress aggregate (JSON) the judge reads again.
type FlowSummary struct {
	HostID      string          `json:"host_id"`
	Department  string          `json:"department"`
	Destination string          `json:"destination"`
	Name        string          `json:"name"`
	Country     string          `json:"country"`    // controlling country, or registered where no entity is known
	Registered  string          `json:"registered"` // the country the addresses are registered in (the first seen)
	ASN         uint32          `json:"asn"`
	BytesOut    uint64          `json:"bytes_out"`
	BytesIn     uint64          `json:"bytes_in"`
	Flows       uint64          `json:"flows"`
	First       time.Time       `json:"first"`
	Last        time.Time       `json:"last"`
	Aggregate   json.RawMessage `json:"aggregate,omitempty"`
}

// WaiverState is where a waiver request stands.
type WaiverState string

// Waiver states.
const (
	Requested WaiverState = "requested"
	Approved  WaiverState = "approved"
	Rejected  WaiverState = "rejected"
)

// Waiver excuses one finding until Expiry once approved.
type Waiver struct {
	ID          int64       `json:"id"`
	FindingID   string      `json:"finding_id"`
	HostID      string      `json:"host_id"`
	Department  string      `json:"department"`
	Reason      string      `json:"reason"`
	Expiry      time.Time   `json:"expiry"`
	RequestedBy string      `json:"requested_by"`
	Requested   time.Time   `json:"requested"`
	State       WaiverState `json:"state"`
	DecidedBy   string      `json:"decided_by"`
	Decided     time.Time   `json:"decided"`
	Note        string      `json:"note"`
}

// AuditEntry is one change, chained to the one before by its hash:
// Hash = SHA-256(Prev || canonical encoding of the other fields).
type AuditEntry struct {
	Seq    int64     `json:"seq"`
	At     time.Time `json:"at"`
	Actor  string    `json:"actor"`
	Action string    `json:"action"` // e.g. "user.create", "waiver.approve", "upload.inventory"
	Object string    `json:"object"` // what it was done to
	Detail string    `json:"detail"` // JSON
	Prev   []byte    `json:"prev"`
	Hash   []byte    `json:"hash"`
}
