package waivers

import (
	"fmt"
	"reflect"
	"strings"

	"gopkg.in/yaml.v3"
)

// The file is decoded strictly: an unknown key is an error with its line,
// since a misspelt "expiry" would otherwise leave a waiver with no end.

// rawFile is a waivers file as written.
type rawFile struct {
	Waivers []rawWaiver `yaml:"waivers"`
}

type rawWaiver struct {
	Line       int      `yaml:"-"`
	ID         lined    `yaml:"id"`
	Scope      rawScope `yaml:"scope"`
	Instrument lined    `yaml:"instrument"`
	Rule       lined    `yaml:"rule"`
	Reason     lined    `yaml:"reason"`
	Approver   lined    `yaml:"approver"`
	Granted    lined    `yaml:"granted"`
	Expiry     lined    `yaml:"expiry"`
	Note       lined    `yaml:"note"`
}

type rawScope struct {
	Line    int   `yaml:"-"`
	Finding lined `yaml:"finding"`
	System  lined `yaml:"system"`
	Product lined `yaml:"product"`
}

func (x *rawWaiver) UnmarshalYAML(n *yaml.Node) error {
	type plain rawWaiver
	x.Line = n.Line
	return n.Decode((*plain)(x))
}

func (x *rawScope) UnmarshalYAML(n *yaml.Node) error {
	type plain rawScope
	x.Line = n.Line
	if n.Kind != yaml.MappingNode {
		return fmt.Errorf("line %d: a scope is a mapping: finding, system, product, or system and product", n.Line)
	}
	return n.Decode((*plain)(x))
}

// lined is a string scalar and the line it was written on. An unquoted
// date is a YAML timestamp; its text is kept as written.
type lined struct {
	Value string
	Line  int
}

func (x *lined) UnmarshalYAML(n *yaml.Node) error {
	x.Line = n.Line
	if n.Kind != yaml.ScalarNode {
		return fmt.Errorf("line %d: expected a string", n.Line)
	}
	if n.Tag == "!!null" {
		return nil
	}
	x.Value = strings.TrimSpace(n.Value)
	return nil
}

var linedType = reflect.TypeOf(lined{})

// checkKeys walks a YAML tree beside the Go type it will be decoded into
// and reports the first mapping key the type does not have, and any alias
// (an alias could multiply a small file into a huge one).
func checkKeys(n *yaml.Node, t reflect.Type) error {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if n.Kind == yaml.AliasNode {
		return fmt.Errorf("line %d: YAML aliases are not allowed in a waivers file", n.Line)
	}
	switch {
	case t == linedType:
		return nil
	case t.Kind() == reflect.Struct:
		if n.Kind != yaml.MappingNode {
			return nil // the decoder reports the type mismatch
		}
		seen := map[string]int{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			ft, ok := fieldType(t, k.Value)
			if !ok {
				return fmt.Errorf("line %d: unknown key %q", k.Line, k.Value)
			}
			if prev, dup := seen[k.Value]; dup {
				return fmt.Errorf("line %d: key %q already given at line %d", k.Line, k.Value, prev)
			}
			seen[k.Value] = k.Line
			if err := checkKeys(v, ft); err != nil {
				return err
			}
		}
	case t.Kind() == reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			return nil
		}
		for _, c := range n.Content {
			if err := checkKeys(c, t.Elem()); err != nil {
				return err
			}
		}
	}
	return nil
}

func fieldType(t reflect.Type, key string) (reflect.Type, bool) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name != "" && name != "-" && name == key {
			return f.Type, true
		}
	}
	return nil, false
}
