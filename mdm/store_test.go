package mdm

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// mkrun makes a run directory holding a manifest of the run and one
// page.
func mkrun(t *testing.T, dir, run, status string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o750); err != nil {
		t.Fatal(err)
	}
	s := &store{}
	if err := s.writeManifest(dir, Manifest{Run: run, Status: status, Started: t0}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "page-"+run+".json"), []byte("{}"), 0o640); err != nil {
		t.Fatal(err)
	}
}

func runOf(t *testing.T, dir string) string {
	t.Helper()
	m, err := readManifest(filepath.Join(dir, ManifestName))
	if err != nil {
		return ""
	}
	return m.Run + "/" + m.Status
}

// TestRepair: what an interrupted pull leaves is put right by the next
// one, never by dropping the last complete pull.
func TestRepair(t *testing.T) {
	for _, c := range []struct {
		name  string
		setup func(t *testing.T, dir string)
		want  map[string]string // directory -> run/status
	}{
		{"crash after moving current aside", func(t *testing.T, dir string) {
			mkrun(t, filepath.Join(dir, swapAside), "r1", StatusComplete)
			mkrun(t, filepath.Join(dir, dirIncoming, "r2"), "r2", StatusComplete)
		}, map[string]string{"current": "r1/complete", "partial/r2": "r2/abandoned"}},
		{"crash after moving the run in", func(t *testing.T, dir string) {
			mkrun(t, filepath.Join(dir, swapAside), "r1", StatusComplete)
			mkrun(t, filepath.Join(dir, dirCurrent), "r2", StatusComplete)
			mkrun(t, filepath.Join(dir, dirPrevious), "r0", StatusComplete)
		}, map[string]string{"current": "r2/complete", "previous": "r1/complete"}},
		{"crash mid-pull", func(t *testing.T, dir string) {
			mkrun(t, filepath.Join(dir, dirCurrent), "r1", StatusComplete)
			mkrun(t, filepath.Join(dir, dirIncoming, "r2"), "r2", StatusRunning)
		}, map[string]string{"current": "r1/complete", "partial/r2": "r2/abandoned"}},
		{"crash before the manifest", func(t *testing.T, dir string) {
			os.MkdirAll(filepath.Join(dir, dirIncoming, "r3"), 0o750)
		}, map[string]string{"partial/r3": "/abandoned"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			out := t.TempDir()
			dir := filepath.Join(out, "c")
			c.setup(t, dir)
			s, err := openStore(out, "c", t0)
			if err != nil {
				t.Fatal(err)
			}
			s.close()
			got := map[string]string{}
			for _, d := range []string{dirCurrent, dirPrevious, swapAside, "partial/r2", "partial/r3", "incoming/r2"} {
				if exists(filepath.Join(dir, d)) {
					got[d] = runOf(t, filepath.Join(dir, d))
				}
			}
			if diff := cmp.Diff(c.want, got); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
		})
	}
}

// TestPromote: each complete run becomes current; the one before is kept
// as previous, older ones dropped.
func TestPromote(t *testing.T) {
	out := t.TempDir()
	s, err := openStore(out, "c", t0)
	if err != nil {
		t.Fatal(err)
	}
	defer s.close()
	for i, run := range []string{"r1", "r2", "r3"} {
		id, err := s.newRun(t0.Add(time.Duration(i) * time.Second))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.promote(id, Manifest{Run: run, Status: StatusComplete}); err != nil {
			t.Fatal(err)
		}
	}
	if got := runOf(t, s.path(dirCurrent)) + " " + runOf(t, s.path(dirPrevious)); got != "r3/complete r2/complete" {
		t.Errorf("current, previous: %s", got)
	}
	ents, _ := os.ReadDir(s.dir)
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	if diff := cmp.Diff([]string{lockName, dirCurrent, dirIncoming, dirPartial, dirPrevious}, names); diff != "" {
		t.Errorf("connector directory (-want +got)\n%s", diff)
	}
}

// TestNewRunNames: runs are named by their start; a second run in the
// same millisecond gets a suffix.
func TestNewRunNames(t *testing.T) {
	s, err := openStore(t.TempDir(), "c", t0)
	if err != nil {
		t.Fatal(err)
	}
	defer s.close()
	var got []string
	for range 3 {
		id, err := s.newRun(t0)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, id)
	}
	if diff := cmp.Diff([]string{"20260302T090000.000Z", "20260302T090000.000Z-2", "20260302T090000.000Z-3"}, got); diff != "" {
		t.Errorf("(-want +got)\n%s", diff)
	}
}

// TestLocked: one pull of a connector at a time.
func TestLocked(t *testing.T) {
	out := t.TempDir()
	s, err := openStore(out, "c", t0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := openStore(out, "c", t0); err == nil || !strings.Contains(err.Error(), "another pull of c is under way") {
		t.Errorf("second open: %v", err)
	}
	s.close()
	s2, err := openStore(out, "c", t0)
	if err != nil {
		t.Fatalf("after unlock: %v", err)
	}
	s2.close()
}

// TestKeepPartial: failing pulls keep only the newest partial runs.
func TestKeepPartial(t *testing.T) {
	h := newHarness(t)
	s := jamfServer(t)
	s.always["/api/v2/mobile-devices/detail"] = fault{status: 404}
	o := h.options()
	o.KeepPartial = 2
	conn := h.connector(t, jamfConfig(s, "pro"))
	var dirs []string
	for range 4 {
		res, err := Pull(context.Background(), conn, o)
		if err == nil {
			t.Fatal("pull succeeded")
		}
		dirs = append(dirs, filepath.Base(res.Dir))
		h.clk.advance(time.Minute)
	}
	ents, _ := os.ReadDir(filepath.Join(h.out, "jamf", dirPartial))
	var got []string
	for _, e := range ents {
		got = append(got, e.Name())
	}
	if diff := cmp.Diff(dirs[2:], got); diff != "" {
		t.Errorf("partial runs (-want +got)\n%s", diff)
	}
	if exists(filepath.Join(h.out, "jamf", dirCurrent)) {
		t.Error("a failed pull made a current directory")
	}
}

// TestSecretMissing: a pull whose secret cannot be read fails before it
// makes any directory.
func TestSecretMissing(t *testing.T) {
	h := newHarness(t)
	conn := Connector{Name: "j", Kind: KindJamf, API: "pro", Department: "D", BaseURL: "https://j.example", ClientSecret: SecretRef{Env: "NOPE"}}
	res, err := h.pull(t, conn)
	if err == nil || !strings.Contains(err.Error(), "environment variable NOPE is not set") || res.Dir != "" {
		t.Fatalf("err %v dir %q", err, res.Dir)
	}
	if ents, _ := os.ReadDir(h.out); len(ents) != 0 {
		t.Errorf("made %v", ents)
	}
}
