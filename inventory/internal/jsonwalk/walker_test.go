package jsonwalk

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/embargo-dev/embargo/inventory"
)

// TestFields reads two documents: values at wanted paths, a path wanted
// both as a value and as an object, a list handed back, and the notes of
// values of the wrong kind.
func TestFields(t *testing.T) {
	in := `{"Id": {"Value": 7}, "Name": "a\u00e9", "Skip": [1, {"x": 2}], "Apps": [{"n": "x"}, 3], "Model": {"x": 1}, "Os": 5}
{"Id": 8, "Os": {"Ver": "17"}, "Name": "bad ` + "\xff" + `"}`
	w := New(context.Background(), "in.json", strings.NewReader(in), inventory.DefaultLimits)
	want := Paths("Id", "Id/Value", "Name", "Model", "Os/Ver")
	var got []map[string]string
	var notes, lists []string
	err := w.Documents(func(doc string, off int64) error {
		rec := NewRecord(inventory.Location{Source: "in.json", Ref: doc, Offset: off})
		err := w.Fields(rec, want, map[string]bool{"Apps": true}, "", doc, func(path, ptr string, _ int64) error {
			lists = append(lists, path+" "+ptr)
			return w.Array(func(i int, _ int64) error {
				s, err := w.Value()
				lists = append(lists, KindName(s.Kind))
				return err
			})
		})
		got = append(got, rec.Vals)
		for _, n := range rec.Notes {
			notes = append(notes, n.Location.Ref+": "+n.Reason)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	wantVals := []map[string]string{{"Id/Value": "7", "Name": "aé"}, {"Id": "8", "Name": "bad \uFFFD", "Os/Ver": "17"}}
	if diff := cmp.Diff(wantVals, got); diff != "" {
		t.Errorf("values (-want +got):\n%s", diff)
	}
	wantNotes := []string{": Model is a JSON object, not a value", ": Os is a JSON number, not an object"}
	if diff := cmp.Diff(wantNotes, notes, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("notes (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"Apps /Apps", "object", "number"}, lists); diff != "" {
		t.Errorf("lists (-want +got):\n%s", diff)
	}
	if u := w.BadUTF8(); u == nil || !strings.HasPrefix(u.Reason, "1 values held bytes that are not UTF-8") {
		t.Errorf("BadUTF8() = %+v", u)
	}
}

func TestErrors(t *testing.T) {
	for in, want := range map[string]string{
		`{"a": {"b": {"c": {"d": 1}}}}`: "JSON nested deeper than 3 (the depth limit)",
		`{"a": 1} [1]`:                  "a JSON array where an object was expected",
		`{"a": {"b": 1}`:                "the JSON ends early: the file is truncated",
		`{"a": 1} {"b": }`:              "invalid character",
		`{"a": "\u00"}`:                 "invalid escape sequence",
		`{"a": 1} @`:                    "invalid character",
	} {
		lim := inventory.DefaultLimits
		lim.MaxDepth = 3
		w := New(context.Background(), "in.json", strings.NewReader(in), lim)
		err := w.Fail(w.Documents(func(string, int64) error {
			return w.Fields(NewRecord(inventory.Location{}), Paths("a/b/c/d"), nil, "", "", nil)
		}))
		var ie *inventory.InputError
		if !errors.As(err, &ie) || ie.Source != "in.json" || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want an InputError with %q", in, err, want)
		}
	}
}

func TestPick(t *testing.T) {
	rec := NewRecord(inventory.Location{Source: "in.json"})
	rec.Vals = map[string]string{"a": "  ", "b": "too long", "c": " ok "}
	if got := rec.Pick(4, "a", "b", "c"); got != "ok" {
		t.Errorf("Pick = %q, want ok", got)
	}
	if len(rec.Notes) != 1 || rec.Notes[0].Reason != "b of the device is longer than 4 bytes" {
		t.Errorf("notes %+v", rec.Notes)
	}
}
