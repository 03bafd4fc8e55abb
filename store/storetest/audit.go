package storetest

import (
	"bytes"
	"strings"
	"sync"
	"testing"

	"github.com/embargo-dev/embargo/store"
)

func testAuditChain(t *testing.T, f *fixture) {
	a := f.enrol(t, "DWP", "ws-1")
	f.scan(t, a, "s1", t0, finding("F1", "X", t0))
	es, err := f.st.Audit(f.ctx, f.admin, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for i, e := range es {
		if e.Seq != int64(i+1) || len(e.Hash) != 32 || e.At.IsZero() {
			t.Errorf("entry %d = %+v", i, e)
		}
		actions = append(actions, e.Action)
	}
	want := "user.create user.create user.create user.create user.create token.create agent.enroll upload.inventory"
	if got := strings.Join(actions, " "); got != want {
		t.Errorf("actions = %q, want %q", got, want)
	}
	if last := es[len(es)-1]; last.Actor != "agent:"+a || !strings.Contains(last.Detail, `"new":1`) {
		t.Errorf("upload entry = %+v", last)
	}
	page, err := f.st.Audit(f.ctx, f.auditor, 6, 1)
	if err != nil || len(page) != 1 || page[0].Seq != 7 {
		t.Errorf("Audit(after 6, limit 1) = %+v, %v", page, err)
	}
	if n, err := f.st.VerifyAudit(f.ctx); err != nil || n != int64(len(es)) {
		t.Errorf("VerifyAudit = %d, %v; want %d", n, err, len(es))
	}
	last := es[len(es)-1]
	if seq, hash, err := f.st.AuditHead(f.ctx); err != nil || seq != last.Seq || !bytes.Equal(hash, last.Hash) {
		t.Errorf("AuditHead = %d %x, %v; want the last entry, %d %x", seq, hash, err, last.Seq, last.Hash)
	}
}

// testAuditTamper changes the log behind the store's back, each case on
// a fresh copy of the chain: VerifyAudit must name the first bad entry.
func testAuditTamper(t *testing.T, f *fixture) {
	// The fixture's five users are entries 1-5; add some more.
	for i := range 5 {
		if err := f.st.PutPolicies(f.ctx, f.admin, []string{string(rune('a' + i))}); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		name string
		sql  []string
		want string
	}{
		{"edit detail", []string{`UPDATE audit SET detail = '{"id":99}' WHERE seq = 3`}, "entry 3"},
		{"edit actor", []string{`UPDATE audit SET actor = 'mallory' WHERE seq = 4`}, "entry 4"},
		{"delete a middle entry", []string{`DELETE FROM audit WHERE seq = 6`}, "entry 6"},
		{"delete the last entry", []string{`DELETE FROM audit WHERE seq = 10`}, "entry 10"},
		{"swap two entries", []string{`UPDATE audit SET seq = -7 WHERE seq = 7`, `UPDATE audit SET seq = 7 WHERE seq = 8`, `UPDATE audit SET seq = 8 WHERE seq = -7`}, "entry 7"},
	} {
		t.Run(c.name, func(t *testing.T) {
			// Keep the good chain, tamper, check, and put it back.
			tx, err := f.db.BeginTx(f.ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := tx.Exec(`CREATE TABLE audit_copy AS SELECT * FROM audit`); err != nil {
				t.Fatal(err)
			}
			for _, q := range c.sql {
				if _, err := tx.Exec(q); err != nil {
					t.Fatalf("tamper %q: %v", q, err)
				}
			}
			if err := tx.Commit(); err != nil {
				t.Fatal(err)
			}
			_, err = f.st.VerifyAudit(f.ctx)
			if err == nil || !strings.Contains(err.Error(), c.want+":") {
				t.Errorf("VerifyAudit after %s = %v, want an error naming %q", c.name, err, c.want)
			}
			for _, q := range []string{`DELETE FROM audit`, `INSERT INTO audit SELECT * FROM audit_copy`, `DROP TABLE audit_copy`} {
				if _, err := f.db.Exec(q); err != nil {
					t.Fatalf("restore: %q: %v", q, err)
				}
			}
			if _, err := f.st.VerifyAudit(f.ctx); err != nil {
				t.Fatalf("restored chain: %v", err)
			}
		})
	}
}

// testAuditConcurrent appends from many goroutines at once: the chain
// must come out whole, one entry per change, never forked.
func testAuditConcurrent(t *testing.T, f *fixture) {
	before := f.auditLen(t)
	const workers, each = 8, 10
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				if err := f.st.PutPolicies(f.ctx, f.admin, []string{string(rune('a'+w)) + string(rune('a'+i))}); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	n, err := f.st.VerifyAudit(f.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n != before+workers*each {
		t.Errorf("%d entries, want %d", n, before+workers*each)
	}
	es, err := f.st.Audit(f.ctx, store.System, before, 0)
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i < len(es); i++ {
		if string(es[i].Prev) != string(es[i-1].Hash) {
			t.Fatalf("entry %d does not follow %d", es[i].Seq, es[i-1].Seq)
		}
	}
}
