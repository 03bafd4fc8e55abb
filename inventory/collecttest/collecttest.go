// Package collecttest helps the tests of host collectors: it lays files out
// as on a mounted volume and offers them to a collector the way the
// walker does, so each collector's tests need not repeat that machinery.
package collecttest

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/embargo-dev/embargo/inventory"
)

// Volume writes files (slash-separated paths) under a fresh directory and
// returns it.
func Volume(t testing.TB, files map[string][]byte) string {
	t.Helper()
	root := t.TempDir()
	Write(t, root, files)
	return root
}

// Write writes files under root, making folders as needed.
func Write(t testing.TB, root string, files map[string][]byte) {
	t.Helper()
	for p, data := range files {
		full := filepath.Join(root, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// Result is what a collector made of a target: items, unknowns, and the
// error returned for each file, by path.
type Result struct {
	Items    []inventory.Item
	Unknowns []inventory.Unknown
	Errs     map[string]string
}

// Run offers every regular file below each of dirs (the whole target when
// none) to the collector, as the walker does: symbolic links are passed
// over, Wants decides, Collect reads, Place finishes.
func Run(t testing.TB, tgt *inventory.Target, c inventory.Collector, lim inventory.Limits, dirs ...string) Result {
	t.Helper()
	if len(dirs) == 0 {
		dirs = []string{"."}
	}
	res := Result{Errs: map[string]string{}}
	for _, dir := range dirs {
		err := fs.WalkDir(tgt.FS, dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil || !d.Type().IsRegular() || !c.Wants(p) {
				return err
			}
			var size int64 = -1
			if fi, err := d.Info(); err == nil {
				size = fi.Size()
			}
			items, unknowns, err := c.Collect(context.Background(), tgt, inventory.TargetFile{Path: p, Size: size}, lim)
			tgt.Place(p, c.Name(), items, unknowns)
			if err != nil {
				res.Errs[p] = err.Error()
			}
			res.Items = append(res.Items, items...)
			res.Unknowns = append(res.Unknowns, unknowns...)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return res
}

// Root runs the collector over the folder root as the volume mounted at
// "/" of host "h", within the default limits.
func Root(t testing.TB, root string, c inventory.Collector) Result {
	t.Helper()
	return Run(t, &inventory.Target{Name: "/", FS: os.DirFS(root), Host: "h"}, c, inventory.DefaultLimits)
}

// WithIDs gives each wanted item the id that Place gives it, so that a
// test compares ids too.
func WithIDs(items []inventory.Item) []inventory.Item {
	for i := range items {
		items[i].SetID()
	}
	return items
}
