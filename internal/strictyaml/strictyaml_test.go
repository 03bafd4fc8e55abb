package strictyaml

import (
	"errors"
	"reflect"
	"testing"

	"github.com/google/go-cmp/cmp"
)

type inner struct {
	Note string `yaml:"note"`
}

type leaf struct{ Raw string }

type doc struct {
	inner `yaml:",inline"`
	ID    Lined   `yaml:"id"`
	Items []inner `yaml:"items"`
	Skip  string  `yaml:"-"`
	Leaf  leaf    `yaml:"leaf"`
}

func TestCheckKeys(t *testing.T) {
	tests := []struct{ name, src, want string }{
		{"fine", "id: a\nnote: inline key\nitems: [{note: x}]\nleaf: {anything: goes}\n", ""},
		{"unknown key", "id: a\nname: b\n", `line 2: unknown key "name"`},
		{"unknown nested key", "items:\n  - {note: x}\n  - {nope: y}\n", `line 3: unknown key "nope"`},
		{"repeated key", "id: a\nnote: x\nnote: y\n", `line 3: key "note" already given at line 2`},
		{"alias", "items:\n  - &x {note: a}\n  - *x\n", "line 3: YAML aliases are not allowed in a test file"},
		{"skipped field", "Skip: x\n", `line 1: unknown key "Skip"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			n, err := Document([]byte(tc.src), "a test file")
			if err != nil {
				t.Fatal(err)
			}
			err = CheckKeys(n, reflect.TypeOf(doc{}), "a test file", reflect.TypeOf(leaf{}))
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tc.want {
				t.Errorf("CheckKeys: %q, want %q", got, tc.want)
			}
		})
	}
}

func TestDocument(t *testing.T) {
	if n, err := Document([]byte("  \n"), "x"); n != nil || err != nil {
		t.Errorf("empty: %v, %v", n, err)
	}
	_, err := Document([]byte("a: 1\n---\nb: 2\n"), "a test file")
	if err == nil || err.Error() != "line 3: a test file is one YAML document; a second begins here" {
		t.Errorf("two documents: %v", err)
	}
}

func TestPositioned(t *testing.T) {
	tests := []struct{ in, want string }{
		{"yaml: line 4: did not find expected key", "f.yaml:4: did not find expected key"},
		{"line 7: unknown key \"x\"", "f.yaml:7: unknown key \"x\""},
		{"yaml: control characters are not allowed", "f.yaml: control characters are not allowed"},
		// A value quoted in the message keeps the message on one line.
		{"line 1: cannot unmarshal !!str `|\n` into []policy.rawRule", "f.yaml:1: cannot unmarshal !!str `|\\n` into []policy.rawRule"},
		{"yaml: line 2: found \"a\r\nb\"", "f.yaml:2: found \"a\\r\\nb\""},
	}
	for _, tc := range tests {
		if diff := cmp.Diff(tc.want, Positioned("f.yaml", errors.New(tc.in)).Error()); diff != "" {
			t.Errorf("Positioned(%q): %s", tc.in, diff)
		}
	}
}
