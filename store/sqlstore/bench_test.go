package sqlstore

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/json"
	"flag"
	"fmt"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/embargo-dev/embargo/store"
	"github.com/embargo-dev/embargo/store/storetest"
)

// benchHosts is how many hosts BenchmarkApplyScan's uploads cycle
// through; -hosts 10000 -benchtime 10000x is the fleet of the issue,
// each host uploading once.
var benchHosts = flag.Int("hosts", 200, "hosts enrolled for BenchmarkApplyScan")

// benchReport is a scan report of items entries, of the size a real
// one of a desktop has (about 600 bytes an item, 1.2 MB for 2,000).
func benchReport(items int) []byte {
	type entry struct {
		Name, Version, Source, Path, Supplier, Product, Country, Evidence, License, Hash string
	}
	es := make([]entry, items)
	for i := range es {
		es[i] = entry{
			Name: fmt.Sprintf("package-%05d", i), Version: fmt.Sprintf("%d.%d.%d-1ubuntu%d", i%7, i%13, i%29, i%3), Source: "dpkg",
			Path:     fmt.Sprintf("/var/lib/dpkg/info/package-%05d.list", i),
			Supplier: "Some Supplier Ltd", Product: fmt.Sprintf("Product %d", i), Country: "GB",
			License: "GPL-2.0-or-later AND LGPL-2.1-or-later AND MIT", Hash: fmt.Sprintf("%x", sha256.Sum256(fmt.Appendf(nil, "%d", i))),
			Evidence: fmt.Sprintf("maintainer Some Supplier <packages@supplier%d.example>; homepage https://supplier%d.example/product/%d; installed-size %d", i%50, i%50, i, i*17),
		}
	}
	b, _ := json.Marshal(map[string]any{"generated": "2026-03-02T09:00:00Z", "host": "ws", "items": es})
	return b
}

// benchFindings are a host's 10 findings of an upload; one of them
// changes from upload to upload, so that each applies a new finding and
// remediates one.
func benchFindings(host string, upload int) []store.Finding {
	fs := make([]store.Finding, 10)
	for i := range fs {
		n := i
		if i == 9 {
			n = 9 + upload%2
		}
		fs[i] = store.Finding{ID: fmt.Sprintf("F-%s-%d", host, n), Pack: "uk", Rule: "supplier-ban", Instrument: "BOD-17-01",
			Title: "Remove restricted supplier software", Effect: "remove-by", Item: fmt.Sprintf("package-%05d", n), Version: "1.0",
			Product: "Antivirus", Supplier: "Kaspersky", Country: "RU", Deadline: time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC),
			Evidence: json.RawMessage(`{"finding":{"rule":"supplier-ban"},"entry":{"name":"package"}}`)}
	}
	return fs
}

// benchApplyScan applies uploads of hosts hosts with 2,000-item reports
// and 10 findings, from several goroutines at once as the server does.
func benchApplyScan(b *testing.B, st *Store, hosts int, report []byte) {
	ctx := context.Background()
	agents := make([]string, hosts)
	for i := range agents {
		h := sha256.Sum256(fmt.Appendf(nil, "token-%d", i))
		err := st.CreateEnrollmentToken(ctx, store.System, store.EnrollmentToken{Hash: h[:], Department: fmt.Sprintf("D%d", i%20), Expires: time.Now().Add(time.Hour), Uses: 1})
		if err != nil {
			b.Fatal(err)
		}
		a, err := st.Enroll(ctx, h[:], store.Agent{ID: fmt.Sprintf("agent-%05d", i), Host: fmt.Sprintf("ws-%05d", i), SecretHash: []byte("s")}, time.Now())
		if err != nil {
			b.Fatal(err)
		}
		agents[i] = a.ID
	}
	b.SetBytes(int64(len(report)))
	var next atomic.Int64
	start := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	b.SetParallelism(2)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := int(next.Add(1))
			agent := agents[i%hosts]
			_, err := st.ApplyScan(ctx, store.ScanUpload{AgentID: agent, Digest: fmt.Sprintf("%064d", i), Received: start.Add(time.Duration(i) * time.Second),
				Host: store.Host{SystemID: "sys", Items: 2000, Unknowns: 3}, Report: report, Findings: benchFindings(agent, i/hosts)})
			if err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "uploads/s")
}

// BenchmarkApplyScan reports uploads applied a second, with the report
// stored as JSON ("raw", 1.2 MB) and as the server may store it,
// gzipped ("gzip").
func BenchmarkApplyScan(b *testing.B) {
	hosts := *benchHosts
	raw := benchReport(2000)
	var gz bytes.Buffer
	w := gzip.NewWriter(&gz)
	w.Write(raw)
	w.Close()
	var pg *storetest.Cluster
	for _, engine := range []string{"sqlite", "postgres"} {
		for _, r := range []struct {
			name   string
			report []byte
		}{{"raw", raw}, {"gzip", gz.Bytes()}} {
			b.Run(engine+"/"+r.name, func(sub *testing.B) {
				dsn := "sqlite:" + filepath.Join(sub.TempDir(), "fleet.db")
				if engine == "postgres" {
					if pg == nil {
						pg = storetest.StartPostgres(b) // one cluster, stopped when all are done
					}
					dsn = pg.NewDatabase(sub)
				}
				st, err := Open(context.Background(), dsn)
				if err != nil {
					sub.Fatal(err)
				}
				defer st.Close()
				benchApplyScan(sub, st, hosts, r.report)
			})
		}
	}
}
