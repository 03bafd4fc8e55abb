package server

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/embargo-dev/embargo/attribute"
	"github.com/embargo-dev/embargo/catalog"
	"github.com/embargo-dev/embargo/report"
	"github.com/embargo-dev/embargo/scan"
	"github.com/embargo-dev/embargo/store"
	"github.com/embargo-dev/embargo/store/sqlstore"
)

// benchReport is a real scan report of a host with n dpkg packages, two
// of them Kaspersky's, as bench/fleetload makes for bench/fleet.sh.
func benchReport(b *testing.B, n int) []byte {
	b.Helper()
	root := b.TempDir()
	dir := filepath.Join(root, "var", "lib", "dpkg")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.Fatal(err)
	}
	var s bytes.Buffer
	pkg := func(name, version, maint string) {
		fmt.Fprintf(&s, "Package: %s\nStatus: install ok installed\nMaintainer: %s\nArchitecture: amd64\nVersion: %s\nDescription: %s\n\n", name, maint, version, name)
	}
	pkg("kesl", "12.1.0.1297", "AO Kaspersky Lab <support@kaspersky.com>")
	pkg("klnagent64", "15.1.0.20748", "AO Kaspersky Lab <support@kaspersky.com>")
	for i := 2; i < n; i++ {
		pkg(fmt.Sprintf("libbench%04d", i), fmt.Sprintf("1.%d-1", i%17), "Debian Developers <debian-devel@lists.debian.org>")
	}
	if err := os.WriteFile(filepath.Join(dir, "status"), s.Bytes(), 0o644); err != nil {
		b.Fatal(err)
	}
	cat, err := catalog.Embedded()
	if err != nil {
		b.Fatal(err)
	}
	rep, err := scan.Run(context.Background(), attribute.New(cat), []string{root}, scan.Options{Version: "bench"})
	if err != nil {
		b.Fatal(err)
	}
	var out bytes.Buffer
	if err := (report.JSON{}).Encode(&out, rep); err != nil {
		b.Fatal(err)
	}
	return out.Bytes()
}

// BenchmarkIngest splits the server's cost of one 2,000-item inventory
// upload (what bench/fleet.sh measures through HTTP) into its stages:
// decoding the report, attributing and judging it, and the whole
// applyScan with the SQLite store's transaction; and the cost of judging
// the host again after a change of packs.
//
//	go test -run '^$' -bench Ingest -benchtime 20x -count 5 ./server/
func BenchmarkIngest(b *testing.B) {
	body := benchReport(b, 2000)
	ctx := context.Background()
	s, st := benchServer(b)
	now := time.Now()
	tok, rec, err := NewEnrollmentToken("DWP", 1000, time.Hour, "bench", now)
	if err != nil {
		b.Fatal(err)
	}
	if err := st.CreateEnrollmentToken(ctx, store.System, rec); err != nil {
		b.Fatal(err)
	}
	sum := sha256.Sum256([]byte(tok))
	agent, err := st.Enroll(ctx, sum[:], store.Agent{ID: "bench-agent", Department: "DWP", Host: "ws-1", SecretHash: make([]byte, 32)}, now)
	if err != nil {
		b.Fatal(err)
	}
	ps, err := s.policyState(ctx)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("decode", func(b *testing.B) {
		for b.Loop() {
			if _, err := decodeScanReport(body); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("judge", func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			rep, err := decodeScanReport(body)
			if err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			if _, err := s.judgeScan(ps, agent, rep, now, nil); err != nil {
				b.Fatal(err)
			}
		}
	})
	i := 0
	b.Run("apply", func(b *testing.B) {
		for b.Loop() {
			i++
			d := sha256.Sum256(fmt.Appendf(nil, "upload %d", i))
			if _, _, err := s.applyScan(ctx, agent, body, hex.EncodeToString(d[:]), now.Add(time.Duration(i)*time.Second)); err != nil {
				b.Fatal(err)
			}
		}
	})
	// Judging the host again from its stored inventory after a change of
	// packs, as the re-judger does (read, decode, attribute, judge,
	// apply): against "apply", the upload of the same inventory.
	b.Run("rejudge", func(b *testing.B) {
		packs := [][]string{{"uk"}, {"all"}}
		for b.Loop() {
			b.StopTimer()
			i++
			if err := st.PutPolicies(ctx, store.System, packs[i%2]); err != nil {
				b.Fatal(err)
			}
			s.forget()
			b.StartTimer()
			if n, err := s.Rejudge(ctx); err != nil || n != 1 {
				b.Fatalf("re-judged %d hosts: %v", n, err)
			}
		}
	})
}

// BenchmarkRejudgeBatch: the server's share of re-judging one batch of
// 250 hosts of 2,000 items from the item index (claim and apply are the
// store's): against "judge" of BenchmarkIngest, the upload's judging of
// one such host. The hosts' findings are as stored (nothing to write).
//
//	go test -run '^$' -bench RejudgeBatch -benchtime 5x -count 5 ./server/
func BenchmarkRejudgeBatch(b *testing.B) {
	body := benchReport(b, 2000)
	ctx := context.Background()
	s, _ := benchServer(b)
	now := time.Now()
	agent := store.Agent{ID: "bench-agent", Department: "DWP", Host: "ws-1"}
	ps, err := s.policyState(ctx)
	if err != nil {
		b.Fatal(err)
	}
	rep, err := decodeScanReport(body)
	if err != nil {
		b.Fatal(err)
	}
	up, err := s.judgeScan(ps, agent, rep, now, nil)
	if err != nil {
		b.Fatal(err)
	}
	docs, err := itemDocs(rep)
	if err != nil {
		b.Fatal(err)
	}
	keys := make([]int64, len(docs))
	for i, d := range docs {
		keys[i] = d.Key
	}
	items := newItemJudge(s, ps)
	for _, d := range docs { // as if loaded from the store
		it, err := decodeItem(d)
		if err != nil {
			b.Fatal(err)
		}
		items.items[d.Key] = &keptItem{item: it, attr: ps.data.attr.Attribute(it)}
	}
	var prior []store.PriorFinding
	for _, f := range up.Findings {
		prior = append(prior, store.PriorFinding{ID: f.ID, Kind: f.Kind, State: store.Open, Digest: f.Digest, FirstSeen: f.FirstSeen})
	}
	in := make([]store.RejudgeInput, 250)
	for i := range in {
		in[i] = store.RejudgeInput{Host: up.Host, Received: now, Indexed: true, Keys: keys, Findings: prior}
	}
	job := store.RejudgeJob{Version: ps.version, Reason: "bench"}
	for b.Loop() {
		rs, err := s.judgeBatch(ctx, ps, items, job, in, s.newPacer())
		if err != nil {
			b.Fatal(err)
		}
		if !rs[0].Unchanged {
			b.Fatal("judged again the same, a host is not unchanged")
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(in))/1e6, "ms/host")
}

// benchServer is a server on a new SQLite store in the benchmark's
// temporary folder.
func benchServer(b *testing.B) (*Server, *sqlstore.Store) {
	b.Helper()
	st, err := sqlstore.Open(context.Background(), "sqlite:"+filepath.Join(b.TempDir(), "embargo.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	s, err := New(Config{Store: st, Listen: "127.0.0.1:0"})
	if err != nil {
		b.Fatal(err)
	}
	return s, st
}
