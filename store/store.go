// Package store keeps the fleet's state for `embargo serve`: users and
// sessions, enrolled agents, the hosts they scan, findings with their
// life (open, waived, remediated, reopened), flow findings, waivers, the
// systems register and the policies in force, department reports, and an
// append-only, hash-chained audit log of every change.
//
// One implementation over database/sql serves both SQLite (modernc.org/sqlite,
// the default, a file in the data folder) and PostgreSQL (jackc/pgx), with
// one set of migrations. Access is decided in the queries: every method
// takes the Viewer it works for, an officer's reads are limited to their
// department, and changes a viewer may not make return ErrForbidden.
package store

import (
	"context"
	"errors"
	"time"
)

// Errors the store returns (wrapped); handlers map them to HTTP codes.
var (
	ErrNotFound  = errors.New("not found")
	ErrForbidden = errors.New("forbidden")
	ErrConflict  = errors.New("conflict")
	ErrInvalid   = errors.New("invalid")
	// ErrStale is an upload or a re-judging done by a policy version, or
	// of an inventory, that is no longer current: judge again and retry.
	ErrStale = errors.New("stale")
)

// Store is the fleet's state. Implementations are safe for concurrent use.
type Store interface {
	// Users and sessions.
	CreateUser(ctx context.Context, v Viewer, u User) (User, error)
	UserByName(ctx context.Context, name string) (User, error)
	UserByID(ctx context.Context, id int64) (User, error)
	Users(ctx context.Context, v Viewer) ([]User, error)
	// LoginFailed counts a failed login (LoginSucceeded clears the
	// count). It locks nothing: the server slows guessing down per name
	// and address instead, so that no one can lock an account's owner out.
	LoginFailed(ctx context.Context, userID int64) error
	LoginSucceeded(ctx context.Context, userID int64) error
	CreateSession(ctx context.Context, s Session) error
	SessionByToken(ctx context.Context, tokenHash []byte, now time.Time) (Session, error)
	DeleteSession(ctx context.Context, tokenHash []byte) error

	// Agents.
	CreateEnrollmentToken(ctx context.Context, v Viewer, t EnrollmentToken) error
	// Enroll spends one use of the token whose hash is given (ErrNotFound
	// when unknown, used up or expired) and records the agent, in one
	// transaction: two agents racing for the last use cannot both win.
	Enroll(ctx context.Context, tokenHash []byte, a Agent, now time.Time) (Agent, error)
	AgentByID(ctx context.Context, id string) (Agent, error)
	// Revocation and rotation, each audited: an agent's credential
	// revoked (admins), an agent's secret replaced (by the agent), an
	// enrolment token's uses spent (admins), a user disabled with their
	// sessions ended (admins, not their own account).
	RevokeAgent(ctx context.Context, v Viewer, id string, now time.Time) error
	RotateAgentSecret(ctx context.Context, id string, secretHash []byte) error
	RevokeEnrollmentToken(ctx context.Context, v Viewer, tokenHash []byte) error
	DisableUser(ctx context.Context, v Viewer, username string, now time.Time) error

	// API tokens: admins create (officer or auditor scope, never admin;
	// expiring within MaxTokenLife) and revoke them, each audited;
	// APITokenByHash finds a token in force at now (ErrNotFound when
	// unknown, expired or revoked) and notes its use.
	CreateAPIToken(ctx context.Context, v Viewer, t APIToken) (APIToken, error)
	APITokens(ctx context.Context, v Viewer) ([]APIToken, error)
	RevokeAPIToken(ctx context.Context, v Viewer, id int64, now time.Time) error
	APITokenByHash(ctx context.Context, hash []byte, now time.Time) (APIToken, error)

	// Ingest. Both are idempotent by (agent, digest): a retried upload
	// returns duplicate=true and changes nothing. Each runs in one
	// transaction: an upload is applied whole or not at all.
	ApplyScan(ctx context.Context, s ScanUpload) (duplicate bool, err error)
	ApplyFlows(ctx context.Context, f FlowUpload) (duplicate bool, err error)

	// Managed devices. UpsertDeviceHosts keeps one pull's devices as
	// hosts of its department, in one transaction (admins and System):
	// a device not yet kept gets a host, and an agents row of kind
	// device with no secret, which AgentByID never returns, so that no
	// credential can ever act as it; a device kept gets its record and
	// when it was seen. An id held by an agent, or by another
	// department's device, is refused (in the result, not an error). A
	// complete pull counts a missed pull for each of the connector's
	// devices it left out; none is deleted. Audited once per pull. A
	// device's apps are then applied by ApplyScan with its host's id.
	UpsertDeviceHosts(ctx context.Context, v Viewer, p DevicePull) (DevicePullResult, error)
	// DeviceFindings are the standing findings on managed devices that v
	// may see, by instrument, product, app and device (or by id, ByID).
	DeviceFindings(ctx context.Context, v Viewer, f DeviceFilter) ([]DeviceFinding, error)

	// Network equipment: what each host's last scan listed
	// (ScanUpload.Equipment) that v may see, by department, site and
	// address, with its status read from its findings; and what it can
	// be filtered by, within a department (empty: all v may see).
	Equipment(ctx context.Context, v Viewer, f EquipmentFilter) ([]Equipment, error)
	EquipmentFacets(ctx context.Context, v Viewer, department string) (EquipmentFacets, error)

	// The systems register (the YAML of policy/systems) and the policy
	// packs in force; admins change them.
	PutRegister(ctx context.Context, v Viewer, yaml []byte) error
	Register(ctx context.Context) ([]byte, error)
	PutPolicies(ctx context.Context, v Viewer, packIDs []string) error
	Policies(ctx context.Context) ([]string, error)

	// Re-judging. Every change of register or packs bumps the policy
	// version in its own transaction, as NoteCatalogue does when a server
	// judges by another catalogue than the last; uploads judged by an
	// older version are refused (ErrStale). One server at a time, holding
	// a lease, judges every stored inventory and flow summary again, host
	// by host, resuming after the last host done.
	PolicyVersion(ctx context.Context) (PolicyVersion, error)
	NoteCatalogue(ctx context.Context, digest string, now time.Time) (bumped bool, err error)
	// ClaimHosts claims, for owner until now+lease, a batch of the
	// current version's re-judging: one whose claim lapsed, else the next
	// n hosts in id order (several servers share the work, a batch each),
	// and returns the job and what judging its hosts needs; no hosts:
	// none is left to claim. ItemDocs are the stored items of keys.
	// ApplyRejudged applies the batch's findings judged again (ErrStale
	// when the version changed; nothing, done 0, when the batch's claim
	// lapsed to another): a host marked Unchanged is not written, the
	// others are written as an upload writes them (findings not judged now
	// out of scope), except a host whose inventory changed since the
	// claim (its upload judged it); the batch is done. FinishRejudge marks
	// the version done once every batch is; it reports whether it did.
	ClaimHosts(ctx context.Context, owner string, n int, now time.Time, lease time.Duration) (RejudgeJob, []RejudgeInput, error)
	ItemDocs(ctx context.Context, keys []int64) (map[int64]ItemDoc, error)
	ApplyRejudged(ctx context.Context, job RejudgeJob, rs []Rejudged) (done int, err error)
	FinishRejudge(ctx context.Context, job RejudgeJob, now time.Time) (bool, error)
	// The data feed. PutFeed stores a bundle the server verified, notes
	// its data as the catalogue judged by and, when that changed, bumps
	// the policy version, in one transaction (a bundle already newest
	// changes nothing; an older feed version is ErrInvalid). Feed is the
	// newest (ErrNotFound: none), FeedData the bytes of the newest,
	// Feeds every one installed, newest first.
	PutFeed(ctx context.Context, v Viewer, b FeedBundle, data []byte, now time.Time) (FeedBundle, error)
	Feed(ctx context.Context) (FeedBundle, error)
	FeedData(ctx context.Context, id int64) ([]byte, error)
	Feeds(ctx context.Context, v Viewer) ([]FeedBundle, error)
	// Changes are the findings v may see that re-judging by version
	// changed, by host, at most limit (0: MaxFactsLimit).
	Changes(ctx context.Context, v Viewer, version int64, limit int) ([]FindingChange, error)
	// FlowSummaries are a host's traffic per destination.
	FlowSummaries(ctx context.Context, v Viewer, hostID string) ([]FlowSummary, error)
	// Destinations is the traffic v may see added up per destination
	// over hosts, whatever the rules say of it, most bytes out first, at
	// most limit (0: MaxFactsLimit).
	Destinations(ctx context.Context, v Viewer, limit int) ([]DestinationTotal, error)

	// Reads, limited to what v may see.
	Hosts(ctx context.Context, v Viewer, f HostFilter) ([]Host, error)
	Host(ctx context.Context, v Viewer, id string) (Host, error)
	// Inventory is the host's last uploaded scan report (JSON).
	Inventory(ctx context.Context, v Viewer, hostID string) ([]byte, error)
	// InventoryAt is Inventory with the time it was received.
	InventoryAt(ctx context.Context, v Viewer, hostID string) ([]byte, time.Time, error)
	Findings(ctx context.Context, v Viewer, f FindingFilter) ([]Finding, error)
	Finding(ctx context.Context, v Viewer, id string) (Finding, error)
	FlowFindings(ctx context.Context, v Viewer, f FindingFilter) ([]FlowFinding, error)
	Overview(ctx context.Context, v Viewer, now time.Time) (Overview, error)
	// Trend is the daily counts of open, overdue and remediated findings
	// over the last days, oldest first.
	Trend(ctx context.Context, v Viewer, days int, now time.Time) ([]TrendPoint, error)
	Departments(ctx context.Context, v Viewer) ([]string, error)
	// DepartmentFacts is what the department page and report show of
	// department dept at now, read with a few indexed aggregate queries
	// whatever the department's size: counts over the whole department
	// and the first limit (0 to MaxFactsLimit) rows of each list. Changes
	// are those after since (zero: none are read). A department v may not
	// see, or (for admins and auditors) one without hosts, is
	// ErrNotFound.
	DepartmentFacts(ctx context.Context, v Viewer, dept string, since, now time.Time, limit int) (DepartmentFacts, error)
	// DepartmentProducts are the department's open and waived findings
	// grouped by instrument, product (or traffic destination) and effect,
	// each with its hosts, systems and owners counted: the department
	// report's table, by instrument, then nearest deadline; the first
	// limit (1 to MaxFactsLimit) of rows in all. Unlike DepartmentFacts it
	// reads every such finding of the department.
	DepartmentProducts(ctx context.Context, v Viewer, dept string, limit int) (rows []ProductRow, total int, err error)

	// Waivers: officers and admins request; only an admin other than the
	// requester approves or rejects. An approved waiver in force makes
	// its finding waived; ingest brings it back when the waiver expires.
	RequestWaiver(ctx context.Context, v Viewer, w Waiver) (Waiver, error)
	DecideWaiver(ctx context.Context, v Viewer, id int64, approve bool, note string, now time.Time) (Waiver, error)
	Waivers(ctx context.Context, v Viewer, state WaiverState) ([]Waiver, error)
	Waiver(ctx context.Context, v Viewer, id int64) (Waiver, error)

	// Department reports: each one printed is kept, so the next can say
	// what changed since.
	SaveReport(ctx context.Context, v Viewer, department string, at time.Time, snapshot []byte) error
	LastReport(ctx context.Context, v Viewer, department string) (at time.Time, snapshot []byte, err error)

	// Audit log. Every change above appends an entry in the change's own
	// transaction.
	Audit(ctx context.Context, v Viewer, afterSeq int64, limit int) ([]AuditEntry, error)
	// VerifyAudit recomputes the chain; it returns the number of entries
	// checked and an error naming the first entry that does not match.
	VerifyAudit(ctx context.Context) (int64, error)
	// AuditHead is the chain's last entry: its seq and hash (0 and none
	// when the log is empty). Checkpoints sign it.
	AuditHead(ctx context.Context) (seq int64, hash []byte, err error)

	Ping(ctx context.Context) error
	Close() error
}

// ScanUpload is one inventory scan of one host, judged by the server.
type ScanUpload struct {
	AgentID string
	// Actor names who uploaded in the audit log; empty: "agent:AgentID"
	// (a managed device's apps are the connector's, "mdm:NAME").
	Actor    string
	Digest   string // hex SHA-256 of the uploaded body
	Received time.Time
	Host     Host // register fields, counts of items and unknowns, LastScan
	// Report is the scan report (JSON, or gzip-compressed JSON) kept,
	// compressed, as the host's inventory.
	Report []byte
	// Findings are every software finding the scan shows now. The host's
	// software findings not among them become remediated when their item
	// is not in Present (the ids of the items the scan holds), out of
	// scope when it is.
	Findings []Finding
	Present  []string
	// Items are the report's items, each once, as re-judging reads them
	// (nil: the host is re-judged from Report).
	Items []ItemDoc
	// Equipment is the network equipment the scan lists (each once by
	// item): it replaces the host's, each piece keeping when it was first
	// seen.
	Equipment []Equipment
	// PolicyVersion is the version the findings were judged by; a later
	// one current makes the upload ErrStale.
	PolicyVersion int64
}

// FlowUpload is one flows report of one host.
type FlowUpload struct {
	AgentID  string
	Digest   string
	Received time.Time
	HostID   string
	// Summaries are the upload's traffic, added to the host's summaries
	// by destination (counters summed, first/last widened; the aggregate
	// replaced). Findings are the host's traffic findings judged on the
	// summaries with this upload added: new ones open, standing ones
	// kept up to date; none is ended by a flows upload.
	Summaries     []FlowSummary
	Findings      []Finding
	PolicyVersion int64
}

// DestinationTotal is the traffic of hosts to one destination.
type DestinationTotal struct {
	Destination string `json:"destination"`
	Name        string `json:"name"`
	Country     string `json:"country"`    // controlling country, or registered where no entity is known
	Registered  string `json:"registered"` // the country its addresses are registered in
	BytesOut    uint64 `json:"bytes_out"`
	BytesIn     uint64 `json:"bytes_in"`
	Flows       uint64 `json:"flows"`
	Hosts       int    `json:"hosts"`
}

// PolicyVersion is what the fleet is judged by, and how far re-judging
// has gone.
type PolicyVersion struct {
	Version int64     `json:"version"`
	Changed time.Time `json:"changed,omitzero"`
	// Reason is the change that made the version: a register or packs
	// put (by whom), or a catalogue.
	Reason    string `json:"reason"`
	Catalogue string `json:"catalogue"` // the digest of the catalogue last noted
	// Done is the last version every stored inventory and flow summary
	// has been judged by.
	Done       int64     `json:"done"`
	Owner      string    `json:"owner,omitempty"` // the server re-judging
	Lease      time.Time `json:"lease,omitzero"`
	HostsDone  int64     `json:"hosts_done"`
	HostsTotal int64     `json:"hosts_total"`
	Started    time.Time `json:"started,omitzero"`
	Finished   time.Time `json:"finished,omitzero"`
}

// RejudgeJob is a claimed re-judging: of Version, by Owner, resuming
// after the host After.
// Rejudged is one host judged again without an upload: its software
// findings from its stored inventory (received at Inventory; zero when it
// has none), its traffic findings from its flow summaries. Findings not
// among them of a kind judged become out of scope; new ones open and
// ones out of scope reopened, each with Reason.
type Rejudged struct {
	HostID string
	// Unchanged says the host's findings and register fields are as
	// stored: nothing is written but that it was judged.
	Unchanged bool
	Inventory time.Time
	Host      Host // the register's fields: system, owner, classification, tags, clash
	Software  []Finding
	Traffic   []Finding
	Reason    string
	At        time.Time
}

// MaxFindingRows is the most findings one Findings call returns; longer
// lists are read in pages (FindingFilter.ByID, AfterID).
const MaxFindingRows = 100_000

// HostFilter narrows Hosts.
type HostFilter struct {
	Department string
	// ByAttention lists the hosts that need attention first: most
	// overdue findings, then most open, then longest unscanned, then by
	// name (rather than by department and name).
	ByAttention bool
	// Query keeps the hosts whose name, system or owner holds it (any
	// case).
	Query  string
	Limit  int // 0: all
	Offset int
}

// FindingFilter narrows Findings and FlowFindings.
type FindingFilter struct {
	Department string
	HostID     string
	State      FindingState // empty: all
	Instrument string
	// Kind keeps one kind of finding; empty: both.
	Kind Kind
	// Query keeps the findings whose item, product, supplier or
	// instrument holds it (any case).
	Query string
	// Limit bounds the rows (0: the store's maximum, MaxFindingRows).
	Limit int
	// OpenOrReopened lists only open and reopened findings (what the
	// counts call open); State is then ignored.
	OpenOrReopened bool
	// NoEvidence leaves Evidence out, for lists that do not show it: it
	// is most of a finding's bytes.
	NoEvidence bool
	// ByID orders by id instead of by deadline, and lists only the ids
	// after AfterID: pages of a list of any length (an export) without
	// an offset to skip.
	ByID    bool
	AfterID string
}

// Overview is the estate at a glance.
type Overview struct {
	Hosts          int     `json:"hosts"`
	ScannedLastDay int     `json:"scanned_last_day"`
	NeverScanned   int     `json:"never_scanned"`
	Unknowns       int     `json:"unknowns"`
	Open           int     `json:"open"`
	Waived         int     `json:"waived"`
	DueIn30Days    int     `json:"due_in_30_days"`
	Overdue        int     `json:"overdue"`
	Remediated     int     `json:"remediated"`
	OutOfScope     int     `json:"out_of_scope"`
	ByInstrument   []Count `json:"by_instrument"`    // open findings
	ByDepartment   []Count `json:"by_department"`    // open findings
	EgressBytesOut uint64  `json:"egress_bytes_out"` // to catalogued or listed destinations
	// Traffic counts the open traffic findings (in Open too).
	Traffic int `json:"traffic"`
}

// Count is a named count.
type Count struct {
	Name    string `json:"name"`
	N       int    `json:"count"`
	Overdue int    `json:"overdue"`
}

// TrendPoint is one day's counts.
type TrendPoint struct {
	Day        time.Time `json:"day"`
	Open       int       `json:"open"`
	Overdue    int       `json:"overdue"`
	Remediated int       `json:"remediated"`
}

// MaxFactsLimit bounds the lists of DepartmentFacts.
const MaxFactsLimit = 1000

// FactsWindow is DepartmentFacts' horizon: a host not scanned within it
// is stale; a deadline or a waiver's expiry within it is soon.
const FactsWindow = 30 * 24 * time.Hour

// DepartmentFacts is one department's standing at one time.
type DepartmentFacts struct {
	Hosts int `json:"hosts"`
	// Stale counts the hosts not scanned within FactsWindow, or never;
	// StaleHosts are the first of them, never scanned and longest
	// unscanned first, then by name.
	Stale      int    `json:"stale"`
	StaleHosts []Host `json:"stale_hosts"`
	// Open counts open and reopened findings; Overdue those of them
	// past their deadline, DueSoon those due within FactsWindow.
	Open       int `json:"open"`
	Waived     int `json:"waived"`
	Remediated int `json:"remediated"`
	OutOfScope int `json:"out_of_scope"`
	Overdue    int `json:"overdue"`
	DueSoon    int `json:"due_soon"`
	// ByInstrument counts open findings (and overdue ones), most first,
	// then by name.
	ByInstrument []Count `json:"by_instrument"`
	// Deadlines counts the open findings with a deadline. Findings are
	// the first open findings, nearest deadline first, those without
	// one last, then by id; without evidence.
	Deadlines int                 `json:"deadlines"`
	Findings  []DepartmentFinding `json:"findings"`
	// Since is what changed after the since given.
	Since FindingChanges `json:"since"`
	// Expiring counts the approved waivers expiring within FactsWindow;
	// ExpiringWaivers are the first, soonest first.
	Expiring        int                `json:"expiring"`
	ExpiringWaivers []DepartmentWaiver `json:"expiring_waivers"`
}

// FindingChanges is what changed in a department after a time, told by
// the findings' own timestamps: new findings (first seen after it and
// open or reopened now), and findings seen before it that were
// remediated or reopened after it and stand so now. Each list is the
// first of its count, in the order of the change, then by id.
type FindingChanges struct {
	New                int                 `json:"new"`
	Remediated         int                 `json:"remediated"`
	Reopened           int                 `json:"reopened"`
	NewFindings        []DepartmentFinding `json:"new_findings"`
	RemediatedFindings []DepartmentFinding `json:"remediated_findings"`
	ReopenedFindings   []DepartmentFinding `json:"reopened_findings"`
}

// DepartmentFinding is a finding (without evidence) with the names of
// its host.
type DepartmentFinding struct {
	Finding
	Host       string `json:"host"`
	SystemName string `json:"system_name"`
	Owner      string `json:"owner"`
}

// ProductRow is one product (or traffic destination) under one
// instrument in a department: how many hosts, the first system and owner
// by name and how many there are, the nearest deadline, and how many of
// its findings are open and waived.
type ProductRow struct {
	Instrument string    `json:"instrument"`
	Title      string    `json:"title"`
	URL        string    `json:"url"`
	Kind       Kind      `json:"kind"`
	Product    string    `json:"product"` // a catalogue product id, or the item's name when none
	Item       string    `json:"item"`    // an item's name, for an example
	Supplier   string    `json:"supplier"`
	Effect     string    `json:"effect"`
	Deadline   time.Time `json:"deadline,omitzero"`
	Hosts      int       `json:"hosts"`
	Open       int       `json:"open"`
	Waived     int       `json:"waived"`
	System     string    `json:"system"`
	Systems    int       `json:"systems"`
	Owner      string    `json:"owner"`
	Owners     int       `json:"owners"`
}

// DepartmentWaiver is a waiver with its host's name.
type DepartmentWaiver struct {
	Waiver
	Host string `json:"host"`
}
