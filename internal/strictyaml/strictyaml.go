// Package strictyaml holds what every reviewed YAML file of Embargo (the
// catalogue, policy packs, the systems register, waivers) is read with: one
// document, every mapping key known to the Go type it is decoded into, no
// aliases, no key given twice, and errors as "file:line: message". A
// misspelt key would otherwise drop a fact or a rule silently.
package strictyaml

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"regexp"
	"strings"
	"sync"

	"gopkg.in/yaml.v3"
)

// Lined is a string scalar and the line it was written on, so that
// validation can report a bad value at its place.
type Lined struct {
	Value string
	Line  int
}

// UnmarshalYAML keeps the line and refuses anything but a scalar.
func (x *Lined) UnmarshalYAML(n *yaml.Node) error {
	x.Line = n.Line
	if n.Kind != yaml.ScalarNode {
		return fmt.Errorf("line %d: expected a string", n.Line)
	}
	if n.Tag == "!!null" {
		return nil
	}
	x.Value = n.Value
	return nil
}

// At is the line of l, or fallback when l was not written.
func At(l Lined, fallback int) int {
	if l.Line > 0 {
		return l.Line
	}
	return fallback
}

var linedType = reflect.TypeOf(Lined{})

// Document parses data as exactly one YAML document and returns its top
// node, or nil when the file is empty. what names the kind of file in
// messages ("a waivers file").
func Document(data []byte, what string) (*yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var root yaml.Node
	if err := dec.Decode(&root); err != nil {
		if err == io.EOF {
			return nil, nil
		}
		return nil, err
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err != io.EOF {
		line := 0
		if err == nil && len(extra.Content) > 0 {
			line = extra.Content[0].Line
		}
		return nil, fmt.Errorf("line %d: %s is one YAML document; a second begins here", line, what)
	}
	if len(root.Content) == 0 {
		return nil, nil
	}
	return root.Content[0], nil
}

// IsNull reports whether n is an empty value.
func IsNull(n *yaml.Node) bool { return n.Kind == yaml.ScalarNode && n.Tag == "!!null" }

// CheckKeys walks a YAML tree beside the Go type it will be decoded into
// and reports the first mapping key the type does not have, a key given
// twice, and any alias (an alias could multiply a small file into a huge
// one). Fields tagged ",inline" contribute their keys; leaves are types
// that decode a whole node themselves (Lined, and any in leaves).
func CheckKeys(n *yaml.Node, t reflect.Type, what string, leaves ...reflect.Type) error {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if n.Kind == yaml.AliasNode {
		return fmt.Errorf("line %d: YAML aliases are not allowed in %s", n.Line, what)
	}
	switch {
	case t == linedType || containsType(leaves, t):
		return nil
	case t.Kind() == reflect.Struct:
		if n.Kind != yaml.MappingNode {
			return nil // the decoder reports the type mismatch
		}
		fields := structFields(t)
		seen := map[string]int{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			ft, ok := fields[k.Value]
			if !ok {
				return fmt.Errorf("line %d: unknown key %q", k.Line, k.Value)
			}
			if prev, dup := seen[k.Value]; dup {
				return fmt.Errorf("line %d: key %q already given at line %d", k.Line, k.Value, prev)
			}
			seen[k.Value] = k.Line
			if err := CheckKeys(v, ft, what, leaves...); err != nil {
				return err
			}
		}
	case t.Kind() == reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			return nil
		}
		for _, c := range n.Content {
			if err := CheckKeys(c, t.Elem(), what, leaves...); err != nil {
				return err
			}
		}
	}
	return nil
}

func containsType(ts []reflect.Type, t reflect.Type) bool {
	for _, x := range ts {
		if x == t {
			return true
		}
	}
	return false
}

var fieldCache sync.Map // reflect.Type -> map[string]reflect.Type

// structFields maps the YAML keys of a struct type to their field types.
func structFields(t reflect.Type) map[string]reflect.Type {
	if m, ok := fieldCache.Load(t); ok {
		return m.(map[string]reflect.Type)
	}
	m := map[string]reflect.Type{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		switch {
		case name == "-":
		case opts == "inline":
			for k, v := range structFields(f.Type) {
				m[k] = v
			}
		case name != "":
			m[name] = f.Type
		}
	}
	fieldCache.Store(t, m)
	return m
}

var yamlLine = regexp.MustCompile(`^(?:yaml: )?line (\d+): `)

// Positioned rewrites the YAML decoder's "yaml: line N: msg" (and our own
// "line N: msg") as "name:N: msg", one error per problem.
func Positioned(name string, err error) error {
	var te *yaml.TypeError
	if errors.As(err, &te) {
		errs := make([]error, 0, len(te.Errors))
		for _, e := range te.Errors {
			errs = append(errs, Positioned(name, errors.New(e)))
		}
		return errors.Join(errs...)
	}
	// One message a line: a value the decoder quotes may hold line
	// breaks, which would start a line naming no file.
	msg := strings.NewReplacer("\n", `\n`, "\r", `\r`).Replace(err.Error())
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		return fmt.Errorf("%s:%s: %s", name, m[1], msg[len(m[0]):])
	}
	return fmt.Errorf("%s: %s", name, strings.TrimPrefix(msg, "yaml: "))
}

// List describes a list under a top-level key: how many entries it may
// hold and what one entry is, for the messages.
type List struct {
	Key   string // "waivers"
	Max   int
	Entry string // "a waiver is a mapping with id, scope, ..."
}

// CheckList bounds the entries of the list under l.Key before they are
// decoded, and rejects a list that is not one or an entry that is not a
// mapping, which the decoder would otherwise skip (a null) or report
// without saying what an entry is.
func CheckList(doc *yaml.Node, l List) error {
	for i := 0; i+1 < len(doc.Content); i += 2 {
		if doc.Content[i].Value != l.Key {
			continue
		}
		v := doc.Content[i+1]
		if len(v.Content) > l.Max {
			return fmt.Errorf("%d %s is over the limit of %d", len(v.Content), l.Key, l.Max)
		}
		if v.Kind != yaml.SequenceNode && !IsNull(v) {
			return fmt.Errorf("line %d: %s is a list, each entry beginning with \"- id:\"", v.Line, l.Key)
		}
		for _, n := range v.Content {
			if n.Kind != yaml.MappingNode {
				return fmt.Errorf("line %d: %s", n.Line, l.Entry)
			}
		}
	}
	return nil
}
