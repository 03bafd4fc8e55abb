package jsonstream

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/embargo-dev/embargo/inventory"
)

// TestEach reads an array, lines of NDJSON with one that is not JSON,
// and a single document, saying where each value is.
func TestEach(t *testing.T) {
	for _, c := range []struct {
		in        string
		want, bad []string
	}{
		{"[{\"a\":1},\n 2 , \"x\"]", []string{`{"a":1} @1 "/0" line 1`, `2 @11 "/1" line 2`, `"x" @15 "/2" line 2`}, nil},
		{"{\"a\":1}\n{oops\n[3]\n", []string{`{"a":1} @0 "" line 1`, `3 @15 "/0" line 3`}, []string{"line 2"}},
		{"\n\n {\"a\":\n1}", []string{"{\"a\":\n1} @3 \"\" line 3"}, nil},
	} {
		var got, bad []string
		err := Each(context.Background(), "in.json", []byte(c.in), func(v Value) error {
			got = append(got, fmt.Sprintf("%s @%d %q line %d", v.Raw, v.Off, v.Ref, v.Line))
			return nil
		}, func(line int, _ error) { bad = append(bad, fmt.Sprintf("line %d", line)) })
		if err != nil {
			t.Fatalf("%q: %v", c.in, err)
		}
		if diff := cmp.Diff(c.want, got); diff != "" {
			t.Errorf("%q: values (-want +got):\n%s", c.in, diff)
		}
		if diff := cmp.Diff(c.bad, bad, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("%q: bad lines (-want +got):\n%s", c.in, diff)
		}
	}
}

func TestErrors(t *testing.T) {
	for in, want := range map[string]string{
		"":                  "in.json: byte 0: empty document",
		" \n ":              "in.json: byte 0: empty document",
		"{\"a\":\n  1,}":    "in.json:2:5",
		"{\"a\":1} {\"b\":": "in.json:1:",
	} {
		err := Each(context.Background(), "in.json", []byte(in), func(Value) error { return nil }, func(int, error) {})
		var ie *inventory.InputError
		if !errors.As(err, &ie) || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("%q: error %v, want an InputError beginning %q", in, err, want)
		}
	}
	err := CheckDepth("in.json", []byte("{\"a\": \"[[[\", \"b\": [[1]]}"), 2)
	if err == nil || !strings.HasPrefix(err.Error(), "in.json:1:20") {
		t.Errorf("CheckDepth: %v", err)
	}
	if err := CheckDepth("in.json", []byte("[[1]]"), 2); err != nil {
		t.Errorf("CheckDepth within the limit: %v", err)
	}
}

func TestMembers(t *testing.T) {
	obj := []byte(`{"a" : [1, {"b":2}], "c":null}`)
	var got []string
	err := Members(obj, 100, func(name string, v []byte, off int64) error {
		got = append(got, fmt.Sprintf("%s=%s@%d", name, v, off))
		if name == "a" {
			return Elements(v, off, func(i int, e []byte, eoff int64) error {
				got = append(got, fmt.Sprintf("%d=%s@%d", i, e, eoff))
				return nil
			})
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{`a=[1, {"b":2}]@107`, `0=1@108`, `1={"b":2}@111`, `c=null@125`}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
