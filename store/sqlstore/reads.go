package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/embargo-dev/embargo/store"
)

// maxRows bounds a list when the caller sets no limit, so that one
// request cannot ask for the whole estate's findings in memory.
const maxRows = store.MaxFindingRows

func limit(n int) int {
	if n <= 0 || n > maxRows {
		return maxRows
	}
	return n
}

// list runs a query in a read transaction and scans each row with scan.
func list[T any](ctx context.Context, s *Store, query string, args []any, scan func(interface{ Scan(...any) error }) (T, error)) ([]T, error) {
	var out []T
	err := s.view(ctx, func(tx *sql.Tx) error {
		out = nil
		rows, err := tx.QueryContext(ctx, s.d.q(query), args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			x, err := scan(rows)
			if err != nil {
				return err
			}
			out = append(out, x)
		}
		return rows.Err()
	})
	return out, err
}

// one runs a query for one row; no row is ErrNotFound.
func one[T any](ctx context.Context, s *Store, query string, args []any, scan func(interface{ Scan(...any) error }) (T, error)) (T, error) {
	var x T
	err := s.view(ctx, func(tx *sql.Tx) error {
		var err error
		x, err = scan(tx.QueryRowContext(ctx, s.d.q(query), args...))
		if errors.Is(err, sql.ErrNoRows) {
			return store.ErrNotFound
		}
		return err
	})
	return x, err
}

const hostCols = `id, department, host, system_id, system_name, owner, classification, tags, clash, revoked, last_scan, last_flows, items, unknowns,
	open_count, waived_count, overdue_count, device, device_source, device_seen, device_missed`

func scanHost(row interface{ Scan(...any) error }) (store.Host, error) {
	var h store.Host
	var tags, source string
	var device sql.NullString
	var scan, flows, revoked, seen int64
	var missed int
	err := row.Scan(&h.ID, &h.Department, &h.Host, &h.SystemID, &h.SystemName, &h.Owner, &h.Classification, &tags, &h.Clash, &revoked,
		&scan, &flows, &h.Items, &h.Unknowns, &h.Open, &h.Waived, &h.Overdue, &device, &source, &seen, &missed)
	if err == nil {
		if jerr := json.Unmarshal([]byte(tags), &h.Tags); jerr != nil {
			return h, fmt.Errorf("host %q tags: %w", h.ID, jerr)
		}
		if len(h.Tags) == 0 {
			h.Tags = nil
		}
		if device.Valid {
			d, derr := decodeDevice(device.String)
			if derr != nil {
				return h, fmt.Errorf("host %q device: %w", h.ID, derr)
			}
			d.Connector, d.Seen, d.Missed = source, tm(seen), missed
			h.Device = &d
		}
	}
	h.LastScan, h.LastFlows, h.Revoked = tm(scan), tm(flows), tm(revoked)
	return h, err
}

// Hosts lists the hosts v may see, by department and name.
func (s *Store) Hosts(ctx context.Context, v store.Viewer, f store.HostFilter) ([]store.Host, error) {
	cond, args := scope(v, "department")
	if f.Department != "" {
		cond += " AND department = ?"
		args = append(args, f.Department)
	}
	if f.Query != "" {
		pat := likePattern(f.Query)
		cond += ` AND (LOWER(host) LIKE ? ESCAPE '\' OR LOWER(system_name) LIKE ? ESCAPE '\' OR LOWER(owner) LIKE ? ESCAPE '\')`
		args = append(args, pat, pat, pat)
	}
	order := ` ORDER BY department, host, id`
	if f.ByAttention {
		// The order of the hosts_attention index.
		order = ` ORDER BY department, overdue_count DESC, open_count DESC, last_scan, host, id`
	}
	args = append(args, limit(f.Limit), max(0, f.Offset))
	hs, err := list(ctx, s, `SELECT `+hostCols+` FROM hosts WHERE 1 = 1`+cond+order+` LIMIT ? OFFSET ?`, args, scanHost)
	if err != nil {
		return nil, fmt.Errorf("list hosts: %w", err)
	}
	for i := range hs {
		hideClash(v, &hs[i])
	}
	return hs, nil
}

// Host returns one host v may see.
func (s *Store) Host(ctx context.Context, v store.Viewer, id string) (store.Host, error) {
	cond, args := scope(v, "department")
	h, err := one(ctx, s, `SELECT `+hostCols+` FROM hosts WHERE id = ?`+cond, append([]any{id}, args...), scanHost)
	if err != nil {
		return store.Host{}, fmt.Errorf("host %q: %w", id, err)
	}
	hideClash(v, &h)
	return h, nil
}

// hideClash keeps from an officer the other department's system a host's
// name matched.
func hideClash(v store.Viewer, h *store.Host) {
	if v.Role == store.Officer {
		h.Clash = ""
	}
}

// Inventory returns the last scan report of a host v may see.
func (s *Store) Inventory(ctx context.Context, v store.Viewer, hostID string) ([]byte, error) {
	b, _, err := s.InventoryAt(ctx, v, hostID)
	return b, err
}

// InventoryAt is the host's last inventory and when it was received.
func (s *Store) InventoryAt(ctx context.Context, v store.Viewer, hostID string) ([]byte, time.Time, error) {
	type inv struct {
		b  []byte
		at int64
	}
	cond, args := scope(v, "h.department")
	x, err := one(ctx, s, `SELECT i.report, i.received FROM inventories i JOIN hosts h ON h.id = i.host_id WHERE i.host_id = ?`+cond,
		append([]any{hostID}, args...), func(row interface{ Scan(...any) error }) (inv, error) {
			var x inv
			err := row.Scan(&x.b, &x.at)
			return x, err
		})
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("inventory of host %q: %w", hostID, err)
	}
	b, err := expandReport(x.b)
	return b, tm(x.at), err
}

const findingCols = `id, host_id, department, pack, rule, instrument, title, url, effect, item, version, product, supplier, country,
	deadline, first_seen, last_seen, state, changed, kind, reason, item_key, evidence`

// findingColsNoEvidence are findingCols with an empty evidence, for
// lists that do not show it: the store then never reads its bytes.
const findingColsNoEvidence = `id, host_id, department, pack, rule, instrument, title, url, effect, item, version, product, supplier, country,
	deadline, first_seen, last_seen, state, changed, kind, reason, item_key, ''`

// standing is the condition of open findings, spelled as the partial
// indexes of migration 002 are, so that both engines use them.
const standing = `state IN ('open', 'reopened')`

func scanFinding(row interface{ Scan(...any) error }) (store.Finding, error) {
	var f store.Finding
	var deadline, first, last, changed int64
	var state, kind, evidence string
	err := row.Scan(&f.ID, &f.HostID, &f.Department, &f.Pack, &f.Rule, &f.Instrument, &f.Title, &f.URL, &f.Effect, &f.Item,
		&f.Version, &f.Product, &f.Supplier, &f.Country, &deadline, &first, &last, &state, &changed, &kind, &f.Reason, &f.ItemKey, &evidence)
	f.Kind = store.Kind(kind)
	f.Deadline, f.FirstSeen, f.LastSeen, f.Changed = deadlineTM(deadline), tm(first), tm(last), tm(changed)
	f.State = store.FindingState(state)
	if evidence != "" {
		f.Evidence = json.RawMessage(evidence)
	}
	return f, err
}

// filter is the conditions of a FindingFilter on top of v's scope, on
// the columns of the findings table as alias names it ("" or "f.").
func filter(v store.Viewer, f store.FindingFilter, alias string) (string, []any) {
	cond, args := scope(v, alias+"department")
	add := func(c string, a any) {
		cond += c
		args = append(args, a)
	}
	if f.Department != "" {
		add(" AND "+alias+"department = ?", f.Department)
	}
	if f.HostID != "" {
		add(" AND "+alias+"host_id = ?", f.HostID)
	}
	switch {
	case f.OpenOrReopened:
		cond += " AND " + alias + standing
	case f.State != "":
		add(" AND "+alias+"state = ?", string(f.State))
	}
	if f.Instrument != "" {
		add(" AND "+alias+"instrument = ?", f.Instrument)
	}
	if f.Kind != "" {
		add(" AND "+alias+"kind = ?", string(f.Kind))
	}
	if f.Query != "" {
		pat := likePattern(f.Query)
		cond += ` AND (LOWER(` + alias + `item) LIKE ? ESCAPE '\' OR LOWER(` + alias + `product) LIKE ? ESCAPE '\' OR LOWER(` + alias +
			`supplier) LIKE ? ESCAPE '\' OR LOWER(` + alias + `instrument) LIKE ? ESCAPE '\')`
		args = append(args, pat, pat, pat, pat)
	}
	return cond, args
}

// maxQuery bounds a search's text.
const maxQuery = 200

// likePattern is a LIKE pattern of q anywhere, lower case, with LIKE's
// own characters escaped (by \).
func likePattern(q string) string {
	if len(q) > maxQuery {
		q = strings.ToValidUTF8(q[:maxQuery], "")
	}
	q = strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(strings.ToLower(q))
	return "%" + q + "%"
}

// Findings lists the findings v may see, soonest deadline first (none
// last), or by id from AfterID with ByID.
func (s *Store) Findings(ctx context.Context, v store.Viewer, f store.FindingFilter) ([]store.Finding, error) {
	cond, args := filter(v, f, "")
	cols := findingCols
	if f.NoEvidence {
		cols = findingColsNoEvidence
	}
	order := ` ORDER BY deadline, id`
	if f.ByID {
		cond += " AND id > ?"
		args = append(args, f.AfterID)
		order = ` ORDER BY id`
	}
	fs, err := list(ctx, s, `SELECT `+cols+` FROM findings WHERE 1 = 1`+cond+order+` LIMIT ?`, append(args, limit(f.Limit)), scanFinding)
	if err != nil {
		return nil, fmt.Errorf("list findings: %w", err)
	}
	return fs, nil
}

// Finding returns one finding v may see.
func (s *Store) Finding(ctx context.Context, v store.Viewer, id string) (store.Finding, error) {
	cond, args := scope(v, "department")
	f, err := one(ctx, s, `SELECT `+findingCols+` FROM findings WHERE id = ?`+cond, append([]any{id}, args...), scanFinding)
	if err != nil {
		return store.Finding{}, fmt.Errorf("finding %q: %w", id, err)
	}
	return f, nil
}

// flowCols are a traffic finding (f) with its destination's traffic (t).
const flowCols = `f.id, f.host_id, f.department, f.pack, f.rule, f.instrument, f.title, f.url, f.effect, f.item_key, f.product, f.country,
	COALESCE(t.asn, 0), COALESCE(t.bytes_out, 0), COALESCE(t.bytes_in, 0), COALESCE(t.flows, 0), COALESCE(t.first_at, f.first_seen),
	COALESCE(t.last_at, f.last_seen), f.deadline, f.state, f.changed, f.reason, f.evidence`

func scanFlow(row interface{ Scan(...any) error }) (store.FlowFinding, error) {
	var f store.FlowFinding
	var asn, out, in, flows, first, last, deadline, changed int64
	var evidence string
	err := row.Scan(&f.ID, &f.HostID, &f.Department, &f.Pack, &f.Rule, &f.Instrument, &f.Title, &f.URL, &f.Effect, &f.Destination, &f.Name,
		&f.Country, &asn, &out, &in, &flows, &first, &last, &deadline, &f.State, &changed, &f.Reason, &evidence)
	f.ASN, f.BytesOut, f.BytesIn, f.Flows = uint32(asn), uint64(out), uint64(in), uint64(flows)
	f.First, f.Last, f.Deadline, f.Changed = tm(first), tm(last), deadlineTM(deadline), tm(changed)
	if evidence != "" {
		f.Evidence = json.RawMessage(evidence)
	}
	return f, err
}

// FlowFindings lists the traffic findings v may see with their traffic,
// most bytes out first.
func (s *Store) FlowFindings(ctx context.Context, v store.Viewer, f store.FindingFilter) ([]store.FlowFinding, error) {
	cond, args := filter(v, f, "f.")
	cols := flowCols
	if f.NoEvidence {
		cols = strings.TrimSuffix(flowCols, "f.evidence") + "''"
	}
	fs, err := list(ctx, s, `SELECT `+cols+` FROM findings f LEFT JOIN flow_summaries t ON t.host_id = f.host_id AND t.destination = f.item_key
		WHERE f.kind = 'traffic'`+cond+` ORDER BY COALESCE(t.bytes_out, 0) DESC, f.id LIMIT ?`,
		append(args, limit(f.Limit)), scanFlow)
	if err != nil {
		return nil, fmt.Errorf("list flow findings: %w", err)
	}
	return fs, nil
}

// Departments lists the departments v may see: an officer's own, or
// every department with an enrolled agent.
func (s *Store) Departments(ctx context.Context, v store.Viewer) ([]string, error) {
	if v.Role == store.Officer {
		return []string{v.Department}, nil
	}
	cond, args := scope(v, "department")
	// The departments are few and the hosts many: one probe of
	// hosts_department a department (a skip scan), not every host.
	ds, err := list(ctx, s, `WITH RECURSIVE d (department) AS (
			SELECT MIN(department) FROM hosts WHERE 1 = 1`+cond+`
			UNION ALL
			SELECT (SELECT MIN(h.department) FROM hosts h WHERE h.department > d.department) FROM d WHERE d.department IS NOT NULL)
		SELECT department FROM d WHERE department IS NOT NULL ORDER BY department`, args,
		func(row interface{ Scan(...any) error }) (string, error) {
			var d string
			err := row.Scan(&d)
			return d, err
		})
	if err != nil {
		return nil, fmt.Errorf("list departments: %w", err)
	}
	return ds, nil
}
