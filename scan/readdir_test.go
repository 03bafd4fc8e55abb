//go:build linux

package scan

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestTypedDirFS: the walk's folder listing gives the same names, types
// and FileInfo as os.Root's own ReadDir.
func TestTypedDirFS(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{"a/one": "1", "a/two": "22", "b/three": "333", "top": "x"})
	if err := os.Symlink("../top", filepath.Join(root, "a", "link")); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(root, "a", "fifo"), 0o644); err != nil {
		t.Fatal(err)
	}
	r, err := os.OpenRoot(root)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	type ent struct {
		Name    string
		Type    fs.FileMode
		Size    int64
		Mode    fs.FileMode
		ModTime int64
		Ino     uint64
		Dev     uint64
	}
	list := func(fsys fs.FS, dir string) []ent {
		t.Helper()
		ds, err := fs.ReadDir(fsys, dir)
		if err != nil {
			t.Fatal(err)
		}
		var out []ent
		for _, d := range ds {
			fi, err := d.Info()
			if err != nil {
				t.Fatal(err)
			}
			st := fi.Sys().(*syscall.Stat_t)
			out = append(out, ent{d.Name(), d.Type(), fi.Size(), fi.Mode(), fi.ModTime().UnixNano(), st.Ino, uint64(st.Dev)})
		}
		return out
	}
	typed := &typedDirFS{FS: r.FS()}
	defer typed.Close()
	for _, dir := range []string{".", "a", "b"} {
		want := list(r.FS(), dir)
		if diff := cmp.Diff(want, list(typed, dir)); diff != "" {
			t.Errorf("%s (-os.Root +typedDirFS):\n%s", dir, diff)
		}
	}
	if _, err := fs.ReadDir(&typedDirFS{FS: r.FS()}, "top"); err == nil {
		t.Error("listing a file succeeded")
	}
}

// TestTypedDirFSWalk: a whole walk, where folders are opened relative to
// their open parents, visits what a walk of os.Root visits, and does not
// descend through a symbolic link to a folder.
func TestTypedDirFSWalk(t *testing.T) {
	root := t.TempDir()
	files := map[string]string{}
	for i := range 5 {
		for j := range 4 {
			files[filepath.Join(fmt.Sprintf("d%d", i), fmt.Sprintf("e%d", j), "f")] = "x"
			files[filepath.Join(fmt.Sprintf("d%d", i), fmt.Sprintf("e%d", j), "g", "h", "i")] = "y"
		}
		files[fmt.Sprintf("d%d/top", i)] = "z"
	}
	writeTree(t, root, files)
	outside := t.TempDir()
	writeTree(t, outside, map[string]string{"secret": "s"})
	if err := os.Symlink(outside, filepath.Join(root, "d1", "out")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("../d2", filepath.Join(root, "d1", "e0", "sib")); err != nil {
		t.Fatal(err)
	}
	r, err := os.OpenRoot(root)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	walk := func(fsys fs.FS) []string {
		t.Helper()
		var out []string
		err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			out = append(out, p+" "+d.Type().String())
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	typed := &typedDirFS{FS: r.FS()}
	got := walk(typed)
	if len(typed.open) == 0 {
		t.Error("no folder was kept open: the relative opening is not exercised")
	}
	typed.Close()
	if diff := cmp.Diff(walk(r.FS()), got); diff != "" {
		t.Errorf("(-os.Root +typedDirFS):\n%s", diff)
	}
	for _, p := range got {
		if strings.Contains(p, "secret") || strings.Contains(p, "sib/") {
			t.Errorf("walked through a link: %s", p)
		}
	}
}

// TestWalkTree: walkTree visits what fs.WalkDir visits, in the same
// order, with SkipDir and errors handled the same way.
func TestWalkTree(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{"a/b/c": "1", "a/d": "2", "e/f/g/h": "3", "e/i": "4", "j": "5", "k/l": "6"})
	if err := os.Mkdir(filepath.Join(root, "locked"), 0o000); err != nil {
		t.Fatal(err)
	}
	fsys := os.DirFS(root)
	record := func(walk func(fs.WalkDirFunc) error) []string {
		var out []string
		err := walk(func(p string, d fs.DirEntry, err error) error {
			out = append(out, fmt.Sprintf("%s %v", p, err != nil))
			switch {
			case err != nil:
				return nil
			case p == "e/f":
				return fs.SkipDir
			case p == "e/i":
				return fs.SkipDir // a file: skips the rest of its folder
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	want := record(func(fn fs.WalkDirFunc) error { return fs.WalkDir(fsys, ".", fn) })
	got := record(func(fn fs.WalkDirFunc) error { return walkTree(fsys, fn) })
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-fs.WalkDir +walkTree):\n%s", diff)
	}
}
