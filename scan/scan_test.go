package scan

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/embargo-dev/embargo/attribute"
	"github.com/embargo-dev/embargo/catalog"
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
