package scan

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/embargo-dev/embargo/attribute"
	"github.com/embargo-dev/embargo/catalog"
	"github.com/embargo-dev/embargo/inventory"
)

func TestRunRecordsFailedInputsAndGoesOn(t *testing.T) {
	cat, err := catalog.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	a := attribute.New(cat)
	rep, err := Run(context.Background(), a, []string{"../inventory/dpkg/testdata/status", "testdata/missing.json"}, Options{})
	if err != nil {
		t.Fatalf("one input was read, yet: %v", err)
	}
	if rep.Summary.FailedInputs != 1 || rep.Summary.Unknown != 2 || rep.Summary.Attributed != 1 {
		t.Errorf("summary %+v", rep.Summary)
	}
	_, err = Run(context.Background(), a, []string{"testdata/missing.json"}, Options{})
	if !errors.Is(err, ErrNothingRead) {
		t.Errorf("nothing read: got %v", err)
	}
}

func TestDirectoryTarget(t *testing.T) {
	cat, err := catalog.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	writeTree(t, root, map[string]string{"var/lib/dpkg/status": readFile(t, "../inventory/dpkg/testdata/status")})
	rep, err := Run(context.Background(), attribute.New(cat), []string{root}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Inputs) != 1 || rep.Inputs[0].Reader != "host" || rep.Summary.Items != 2 || rep.Summary.Attributed != 1 {
		t.Errorf("inputs %+v, summary %+v", rep.Inputs, rep.Summary)
	}
	if len(rep.Notes) == 0 || !strings.Contains(rep.Notes[len(rep.Notes)-1], "collectors run: dpkg") {
		t.Errorf("notes %v", rep.Notes)
	}
	if got := rep.Items[0].Location.Source; got != root+"/var/lib/dpkg/status" {
		t.Errorf("location %q", got)
	}
}

// A gzip-compressed SBOM (as CI systems archive them) is read as the SBOM
// it holds, and one that expands past the input bound is refused by name.
func TestCompressedInput(t *testing.T) {
	cat, err := catalog.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	a := attribute.New(cat)
	const sbom = "testdata/real/gateway.cdx.json"
	data, err := os.ReadFile(sbom)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write(data)
	zw.Close()
	gz := filepath.Join(t.TempDir(), "gateway.cdx.json.gz")
	if err := os.WriteFile(gz, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	plain, err := Run(context.Background(), a, []string{sbom}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	packed, err := Run(context.Background(), a, []string{gz}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if plain.Summary.Items == 0 || packed.Summary.Items != plain.Summary.Items || packed.Summary.Attributed != plain.Summary.Attributed ||
		packed.Inputs[0].Reader != plain.Inputs[0].Reader {
		t.Errorf("compressed %+v %+v, plain %+v %+v", packed.Summary, packed.Inputs, plain.Summary, plain.Inputs)
	}
	lim := inventory.DefaultLimits
	lim.MaxBytes = int64(len(data)) / 2
	rep, err := Run(context.Background(), a, []string{gz}, Options{Limits: lim})
	if !errors.Is(err, ErrNothingRead) || rep.Summary.FailedInputs != 1 || !strings.Contains(rep.Inputs[0].Error, "gateway.cdx.json.gz") {
		t.Errorf("past the bound: %v, inputs %+v", err, rep.Inputs)
	}
}
