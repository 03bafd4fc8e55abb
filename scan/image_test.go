package scan

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/attribute"
	"github.com/embargo-dev/embargo/catalog"
	"github.com/embargo-dev/embargo/internal/testtool"
)

func runTool(t *testing.T, dir, name string, args ...string) {
	t.Helper()
	cmd := exec.Command(testtool.Command(t, name, name), args...) // umoci and skopeo are packaged under their names
	cmd.Dir = dir
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out.String())
	}
}

// TestImageTarget builds an image with umoci (a base layer holding the
// dpkg database that lists kesl, then a layer whiting out another file),
// saves it as `docker save` and OCI archive tarballs with skopeo, and
// scans them: the packages are found in the image and attributed.
func TestImageTarget(t *testing.T) {
	cat, err := catalog.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	work := t.TempDir()
	writeTree(t, filepath.Join(work, "base"), map[string]string{
		"var/lib/dpkg/status": readFile(t, "../inventory/dpkg/testdata/status"),
		"etc/gone.conf":       "x",
	})
	runTool(t, work, "umoci", "init", "--layout", "layout")
	runTool(t, work, "umoci", "new", "--image", "layout:kesl")
	runTool(t, work, "umoci", "insert", "--image", "layout:kesl", "base", "/")
	runTool(t, work, "umoci", "insert", "--image", "layout:kesl", "--whiteout", "/etc/gone.conf")
	runTool(t, work, "skopeo", "copy", "--quiet", "oci:layout:kesl", "docker-archive:kesl.tar:example/kesl:1")
	runTool(t, work, "skopeo", "copy", "--quiet", "oci:layout:kesl", "oci-archive:kesl.oci.tar:kesl")

	for _, name := range []string{"kesl.tar", "kesl.oci.tar"} {
		t.Run(name, func(t *testing.T) {
			p := filepath.Join(work, name)
			rep, err := Run(context.Background(), attribute.New(cat), []string{p}, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if len(rep.Inputs) != 1 || rep.Inputs[0].Reader != "image" || rep.Inputs[0].Error != "" {
				t.Fatalf("inputs %+v", rep.Inputs)
			}
			var got []string
			for _, e := range rep.Items {
				s := e.Item.Name + " " + e.Item.Location.Source
				if e.Attribution != nil {
					s += " -> " + e.Attribution.Entity.ID
				}
				got = append(got, s)
			}
			// The image itself comes first, by the reference it was saved
			// under (skopeo writes docker.io/ for a short name).
			ref := map[string]string{"kesl.tar": "docker.io/example/kesl:1", "kesl.oci.tar": "kesl"}[name]
			want := []string{
				ref + " " + p,
				"kesl " + p + "/var/lib/dpkg/status -> kaspersky-ao",
				"libfoo1 " + p + "/var/lib/dpkg/status",
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("items (-want +got):\n%s", diff)
			}
			if len(rep.Unknowns) != 1 || !strings.Contains(rep.Unknowns[0].Reason, "without a Package field") {
				// the dpkg test database has one nameless stanza
				t.Errorf("unknowns %+v", rep.Unknowns)
			}
			if !strings.Contains(strings.Join(rep.Notes, "\n"), "2 layers") {
				t.Errorf("notes %v", rep.Notes)
			}
		})
	}

	// --format image forces the image path; an image that is not one fails.
	notImage := filepath.Join(work, "plain.tar")
	if err := os.WriteFile(notImage, []byte("not a tarball"), 0o644); err != nil {
		t.Fatal(err)
	}
	rep, err := Run(context.Background(), attribute.New(cat), []string{notImage}, Options{Reader: "image"})
	if err == nil || len(rep.Inputs) != 1 || rep.Inputs[0].Reader != "image" {
		t.Errorf("forced image on a non-image: %v %+v", err, rep.Inputs)
	}
}
