package sqlstore

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/embargo-dev/embargo/store"
	"github.com/embargo-dev/embargo/store/storetest"
)

var readHosts = flag.Int("read-hosts", 50000, "hosts of the estate BenchmarkReads reads")

// fillEstate writes hosts hosts of 20 departments with 10 findings
// each (7 open, 1 waived, 2 remediated, deadlines spread over a year)
// and 90 days of trend straight into the tables, in bulk: ApplyScan's
// speed is BenchmarkApplyScan's business.
func fillEstate(b *testing.B, st *Store, hosts int, now time.Time) {
	ctx := context.Background()
	err := st.update(ctx, func(tx *sql.Tx) error {
		const per = 500
		for start := 0; start < hosts; start += per {
			end := min(hosts, start+per)
			var agents, hs, fs []any
			for i := start; i < end; i++ {
				id, dept := fmt.Sprintf("agent-%06d", i), fmt.Sprintf("D%02d", i%20)
				agents = append(agents, id, dept, id, []byte("s"), ts(now))
				hs = append(hs, id, dept, "ws-"+id, ts(now.Add(-time.Duration(i%72)*time.Hour)), 2000, 3, 7, 1, i%3)
				for j := range 10 {
					state := "open"
					switch {
					case j == 7:
						state = "waived"
					case j > 7:
						state = "remediated"
					}
					// Deadlines a year either side of now: a tenth of
					// the open findings are overdue.
					deadline := now.Add(time.Duration((i+j)%3650-365) * 24 * time.Hour)
					fs = append(fs, fmt.Sprintf("F-%06d-%d", i, j), id, dept, "uk", "r", fmt.Sprintf("INST-%d", j%4), "t", "u", "remove-by",
						"item", "1", "p", "s", "CN", deadlineTS(deadline), ts(now), ts(now), state, ts(now), `{}`)
				}
			}
			for _, q := range []struct {
				sql  string
				cols int
				args []any
			}{
				{`INSERT INTO agents (id, department, host, secret_hash, enrolled) VALUES %s`, 5, agents},
				{`INSERT INTO hosts (id, department, host, last_scan, items, unknowns, open_count, waived_count, overdue_count) VALUES %s`, 9, hs},
				{`INSERT INTO findings (id, host_id, department, pack, rule, instrument, title, url, effect, item, version, product,
					supplier, country, deadline, first_seen, last_seen, state, changed, evidence) VALUES %s`, 20, fs},
			} {
				for at := 0; at < len(q.args); at += maxParams / q.cols * q.cols {
					part := q.args[at:min(len(q.args), at+maxParams/q.cols*q.cols)]
					if _, err := tx.ExecContext(ctx, st.d.q(fmt.Sprintf(q.sql, placeholders(len(part)/q.cols, q.cols))), part...); err != nil {
						return err
					}
				}
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO finding_counts (department, instrument, state, n)
			SELECT department, instrument, state, COUNT(*) FROM findings GROUP BY department, instrument, state`); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO deadline_counts (department, instrument, deadline, n)
			SELECT department, instrument, deadline, COUNT(*) FROM findings
			WHERE state IN ('open', 'reopened') AND deadline <> 9223372036854775807 GROUP BY department, instrument, deadline`); err != nil {
			return err
		}
		for d := range 90 {
			for dep := range 20 {
				if _, err := tx.ExecContext(ctx, st.d.q(`INSERT INTO trend (day, department, open_count, overdue_count, remediated_count) VALUES (?, ?, ?, ?, ?)`),
					day(now)-int64(d), fmt.Sprintf("D%02d", dep), hosts/20*7, hosts/20*3, d); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := st.w.ExecContext(ctx, `ANALYZE`); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkReads reads an estate of -read-hosts hosts (10 findings
// each) as the dashboard does, as an admin and as one department's
// officer.
func BenchmarkReads(b *testing.B) {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	officer := store.Viewer{Username: "o", Role: store.Officer, Department: "D07"}
	for _, engine := range []string{"sqlite", "postgres"} {
		b.Run(engine, func(b *testing.B) {
			dsn := "sqlite:" + filepath.Join(b.TempDir(), "fleet.db")
			if engine == "postgres" {
				dsn = storetest.StartPostgres(b).NewDatabase(b)
			}
			st, err := Open(context.Background(), dsn)
			if err != nil {
				b.Fatal(err)
			}
			defer st.Close()
			fillEstate(b, st, *readHosts, now)
			ctx := context.Background()
			for _, r := range []struct {
				name string
				do   func() error
			}{
				{"Overview/admin", func() error { _, err := st.Overview(ctx, store.System, now); return err }},
				{"Overview/officer", func() error { _, err := st.Overview(ctx, officer, now); return err }},
				{"Hosts/page", func() error { _, err := st.Hosts(ctx, officer, store.HostFilter{Limit: 100, Offset: 500}); return err }},
				{"Findings/open", func() error {
					_, err := st.Findings(ctx, officer, store.FindingFilter{State: store.Open, Limit: 100})
					return err
				}},
				{"Findings/host", func() error {
					_, err := st.Findings(ctx, store.System, store.FindingFilter{HostID: "agent-000007"})
					return err
				}},
				{"Trend/90d", func() error { _, err := st.Trend(ctx, store.System, 90, now); return err }},
				// The department page and report: a department of
				// -read-hosts/20 hosts, its lists cut at 15 (the report)
				// and 200 (the page); since an hour ago every finding
				// of the fixture is new, the most a report can count.
				{"DepartmentFacts/15", func() error {
					_, err := st.DepartmentFacts(ctx, store.System, "D07", time.Time{}, now, 15)
					return err
				}},
				{"DepartmentFacts/200", func() error {
					_, err := st.DepartmentFacts(ctx, officer, "D07", time.Time{}, now, 200)
					return err
				}},
				{"DepartmentFacts/since", func() error {
					_, err := st.DepartmentFacts(ctx, officer, "D07", now.Add(-time.Hour), now, 15)
					return err
				}},
				// The report's table: every standing finding of the
				// department grouped by instrument and product.
				{"DepartmentProducts/50", func() error {
					_, _, err := st.DepartmentProducts(ctx, officer, "D07", 50)
					return err
				}},
				{"Hosts/attention", func() error {
					_, err := st.Hosts(ctx, officer, store.HostFilter{Department: "D07", ByAttention: true, Limit: 300})
					return err
				}},
				{"Findings/open-no-evidence", func() error {
					_, err := st.Findings(ctx, officer, store.FindingFilter{Department: "D07", OpenOrReopened: true, NoEvidence: true, Limit: 200})
					return err
				}},
			} {
				b.Run(r.name, func(b *testing.B) {
					for b.Loop() {
						if err := r.do(); err != nil {
							b.Fatal(err)
						}
					}
				})
			}
		})
	}
}
