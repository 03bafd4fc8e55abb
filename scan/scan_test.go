package scan

import (
	"context"
	"errors"
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
	rep, err := Run(context.Background(), attribute.New(cat), []string{"/"}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Inputs) == 0 || rep.Inputs[0].Source != "/var/lib/dpkg/status" || rep.Summary.Items == 0 || len(rep.Notes) != 1 {
		t.Errorf("inputs %+v, summary %+v, notes %v", rep.Inputs, rep.Summary, rep.Notes)
	}
}
