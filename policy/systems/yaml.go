package systems

import (
	"fmt"
	"reflect"
	"strings"

	"gopkg.in/yaml.v3"
)

// The register is decoded strictly: an unknown key is an error with its
// line, since a misspelt "clasification" would otherwise leave a SECRET
// system judged as unclassified.

// rawFile is a register file as written.
type rawFile struct {
	Classifications []lined     `yaml:"classifications"`
	Default         *rawDefault `yaml:"default"`
	Systems         []rawSystem `yaml:"systems"`
}

type rawDefault struct {
	Line           int     `yaml:"-"`
	Classification lined   `yaml:"classification"`
	Tags           []lined `yaml:"tags"`
}

type rawSystem struct {
	Line           int      `yaml:"-"`
	ID             lined    `yaml:"id"`
	Name           string   `yaml:"name"`
	Department     string   `yaml:"department"`
	Owner          string   `yaml:"owner"`
	Classification lined    `yaml:"classification"`
	Tags           []lined  `yaml:"tags"`
	Match          rawRules `yaml:"match"`
}

type rawRules struct {
	Hosts     []lined `yaml:"hosts"`
	Labels    []lined `yaml:"labels"`
	Addresses []lined `yaml:"addresses"`
}

func (x *rawDefault) UnmarshalYAML(n *yaml.Node) error {
	type plain rawDefault
	x.Line = n.Line
	return n.Decode((*plain)(x))
}

func (x *rawSystem) UnmarshalYAML(n *yaml.Node) error {
	type plain rawSystem
	x.Line = n.Line
	return n.Decode((*plain)(x))
}

// lined is a string scalar and the line it was written on.
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
	x.Value = n.Value
	return nil
}

var linedType = reflect.TypeOf(lined{})

// checkKeys walks a YAML tree beside the Go type it will be decoded into
// and reports the first mapping key the type does not have, and any alias
// (an alias could multiply a small file into a huge register).
func checkKeys(n *yaml.Node, t reflect.Type) error {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if n.Kind == yaml.AliasNode {
		return fmt.Errorf("line %d: YAML aliases are not allowed in a systems register", n.Line)
	}
	switch {
	case t == linedType:
		return nil
	case t.Kind() == reflect.Struct:
		if n.Kind != yaml.MappingNode {
			return nil // the decoder reports the type mismatch
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			ft, ok := fieldType(t, k.Value)
			if !ok {
				return fmt.Errorf("line %d: unknown key %q", k.Line, k.Value)
			}
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
