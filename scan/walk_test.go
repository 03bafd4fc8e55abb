package scan

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/inventory"
)

func writeTree(t *testing.T, root string, files map[string]string) {
	t.Helper()
	for p, content := range files {
		full := filepath.Join(root, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func readFile(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// wantCollector is a collector for exercising the walker: it wants files
// ending in .want, reports one item per file, and panics on boom.want.
type wantCollector struct{}

func (wantCollector) Name() string                         { return "want" }
func (wantCollector) Tags() []string                       { return []string{"test"} }
func (wantCollector) Requirements() inventory.Requirements { return inventory.Requirements{} }
func (wantCollector) Wants(p string) bool                  { return strings.HasSuffix(p, ".want") }
func (wantCollector) Collect(_ context.Context, t *inventory.Target, f inventory.TargetFile, _ inventory.Limits) ([]inventory.Item, []inventory.Unknown, error) {
	switch filepath.Base(f.Path) {
	case "boom.want":
		panic("parser bug")
	case "bad.want":
		return nil, nil, errors.New("corrupt header at byte 3")
	}
	b, err := inventory.ReadAll(mustOpen(t, f.Path), 1<<20)
	if err != nil {
		return nil, nil, err
	}
	return []inventory.Item{{Type: inventory.Application, Name: strings.TrimSpace(string(b))}}, nil, nil
}

func mustOpen(t *inventory.Target, p string) *os.File {
	f, err := t.FS.Open(p)
	if err != nil {
		panic(err)
	}
	return f.(*os.File)
}

func TestWalk(t *testing.T) {
	base := t.TempDir()
	root := filepath.Join(base, "target")
	writeTree(t, root, map[string]string{
		"a/one.want":      "one",
		"a/b/two.want":    "two",
		"a/boom.want":     "x",
		"a/bad.want":      "x",
		"a/other.txt":     "not wanted",
		"skip/three.want": "excluded",
	})
	writeTree(t, base, map[string]string{"outside/secret.want": "outside the target"})
	// A link out of the target must not be followed, neither as a folder
	// nor as a file.
	if err := os.Symlink(filepath.Join(base, "outside"), filepath.Join(root, "escape")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(base, "outside/secret.want"), filepath.Join(root, "a/link.want")); err != nil {
		t.Fatal(err)
	}
	tgt, closeRoot, err := openTarget(root)
	if err != nil {
		t.Fatal(err)
	}
	defer closeRoot()
	var first []string
	for _, workers := range []int{1, 4} {
		inv, err := Walk(context.Background(), tgt, []inventory.Collector{wantCollector{}}, WalkOptions{
			Limits: inventory.DefaultLimits, Exclude: []string{"skip"}, Workers: workers,
		})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, it := range inv.Items {
			got = append(got, it.Name+"@"+strings.TrimPrefix(it.Location.Source, root))
			if it.ID == "" || it.Location.Reader != "want" {
				t.Errorf("item %+v lacks id or reader", it)
			}
		}
		want := []string{"two@/a/b/two.want", "one@/a/one.want"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("workers %d: items (-want +got):\n%s", workers, diff)
		}
		var reasons []string
		for _, u := range inv.Unknowns {
			reasons = append(reasons, strings.TrimPrefix(u.Location.Source, root)+": "+u.Reason)
		}
		slices.Sort(reasons)
		wantReasons := []string{
			"/a/bad.want: corrupt header at byte 3",
			"/a/boom.want: collector want failed on this file: parser bug",
		}
		if diff := cmp.Diff(wantReasons, reasons); diff != "" {
			t.Errorf("workers %d: unknowns (-want +got):\n%s", workers, diff)
		}
		if first == nil {
			first = got
		} else if !slices.Equal(first, got) {
			t.Errorf("order differs with %d workers: %v vs %v", workers, got, first)
		}
	}
}

func TestSelectCollectors(t *testing.T) {
	tgt := &inventory.Target{Name: "/mnt/img", Image: true}
	got, _, err := SelectCollectors(tgt, []string{"debian"})
	if err != nil || len(got) != 1 || got[0].Name() != "dpkg" {
		t.Errorf("select debian: %v, %v", got, err)
	}
	for _, sel := range [][]string{nil, {"windows"}} {
		got, _, _ := SelectCollectors(tgt, sel)
		for _, c := range got {
			if c.Name() == "pe-all" {
				t.Errorf("select %v runs pe-all, which must be asked for by name", sel)
			}
		}
	}
	got, _, _ = SelectCollectors(tgt, []string{"pe-all"})
	if len(got) != 1 || got[0].Name() != "pe-all" {
		t.Errorf("select pe-all: %v", got)
	}
	if _, _, err := SelectCollectors(tgt, []string{"nonsense"}); err == nil {
		t.Error("an unknown selection was accepted")
	}
}
