package image

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/internal/testtool"
	"github.com/embargo-dev/embargo/inventory/dpkg"
)

// These tests use real tools and real files made by others:
//
//   - umoci (Debian package umoci) builds OCI layouts layer by layer,
//     writing whiteouts and opaque markers itself, and unpacks images: its
//     unpacked root file system is the independent witness every view of
//     this package is compared with;
//   - skopeo (Debian package skopeo) converts between OCI layouts, OCI
//     archives and `docker save` tarballs ("docker-archive"), offline;
//   - the image tarballs that github.com/google/go-containerregistry ships
//     as test data (a Docker 25 `docker save` of hello-world, classic
//     saves with several images, layer links and whiteouts), fetched from
//     the Go module proxy by `go mod download`, not committed.
//
// scripts/test installs umoci and skopeo; a missing tool fails the test.

func tool(t *testing.T, name string) {
	t.Helper()
	testtool.Command(t, name, name) // umoci and skopeo are packaged under their names
}

func run(t *testing.T, dir, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, stderr.String())
	}
	return string(out)
}

// witness unpacks an image with skopeo and umoci and lists its root file
// system as view does. src is a skopeo source ("docker-archive:F:@0",
// "oci-archive:F", "oci:DIR:TAG").
func witness(t *testing.T, src string) []string {
	t.Helper()
	tool(t, "skopeo")
	tool(t, "umoci")
	work := t.TempDir()
	run(t, work, "skopeo", "copy", "--quiet", src, "oci:layout:w")
	run(t, work, "umoci", "unpack", "--rootless", "--image", "layout:w", "bundle")
	return view(t, os.DirFS(filepath.Join(work, "bundle", "rootfs")))
}

// ours opens a tarball and lists the view of its n-th image.
func ours(t *testing.T, p string, n int) ([]string, *FS, *Archive) {
	t.Helper()
	if !Sniff(p) {
		t.Fatalf("Sniff(%s) is false", p)
	}
	a, err := Open(p, DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	if n >= len(a.Images()) {
		t.Fatalf("%s: %d images, want at least %d", p, len(a.Images()), n+1)
	}
	fsys, unknowns, err := a.Unpack(context.Background(), a.Images()[n], dpkg.Collector{}.Wants)
	if err != nil {
		t.Fatal(err)
	}
	if len(unknowns) > 0 {
		t.Errorf("%s: unknowns %+v", p, unknowns)
	}
	return view(t, fsys), fsys, a
}

// TestGeneratedAgainstUmoci compares the views of this package's own
// tarballs with umoci's unpacking of the same tarballs.
func TestGeneratedAgainstUmoci(t *testing.T) {
	layers := threeLayers(t)
	for _, tc := range []struct {
		name, file, src string
		tarball         []byte
	}{
		{"docker save", "ds.tar", "docker-archive:%s:@0", dockerSave(t, "example/kesl:1", layers)},
		{"docker 25 save", "ds25.tar", "docker-archive:%s:@0", ociLayout(t, "example/kesl:1", layers, false, true, "")},
		{"OCI layout", "oci.tar", "oci-archive:%s", ociLayout(t, "1.0", layers, true, false, "")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := writeFile(t, tc.file, tc.tarball)
			got, _, _ := ours(t, p, 0)
			if diff := cmp.Diff(witness(t, fmt.Sprintf(tc.src, p)), got); diff != "" {
				t.Errorf("umoci (-) and this package (+) differ:\n%s", diff)
			}
			if diff := cmp.Diff(wantView, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestUmociBuiltImage builds an image with umoci — a base layer with the
// dpkg database, a whiteout layer, an opaque folder, an added file —
// turns it into an OCI layout tarball (tar), an OCI archive and a
// `docker save` tarball (skopeo), and reads all three.
func TestUmociBuiltImage(t *testing.T) {
	tool(t, "umoci")
	tool(t, "skopeo")
	tool(t, "tar")
	work := t.TempDir()
	files := map[string]string{
		"base/var/lib/dpkg/status": mustRead(t, "../dpkg/testdata/status"),
		"base/etc/removed.conf":    "old\n",
		"base/opt/old/a.txt":       "a\n",
		"base/opt/old/sub/b.txt":   "b\n",
		"base/usr/bin/tool":        "tool\n",
		"newold/new.txt":           "new\n",
		"added.conf":               "added\n",
	}
	for p, body := range files {
		full := filepath.Join(work, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink("usr/bin", filepath.Join(work, "base/bin")); err != nil {
		t.Fatal(err)
	}
	if err := os.Link(filepath.Join(work, "base/usr/bin/tool"), filepath.Join(work, "base/usr/bin/tool-hard")); err != nil {
		t.Fatal(err)
	}
	run(t, work, "umoci", "init", "--layout", "layout")
	run(t, work, "umoci", "new", "--image", "layout:kesl")
	run(t, work, "umoci", "insert", "--image", "layout:kesl", "base", "/")
	run(t, work, "umoci", "insert", "--image", "layout:kesl", "--whiteout", "/etc/removed.conf")
	run(t, work, "umoci", "insert", "--image", "layout:kesl", "--opaque", "newold", "/opt/old")
	run(t, work, "umoci", "insert", "--image", "layout:kesl", "added.conf", "/etc/added.conf")
	ociTar := filepath.Join(work, "layout.tar")
	run(t, filepath.Join(work, "layout"), "tar", "-cf", ociTar, ".")
	run(t, work, "skopeo", "copy", "--quiet", "oci:layout:kesl", "oci-archive:kesl.oci.tar:kesl")
	run(t, work, "skopeo", "copy", "--quiet", "oci:layout:kesl", "docker-archive:kesl.docker.tar:example/kesl:1")

	want := []string{
		"bin -> usr/bin",
		"etc/",
		"etc/added.conf 6",
		"opt/",
		"opt/old/",
		"opt/old/new.txt 4",
		"usr/",
		"usr/bin/",
		"usr/bin/tool 5",
		"usr/bin/tool-hard 5",
		"var/",
		"var/lib/",
		"var/lib/dpkg/",
		"var/lib/dpkg/status 579",
	}
	if diff := cmp.Diff(want, witness(t, "oci:"+filepath.Join(work, "layout")+":kesl")); diff != "" {
		t.Fatalf("umoci's own unpacking is not what the test expects (-want +got):\n%s", diff)
	}
	for _, tc := range []struct{ file, format, ref string }{
		{"layout.tar", "OCI image layout", "kesl"},
		{"kesl.oci.tar", "OCI image layout", "kesl"},
		{"kesl.docker.tar", "docker save", "docker.io/example/kesl:1"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			got, fsys, a := ours(t, filepath.Join(work, tc.file), 0)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if a.Format() != tc.format || a.Images()[0].Ref != tc.ref || len(a.Images()[0].Layers) != 4 {
				t.Errorf("format %q, images %+v", a.Format(), a.Images())
			}
			if got := readAll(t, fsys, "var/lib/dpkg/status"); got != files["base/var/lib/dpkg/status"] {
				t.Errorf("status %q", got)
			}
			if got := readAll(t, fsys, "bin/tool-hard"); got != "tool\n" {
				t.Errorf("tool-hard %q", got)
			}
		})
	}
}

// ggcrTestdata returns the folder of go-containerregistry's test data in
// the module cache, downloading the module when needed.
func ggcrTestdata(t *testing.T) string {
	t.Helper()
	out := run(t, "", "go", "mod", "download", "-json", "github.com/google/go-containerregistry@v0.22.1")
	var m struct{ Dir, Error string }
	if err := json.Unmarshal([]byte(out), &m); err != nil || m.Dir == "" {
		t.Fatalf("go mod download: %v %s", err, m.Error)
	}
	return filepath.Join(m.Dir, "pkg", "v1")
}

// TestGoContainerRegistryTarballs reads every image of the tarballs that
// go-containerregistry ships and compares each with umoci's unpacking.
func TestGoContainerRegistryTarballs(t *testing.T) {
	dir := ggcrTestdata(t)
	for _, tc := range []struct {
		file   string
		format string
		refs   []string
	}{
		{"tarball/testdata/hello-world-v25.tar", "docker save (OCI layout)", []string{"sha256:ee301c921b8aadc002973b2e0c3da17d701dcd994b606769a7e6eaa100b81d44"}},
		{"tarball/testdata/test_image_1.tar", "docker save", []string{"bazel/v1/tarball:test_image_1"}},
		{"tarball/testdata/test_image_2.tar", "docker save", nil},
		{"tarball/testdata/test_link.tar", "docker save", []string{"bazel/v1/tarball:test_image_1", "bazel/v1/tarball:test_image_3"}},
		{"tarball/testdata/test_bundle.tar", "docker save", []string{"test_image_2", "test_image_1"}},
		{"tarball/testdata/test_load_manifest.tar", "docker save", nil},
		{"mutate/testdata/whiteout_image.tar", "docker save", []string{"bazel/pkg/v1/mutate:whiteout_image"}},
		{"mutate/testdata/overwritten_file.tar", "docker save", []string{"bazel/pkg/v1/mutate:overwritten_file"}},
		{"mutate/testdata/source_image.tar", "docker save", nil},
	} {
		t.Run(filepath.Base(tc.file), func(t *testing.T) {
			p := filepath.Join(dir, tc.file)
			_, _, a := ours(t, p, 0)
			if a.Format() != tc.format {
				t.Errorf("format %q, want %q", a.Format(), tc.format)
			}
			var refs []string
			for _, im := range a.Images() {
				refs = append(refs, im.Label())
			}
			if tc.refs != nil {
				if diff := cmp.Diff(tc.refs, refs); diff != "" {
					t.Errorf("images (-want +got):\n%s", diff)
				}
			}
			for i := range a.Images() {
				got, _, _ := ours(t, p, i)
				if diff := cmp.Diff(witness(t, fmt.Sprintf("docker-archive:%s:@%d", p, i)), got); diff != "" {
					t.Errorf("image %d: umoci (-) and this package (+) differ:\n%s", i, diff)
				}
			}
		})
	}
	for _, bad := range []struct{ file, err string }{
		{"tarball/testdata/null_manifest.tar", "docker save lists no image"},
		{"tarball/testdata/no_manifest.tar", "no manifest.json or index.json"},
	} {
		if _, err := Open(filepath.Join(dir, bad.file), DefaultLimits); err == nil || !strings.Contains(err.Error(), bad.err) {
			t.Errorf("%s: %v, want %q", bad.file, err, bad.err)
		}
	}
}
