package main

import (
	"bufio"
	"context"
	"database/sql"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/embargo-dev/embargo/store"
	"github.com/embargo-dev/embargo/store/sqlstore"
)

// TestAuditCheckpoints: a server given a key signs the audit log's head
// into a checkpoint file as the log grows and at shutdown; `audit verify`
// with the checkpoints and the public key then tells a log cut short, or
// rewritten with every later hash recomputed — both of which the chain
// alone passes (issue 14).
func TestAuditCheckpoints(t *testing.T) {
	dir := t.TempDir()
	data, key, cps := filepath.Join(dir, "data"), filepath.Join(dir, "audit.key"), filepath.Join(dir, "checkpoints.jsonl")
	pub, stderr, code := runIn(t, "", "audit", "keygen", "--out", key)
	if code != 0 || !strings.HasPrefix(pub, "embargo-audit+") {
		t.Fatalf("keygen: exit %d, %q %s", code, pub, stderr)
	}
	if st, err := os.Stat(key); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("private key: %v, mode %v", err, st.Mode())
	}
	for i := range 3 {
		if _, stderr, code := runIn(t, "a long enough password\n", "admin", "create-user", "--data", data,
			"--username", "user"+string(rune('a'+i)), "--role", "auditor", "--password-stdin"); code != 0 {
			t.Fatalf("create-user: %s", stderr)
		}
	}
	// Six changes, and the server noting the catalogue it judges by.
	serveUntil(t, data, key, cps, func() {
		for i := range 3 {
			if _, stderr, code := runIn(t, "", "admin", "create-enrollment-token", "--data", data, "--department", "DWP"); code != 0 {
				t.Fatalf("create-enrollment-token %d: %s", i, stderr)
			}
			time.Sleep(300 * time.Millisecond) // a checkpoint between changes
		}
	})
	stdout, stderr, code := runIn(t, "", "audit", "verify", "--data", data, "--checkpoints", cps, "--key", key+".pub")
	if code != 0 || !strings.Contains(stdout, "vouch for entries 1 to 7") {
		t.Fatalf("audit verify of an honest log: exit %d, %q %s", code, stdout, stderr)
	}
	lines, _ := os.ReadFile(cps)
	if n := strings.Count(string(lines), "\n"); n < 2 {
		t.Errorf("%d checkpoints written; want one as the log grew and one at shutdown", n)
	}

	pristine, err := os.ReadFile(filepath.Join(data, "embargo.db"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		tamper func(db *sql.DB)
		says   string
	}{
		{"cut short", func(db *sql.DB) { cutAudit(t, db, 4) }, "cut short"},
		{"rewritten", func(db *sql.DB) { rewriteAudit(t, db, 2) }, "was rewritten: its hash is"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := os.WriteFile(filepath.Join(data, "embargo.db"), pristine, 0o600); err != nil {
				t.Fatal(err)
			}
			db, err := sql.Open("sqlite", filepath.Join(data, "embargo.db"))
			if err != nil {
				t.Fatal(err)
			}
			tc.tamper(db)
			db.Close()
			if stdout, stderr, code := runIn(t, "", "audit", "verify", "--data", data); code != 0 {
				t.Fatalf("the tampering is not the kind the chain alone misses: exit %d, %q %s", code, stdout, stderr)
			}
			_, stderr, code := runIn(t, "", "audit", "verify", "--data", data, "--checkpoints", cps, "--key", key+".pub")
			if code != 1 || !strings.Contains(stderr, tc.says) {
				t.Errorf("audit verify with checkpoints: exit %d, %q; want 1 saying %q", code, stderr, tc.says)
			}
		})
	}
}

// serveUntil runs `embargo serve` with checkpoints while during runs,
// then interrupts it and waits for it to stop.
func serveUntil(t *testing.T, data, key, cps string, during func()) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, "serve", "--data", data, "--listen", "127.0.0.1:0", "--metrics-listen", "",
		"--audit-key", key, "--audit-checkpoints", cps, "--audit-checkpoint-every", "100ms")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(stderr)
	for sc.Scan() && !strings.HasPrefix(sc.Text(), "embargo: serving on ") {
	}
	go io.Copy(io.Discard, stderr)
	during()
	cmd.Process.Signal(os.Interrupt)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("serve: %v", err)
	}
}

// cutAudit deletes the newest n entries and moves the head back to the
// one left: a log cut short that is consistent with itself.
func cutAudit(t *testing.T, db *sql.DB, n int) {
	t.Helper()
	var top int64
	db.QueryRow(`SELECT MAX(seq) FROM audit`).Scan(&top)
	if _, err := db.Exec(`DELETE FROM audit WHERE seq > ?`, top-int64(n)); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`UPDATE audit_head SET seq = (SELECT seq FROM audit ORDER BY seq DESC LIMIT 1),
		hash = (SELECT hash FROM audit ORDER BY seq DESC LIMIT 1) WHERE id = 1`); err != nil {
		t.Fatal(err)
	}
}

// rewriteAudit changes entry seq's actor and recomputes the hash of it
// and of every entry after it, and the head: a rewritten log that is
// consistent with itself.
func rewriteAudit(t *testing.T, db *sql.DB, seq int64) {
	t.Helper()
	if _, err := db.Exec(`UPDATE audit SET actor = 'someone else' WHERE seq = ?`, seq); err != nil {
		t.Fatal(err)
	}
	rows, err := db.Query(`SELECT seq, at, actor, action, object, detail FROM audit ORDER BY seq`)
	if err != nil {
		t.Fatal(err)
	}
	var es []store.AuditEntry
	for rows.Next() {
		var e store.AuditEntry
		var at int64
		if err := rows.Scan(&e.Seq, &at, &e.Actor, &e.Action, &e.Object, &e.Detail); err != nil {
			t.Fatal(err)
		}
		e.At = time.Unix(0, at).UTC()
		es = append(es, e)
	}
	rows.Close()
	var prev []byte
	for _, e := range es {
		h := sqlstore.AuditHash(prev, e)
		if _, err := db.Exec(`UPDATE audit SET prev = ?, hash = ? WHERE seq = ?`, prev, h, e.Seq); err != nil {
			t.Fatal(err)
		}
		prev = h
	}
	if _, err := db.Exec(`UPDATE audit_head SET hash = ? WHERE id = 1`, prev); err != nil {
		t.Fatal(err)
	}
}
