package sqlstore

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/embargo-dev/embargo/store"
)

// TestMigrateFlowFindings opens a store at schema 6, where traffic
// findings lived apart (flow_findings, one row per rule and destination),
// and migrates it: each becomes an open traffic finding counted with the
// rest, and each destination's traffic a summary, not summed twice.
func TestMigrateFlowFindings(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	s, err := openSQLite(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.migrateTo(ctx, 6); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC).UnixNano()
	for _, q := range []string{
		`INSERT INTO agents (id, department, host, secret_hash, enrolled) VALUES ('a1', 'DWP', 'ws-1', x'00', 0)`,
		`INSERT INTO hosts (id, department, host, open_count) VALUES ('a1', 'DWP', 'ws-1', 1)`,
		`INSERT INTO finding_counts (department, instrument, state, n) VALUES ('DWP', 'BOD-17-01', 'open', 1)`,
		`INSERT INTO department_counts (department, open_count, waived_count, overdue_count) VALUES ('DWP', 1, 0, 0)`,
	} {
		if _, err := s.w.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	for _, rule := range []string{"r1", "r2"} {
		if _, err := s.w.ExecContext(ctx, `INSERT INTO flow_findings (id, host_id, department, pack, rule, instrument, effect, destination,
			country, asn, bytes_out, bytes_in, flows, first_at, last_at, evidence) VALUES (?, 'a1', 'DWP', 'uk', ?, 'BOD-17-01', 'warn',
			'entity:kaspersky-ao', 'RU', 200107, 100, 10, 2, ?, ?, '{}')`, "FL-"+rule, rule, at, at); err != nil {
			t.Fatal(err)
		}
	}
	s.Close()
	st, err := Open(ctx, "sqlite:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	now := time.Unix(0, at)
	o, err := st.Overview(ctx, store.System, now)
	if err != nil {
		t.Fatal(err)
	}
	if o.Open != 3 || o.Traffic != 2 || o.EgressBytesOut != 100 || len(o.ByInstrument) != 1 || o.ByInstrument[0].N != 3 {
		t.Errorf("overview after migrating: %+v; want 3 open (2 traffic), 100 bytes out (not summed per rule)", o)
	}
	h, err := st.Host(ctx, store.System, "a1")
	if err != nil || h.Open != 3 {
		t.Errorf("host after migrating: %+v %v; want 3 open", h, err)
	}
	fl, err := st.FlowFindings(ctx, store.System, store.FindingFilter{})
	if err != nil || len(fl) != 2 || fl[0].BytesOut != 100 || fl[0].State != store.Open {
		t.Errorf("flow findings after migrating: %+v %v", fl, err)
	}
	if p, err := st.PolicyVersion(ctx); err != nil || p.Version != 1 || p.Done != 1 {
		t.Errorf("policy version after migrating: %+v %v", p, err)
	}
}
