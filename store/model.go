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
	ID         int64
	Username   string
	Role       Role
	Department string // officers only
	// PasswordHash is the encoded hash (argon2id, with its parameters
	// and salt); the store never sees a password.
	PasswordHash string
	Created      time.Time
	// FailedLogins and LockedUntil carry the login rate limit across
	// restarts and replicas.
	FailedLogins int
	LockedUntil  time.Time
}

// Session is a logged-in browser. Only the token's SHA-256 is kept.
type Session struct {
	TokenHash []byte
	UserID    int64
	CSRF      string // the form token bound to this session
	Created   time.Time
	Expires   time.Time
}

// EnrollmentToken lets one agent of a department enrol, once. Only the
// token's SHA-256 is kept.
type EnrollmentToken struct {
	Hash       []byte
	Department string
	CreatedBy  string
	Created    time.Time
	Expires    time.Time
	// Uses is how many agents may still enrol with it (1 for a one-time
	// token).
	Uses int
}

// Agent is an enrolled machine with its own credential (only the
// secret's SHA-256 is kept).
type Agent struct {
	ID         string
	Department string
	Host       string
	SecretHash []byte
	Enrolled   time.Time
	LastSeen   time.Time
}

// Host is one scanned machine: what its agent last reported and the
// system of the register it belongs to.
type Host struct {
	ID         string // the agent's id
	Department string
	Host       string
	// SystemID, Name, Owner, Classification and Tags are the register's
	// system the host matched (empty SystemID: unregistered, judged as
	// the register's default).
	SystemID       string
	SystemName     string
	Owner          string
	Classification string
	Tags           []string
	LastScan       time.Time // zero: never scanned
	LastFlows      time.Time
	Items          int
	Unknowns       int
	// Counts of this host's findings, kept up to date by ingest.
	Open, Waived, Overdue int
}

// FindingState is where a finding stands in its life.
type FindingState string

// Finding states: open when first seen, waived while an approved waiver
// is in force, remediated when a later scan no longer shows the item,
// reopened when it comes back after that.
const (
	Open       FindingState = "open"
	Waived     FindingState = "waived"
	Remediated FindingState = "remediated"
	Reopened   FindingState = "reopened"
)

// Finding is one rule broken by one item on one host, with its history.
type Finding struct {
	ID         string // stable: policy.FindingID of system, pack, rule, item
	HostID     string
	Department string
	Pack       string
	Rule       string
	Instrument string
	Title      string
	URL        string
	Effect     string // prohibit, remove-by, warn
	Item       string
	Version    string
	Product    string
	Supplier   string
	Country    string
	Deadline   time.Time // zero: none
	FirstSeen  time.Time
	LastSeen   time.Time
	State      FindingState
	Changed    time.Time // when State last changed
	// Evidence is the report.Finding and the item's report.Entry as
	// JSON, for the finding page's evidence chain.
	Evidence json.RawMessage
}

// FlowFinding is traffic from one host to one restricted destination,
// added up over what the host's agent uploaded.
type FlowFinding struct {
	ID          string
	HostID      string
	Department  string
	Pack, Rule  string
	Instrument  string
	Effect      string
	Destination string // catalogue entity, or country code
	Country     string // controlling or registered country
	ASN         uint32
	BytesOut    uint64
	BytesIn     uint64
	Flows       uint64
	First, Last time.Time
	Evidence    json.RawMessage
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
	ID          int64
	FindingID   string
	HostID      string
	Department  string
	Reason      string
	Expiry      time.Time
	RequestedBy string
	Requested   time.Time
	State       WaiverState
	DecidedBy   string
	Decided     time.Time
	Note        string
}

// AuditEntry is one change, chained to the one before by its hash:
// Hash = SHA-256(Prev || canonical encoding of the other fields).
type AuditEntry struct {
	Seq    int64
	At     time.Time
	Actor  string
	Action string // e.g. "user.create", "waiver.approve", "upload.inventory"
	Object string // what it was done to
	Detail string // JSON
	Prev   []byte
	Hash   []byte
}
