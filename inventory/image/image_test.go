package image

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/inventory"
	"github.com/embargo-dev/embargo/inventory/dpkg"
)

// threeLayers is a small Debian-like image: a base layer with the dpkg
// database listing kesl, a second layer that whites out a file, adds
// another, replaces a binary and makes a folder opaque, and a third that
// writes through a symbolic link to a folder.
func threeLayers(t *testing.T) [][]byte {
	t.Helper()
	status := mustRead(t, "../dpkg/testdata/status")
	base := tarBytes(t, []member{
		folder("./"),
		folder("./etc/"),
		regular("./etc/os-release", "ID=debian\n"),
		regular("./etc/removed.conf", "old\n"),
		folder("./usr/"), folder("./usr/bin/"),
		regular("./usr/bin/tool", "tool v1\n"),
		hardlink("./usr/bin/tool-hard", "./usr/bin/tool"),
		symlink("./bin", "usr/bin"),
		folder("./var/"), folder("./var/lib/"), folder("./var/lib/dpkg/"),
		regular("./var/lib/dpkg/status", status),
		folder("./opt/"), folder("./opt/old/"),
		regular("./opt/old/a.txt", "a"),
		folder("./opt/old/sub/"),
		regular("./opt/old/sub/b.txt", "b"),
	})
	second := tarBytes(t, []member{
		folder("etc/"),
		regular("etc/.wh.removed.conf", ""),
		regular("etc/added.conf", "new\n"),
		folder("opt/"), folder("opt/old/"),
		regular("opt/old/.wh..wh..opq", ""),
		regular("opt/old/new.txt", "new"),
		folder("usr/"), folder("usr/bin/"),
		regular("usr/bin/tool", "tool v2\n"),
	})
	third := tarBytes(t, []member{
		regular("bin/late", "late\n"),
		regular("opt/.wh.never-existed", ""),
	})
	return [][]byte{base, second, third}
}

// wantView is the file system the three layers make.
var wantView = []string{
	"bin -> usr/bin",
	"etc/",
	"etc/added.conf 4",
	"etc/os-release 10",
	"opt/",
	"opt/old/",
	"opt/old/new.txt 3",
	"usr/",
	"usr/bin/",
	"usr/bin/late 5",
	"usr/bin/tool 8",
	"usr/bin/tool-hard 8",
	"var/",
	"var/lib/",
	"var/lib/dpkg/",
	"var/lib/dpkg/status 579",
}

// view lists a file system as "path size", "dir/" and "link -> target".
func view(t *testing.T, fsys fs.FS) []string {
	t.Helper()
	var out []string
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p == "." {
			return nil
		}
		switch {
		case d.IsDir():
			out = append(out, p+"/")
		case d.Type()&fs.ModeSymlink != 0:
			target, err := fs.ReadLink(fsys, p)
			if err != nil {
				return err
			}
			out = append(out, p+" -> "+target)
		default:
			fi, err := d.Info()
			if err != nil {
				return err
			}
			out = append(out, fmt.Sprintf("%s %d", p, fi.Size()))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func readAll(t *testing.T, fsys fs.FS, p string) string {
	t.Helper()
	b, err := fs.ReadFile(fsys, p)
	if err != nil {
		t.Fatalf("reading %s: %v", p, err)
	}
	return string(b)
}

func TestUnpackFormats(t *testing.T) {
	layers := threeLayers(t)
	tests := []struct {
		name    string
		tarball []byte
		format  string
		ref     string
	}{
		{"docker save", dockerSave(t, "example/kesl:1", layers), "docker save", "example/kesl:1"},
		{"docker save, gzip'd", gzipBytes(t, dockerSave(t, "example/kesl:1", layers)), "docker save, gzip", "example/kesl:1"},
		{"docker 25 save", ociLayout(t, "example/kesl:1", layers, false, true, ""), "docker save (OCI layout)", "example/kesl:1"},
		{"OCI layout, gzip layers", ociLayout(t, "1.0", layers, true, false, ""), "OCI image layout", "1.0"},
		{"OCI layout under a folder", ociLayout(t, "1.0", layers, true, false, "kesl-oci/"), "OCI image layout", "1.0"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := writeFile(t, "image.tar", tc.tarball)
			if !Sniff(p) {
				t.Fatal("Sniff does not recognise it")
			}
			a, err := Open(p, DefaultLimits)
			if err != nil {
				t.Fatal(err)
			}
			defer a.Close()
			if a.Format() != tc.format {
				t.Errorf("format %q, want %q", a.Format(), tc.format)
			}
			ims := a.Images()
			if len(ims) != 1 || ims[0].Ref != tc.ref || ims[0].Platform != "linux/amd64" || len(ims[0].Layers) != 3 {
				t.Fatalf("images %+v", ims)
			}
			fsys, unknowns, err := a.Unpack(context.Background(), ims[0], dpkg.Collector{}.Wants)
			if err != nil {
				t.Fatal(err)
			}
			if len(unknowns) > 0 {
				t.Errorf("unknowns %+v", unknowns)
			}
			if diff := cmp.Diff(wantView, view(t, fsys)); diff != "" {
				t.Errorf("file system (-want +got):\n%s", diff)
			}
			for p, want := range map[string]string{
				"usr/bin/tool":      "tool v2\n",
				"usr/bin/tool-hard": "tool v1\n", // layer 2 replaced the name, not the linked file
				"bin/late":          "late\n",    // through the link
				"etc/added.conf":    "new\n",
				"opt/old/new.txt":   "new",
			} {
				if got := readAll(t, fsys, p); got != want {
					t.Errorf("%s = %q, want %q", p, got, want)
				}
			}
			if got := readAll(t, fsys, "var/lib/dpkg/status"); got != mustRead(t, "../dpkg/testdata/status") {
				t.Errorf("dpkg status differs: %q", got)
			}
			if err := fstest.TestFS(fsys, "etc/added.conf", "usr/bin/late", "var/lib/dpkg/status", "opt/old/new.txt"); err != nil {
				t.Error(err)
			}
			// The items the dpkg collector finds in the image.
			target := &inventory.Target{Name: p, FS: fsys, Image: true}
			items, _, err := dpkg.Collector{}.Collect(context.Background(), target, inventory.TargetFile{Path: "var/lib/dpkg/status"}, inventory.DefaultLimits)
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, it := range items {
				names = append(names, it.Name+" "+it.Version+" @ "+it.Location.Source)
			}
			want := []string{"kesl 11.2.0-4528 @ " + p + "/var/lib/dpkg/status", "libfoo1 1.0-1 @ " + p + "/var/lib/dpkg/status"}
			if diff := cmp.Diff(want, names); diff != "" {
				t.Errorf("dpkg items (-want +got):\n%s", diff)
			}
		})
	}
}

// TestHeldAndSpilled checks where the bytes of a compressed layer come
// from: wanted files from memory, others from a decompressed copy made
// on first use.
func TestHeldAndSpilled(t *testing.T) {
	p := writeFile(t, "oci.tar", ociLayout(t, "1", threeLayers(t), true, false, ""))
	a, err := Open(p, DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	fsys, _, err := a.Unpack(context.Background(), a.Images()[0], dpkg.Collector{}.Wants)
	if err != nil {
		t.Fatal(err)
	}
	status, _, _ := resolve(fsys.root, "var/lib/dpkg/status", false, -1)
	if !status.data.held {
		t.Error("the wanted dpkg status is not held in memory")
	}
	readAll(t, fsys, "var/lib/dpkg/status")
	if len(a.spills) != 0 {
		t.Errorf("reading a held file decompressed %d layers", len(a.spills))
	}
	if got := readAll(t, fsys, "etc/os-release"); got != "ID=debian\n" {
		t.Errorf("os-release %q", got)
	}
	if len(a.spills) != 1 {
		t.Errorf("reading an unwanted file decompressed %d layers, want 1", len(a.spills))
	}
	tmp := a.tmp
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(tmp); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("temporary folder %s left behind: %v", tmp, err)
	}
}

// TestHostileLayers: names that climb out, links that escape, links to
// nothing, and limits. Nothing escapes, every refusal is an unknown.
func TestHostileLayers(t *testing.T) {
	layer := tarBytes(t, []member{
		regular("../escape", "x"),
		regular("/abs", "x"),
		regular("ok/../../also-escape", "x"),
		symlink("etc-passwd", "../../../../etc/passwd"),
		symlink("rootlink", "/"),
		folder("etc/"),
		regular("etc/hostname", "inside\n"),
		symlink("loop1", "loop2"),
		symlink("loop2", "loop1"),
		hardlink("hard-nothing", "no/such/file"),
		hardlink("hard-out", "../../etc/shadow"),
		regular("plain", "p"),
		regular("plain/under", "x"),
		symlink("up", ".."),
	})
	p := writeFile(t, "hostile.tar", dockerSave(t, "hostile:1", [][]byte{layer}))
	a, err := Open(p, DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	fsys, unknowns, err := a.Unpack(context.Background(), a.Images()[0], nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, u := range unknowns {
		got = append(got, u.Location.Ref[strings.Index(u.Location.Ref, " entry ")+7:]+": "+u.Reason)
	}
	want := []string{
		`"../escape": path is absolute or climbs out of the image root; entry ignored`,
		`"/abs": path is absolute or climbs out of the image root; entry ignored`,
		`"ok/../../also-escape": path is absolute or climbs out of the image root; entry ignored`,
		`"hard-nothing": hard link to "no/such/file", which is not a file of the image; entry ignored`,
		`"hard-out": hard link to "../../etc/shadow" climbs out of the image root; entry ignored`,
		`"plain/under": its folder cannot be created: not a directory; entry ignored`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("unknowns (-want +got):\n%s", diff)
	}
	for _, tc := range []struct{ name, want string }{
		{"etc-passwd", "symbolic link escapes the image root"},
		{"loop1", "too many levels of symbolic links"},
		{"up/etc/hostname", "symbolic link escapes the image root"},
	} {
		if _, err := fsys.Open(tc.name); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("open %s: %v, want %q", tc.name, err, tc.want)
		}
	}
	if got := readAll(t, fsys, "rootlink/etc/hostname"); got != "inside\n" {
		t.Errorf("an absolute link resolves inside the image: %q", got)
	}
}

func TestLimits(t *testing.T) {
	var ms []member
	for i := range 50 {
		ms = append(ms, regular(fmt.Sprintf("f%02d", i), "x"))
	}
	big := tarBytes(t, ms)
	p := writeFile(t, "many.tar", dockerSave(t, "many:1", [][]byte{big, tarBytes(t, []member{regular("late", "y")})}))
	lim := DefaultLimits
	lim.MaxEntries = 10
	a, err := Open(p, lim)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	fsys, unknowns, err := a.Unpack(context.Background(), a.Images()[0], nil)
	if err != nil {
		t.Fatal(err)
	}
	if fsys.Files != 10 {
		t.Errorf("%d files kept, want the 10 read before the limit", fsys.Files)
	}
	if len(unknowns) != 2 || !strings.Contains(unknowns[0].Reason, "more than 10 entries") {
		t.Errorf("unknowns %+v", unknowns)
	}

	lim = DefaultLimits
	lim.MaxMetadata = 16
	if _, err := Open(p, lim); !errors.Is(err, inventory.ErrTooLarge) {
		t.Errorf("oversized manifest: %v", err)
	}
	lim = DefaultLimits
	lim.MaxUnpacked = 100
	gz := writeFile(t, "many.tar.gz", gzipBytes(t, mustReadBytes(t, p)))
	if _, err := Open(gz, lim); !errors.Is(err, inventory.ErrTooLarge) {
		t.Errorf("decompression past the limit: %v", err)
	}
}

func TestNotImages(t *testing.T) {
	plain := writeFile(t, "rootfs.tar", tarBytes(t, []member{folder("etc/"), regular("etc/os-release", "x")}))
	text := writeFile(t, "status", []byte(mustRead(t, "../dpkg/testdata/status")))
	for _, p := range []string{plain, text} {
		if Sniff(p) {
			t.Errorf("Sniff(%s) is true", p)
		}
	}
	if _, err := Open(plain, DefaultLimits); err == nil || !strings.Contains(err.Error(), "no manifest.json or index.json") {
		t.Errorf("open of a plain tarball: %v", err)
	}
	missing := writeFile(t, "missing.tar", tarBytes(t, []member{regular("manifest.json", `[{"Config":"c.json","Layers":["gone/layer.tar"]}]`)}))
	a, err := Open(missing, DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	_, unknowns, err := a.Unpack(context.Background(), a.Images()[0], nil)
	if err != nil || len(unknowns) != 1 || !strings.Contains(unknowns[0].Reason, `no member "gone/layer.tar"`) {
		t.Errorf("missing layer: %v %+v", err, unknowns)
	}
}

// TestOpaqueKeepsSameLayer: an opaque marker hides the layers beneath,
// not the entries of its own layer, whichever comes first in the tar.
func TestOpaqueKeepsSameLayer(t *testing.T) {
	base := tarBytes(t, []member{regular("d/old", "o"), regular("d/sub/old", "o")})
	top := tarBytes(t, []member{regular("d/sub/new", "n"), regular("d/.wh..wh..opq", ""), regular("d/new", "n")})
	p := writeFile(t, "opq.tar", dockerSave(t, "opq:1", [][]byte{base, top}))
	a, err := Open(p, DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	fsys, _, err := a.Unpack(context.Background(), a.Images()[0], nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"d/", "d/new 1", "d/sub/", "d/sub/new 1"}
	if diff := cmp.Diff(want, view(t, fsys)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestWindowsImageRoot(t *testing.T) {
	layer := tarBytes(t, []member{
		folder("Files/"), folder("Files/Windows/"), regular("Files/Windows/win.ini", "w"),
		folder("Hives/"), regular("Hives/Software_Delta", "h"),
		regular("UtilityVM/Files/x", "u"),
	})
	cfg := imageConfigJSON(t, "windows", [][]byte{layer})
	cfgName := digest(cfg) + ".json"
	tb := tarBytes(t, []member{
		regular("l1/layer.tar", string(layer)),
		regular(cfgName, string(cfg)),
		regular("manifest.json", fmt.Sprintf(`[{"Config":%q,"RepoTags":["win:1"],"Layers":["l1/layer.tar"]}]`, cfgName)),
	})
	a, err := Open(writeFile(t, "win.tar", tb), DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	fsys, _, err := a.Unpack(context.Background(), a.Images()[0], nil)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"Windows/", "Windows/win.ini 1"}, view(t, fsys)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func mustReadBytes(t *testing.T, p string) []byte {
	t.Helper()
	return []byte(mustRead(t, p))
}
