package server

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// jsonField is one field as encoding/json writes it.
type jsonField struct {
	name     string
	typ      reflect.Type
	optional bool // omitempty or omitzero
	depth    int  // of embedding
	tagged   bool // named by its json tag
}

// jsonFields lists the JSON fields of struct type t as encoding/json
// does: json tags, "-", omitempty/omitzero, embedded structs promoted.
// Of fields with one name the shallowest wins; at equal depth the one
// tagged field wins, and otherwise none is written.
func jsonFields(t reflect.Type) []jsonField {
	var all []jsonField
	var walk func(t reflect.Type, depth int)
	walk = func(t reflect.Type, depth int) {
		for i := range t.NumField() {
			sf := t.Field(i)
			tag := sf.Tag.Get("json")
			if tag == "-" {
				continue
			}
			name, opts, _ := strings.Cut(tag, ",")
			ft := sf.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if sf.Anonymous && name == "" && ft.Kind() == reflect.Struct {
				walk(ft, depth+1)
				continue
			}
			if !sf.IsExported() {
				continue
			}
			f := jsonField{name: name, typ: sf.Type, depth: depth, tagged: name != ""}
			if name == "" {
				f.name = sf.Name
			}
			for _, o := range strings.Split(opts, ",") {
				f.optional = f.optional || o == "omitempty" || o == "omitzero"
			}
			all = append(all, f)
		}
	}
	walk(t, 0)
	var out []jsonField
	for _, f := range all {
		var atDepth, tagged int
		hidden := false
		for _, g := range all {
			switch {
			case g.name != f.name || g.depth > f.depth:
			case g.depth < f.depth:
				hidden = true
			default:
				atDepth++
				if g.tagged {
					tagged++
				}
			}
		}
		if !hidden && (atDepth == 1 || f.tagged && tagged == 1) {
			out = append(out, f)
		}
	}
	return out
}

var (
	timeType = reflect.TypeFor[time.Time]()
	rawType  = reflect.TypeFor[json.RawMessage]()
)

// checkType reports whether schema s admits the JSON encoding of Go
// type t: its type (or one of its types) is the one Go writes, and a
// time is a date-time.
func checkType(s map[string]any, t reflect.Type) error {
	var want string
	switch {
	case t == rawType:
		return nil // any JSON; documented by its schema
	case t == timeType:
		if s["format"] != "date-time" {
			return fmt.Errorf("a time.Time: want format date-time, got %v", s["format"])
		}
		want = "string"
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8:
		want = "string" // base64
	case t.Kind() == reflect.String:
		want = "string"
	case t.Kind() == reflect.Bool:
		want = "boolean"
	case t.Kind() >= reflect.Int && t.Kind() <= reflect.Uint64:
		want = "integer"
	case t.Kind() == reflect.Float32 || t.Kind() == reflect.Float64:
		want = "number"
	case t.Kind() == reflect.Slice || t.Kind() == reflect.Array:
		want = "array"
	case t.Kind() == reflect.Struct || t.Kind() == reflect.Map:
		want = "object"
	default:
		return nil
	}
	types := asList(s["type"])
	if !slices.Contains(types, any(want)) {
		return fmt.Errorf("Go %s encodes as %s; the schema says type %v", t, want, s["type"])
	}
	return nil
}

// TestJSONFields: the field lister follows encoding/json, checked
// against what json.Marshal writes.
func TestJSONFields(t *testing.T) {
	type Inner struct {
		A string `json:"a"`
		B int    `json:"b,omitempty"`
		C string `json:"c"` // hidden by Outer.C, shallower
	}
	type Other struct {
		D string
		E string // clashes with Twin.E at the same depth: neither is written
	}
	type Twin struct {
		E string
	}
	type Outer struct {
		Inner
		*Other
		Twin
		C      string    `json:"c"`
		Hidden string    `json:"-"`
		When   time.Time `json:"when,omitzero"`
		Named  Inner     `json:"named"`
		lower  string
	}
	_ = Outer{}.lower
	var got []string
	for _, f := range jsonFields(reflect.TypeFor[Outer]()) {
		got = append(got, fmt.Sprintf("%s optional=%v", f.name, f.optional))
	}
	want := []string{"a optional=false", "b optional=true", "D optional=false", "c optional=false",
		"when optional=true", "named optional=false"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("jsonFields(Outer) (-want +got):\n%s", d)
	}
	// And json.Marshal agrees on the names, with every field set.
	data, _ := json.Marshal(Outer{Inner: Inner{A: "x", B: 1, C: "y"}, Other: &Other{D: "z", E: "e"}, Twin: Twin{E: "e"}, C: "c", When: time.Now()})
	var m map[string]any
	json.Unmarshal(data, &m)
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	var names []string
	for _, f := range jsonFields(reflect.TypeFor[Outer]()) {
		names = append(names, f.name)
	}
	slices.Sort(keys)
	slices.Sort(names)
	if d := cmp.Diff(keys, names); d != "" {
		t.Errorf("json.Marshal keys (-Marshal +jsonFields):\n%s", d)
	}
}
