package catalog

import (
	"fmt"
	"reflect"
	"strings"
	"sync"

	"gopkg.in/yaml.v3"
)

// The catalogue's YAML is decoded strictly: an unknown key is an error with
// its line, since a misspelt key would otherwise drop a fact silently.

func (x *Source) UnmarshalYAML(n *yaml.Node) error {
	type plain Source
	x.Pos.Line = n.Line
	return n.Decode((*plain)(x))
}

func (x *Name) UnmarshalYAML(n *yaml.Node) error {
	type plain Name
	x.Pos.Line = n.Line
	return n.Decode((*plain)(x))
}

func (x *Country) UnmarshalYAML(n *yaml.Node) error {
	type plain Country
	x.Pos.Line = n.Line
	return n.Decode((*plain)(x))
}

func (x *Parent) UnmarshalYAML(n *yaml.Node) error {
	type plain Parent
	x.Pos.Line = n.Line
	return n.Decode((*plain)(x))
}

func (x *Identifier) UnmarshalYAML(n *yaml.Node) error {
	type plain Identifier
	x.Pos.Line = n.Line
	return n.Decode((*plain)(x))
}

func (x *Entity) UnmarshalYAML(n *yaml.Node) error {
	type plain Entity
	x.Pos.Line = n.Line
	return n.Decode((*plain)(x))
}

func (x *Product) UnmarshalYAML(n *yaml.Node) error {
	type plain Product
	x.Pos.Line = n.Line
	return n.Decode((*plain)(x))
}

func (x *Instrument) UnmarshalYAML(n *yaml.Node) error {
	type plain Instrument
	x.Pos.Line = n.Line
	return n.Decode((*plain)(x))
}

// checkKeys walks a decoded YAML tree beside the Go type it will be decoded
// into and reports the first mapping key that the type does not have.
func checkKeys(n *yaml.Node, t reflect.Type) error {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if n.Kind == yaml.AliasNode {
		return fmt.Errorf("line %d: YAML aliases are not allowed in the catalogue", n.Line)
	}
	switch t.Kind() {
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			return nil // the decoder reports the type mismatch
		}
		fields := structFields(t)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			ft, ok := fields[k.Value]
			if !ok {
				return fmt.Errorf("line %d: unknown key %q", k.Line, k.Value)
			}
			if err := checkKeys(v, ft); err != nil {
				return err
			}
		}
	case reflect.Slice:
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

var fieldCache sync.Map // reflect.Type -> map[string]reflect.Type

func structFields(t reflect.Type) map[string]reflect.Type {
	if m, ok := fieldCache.Load(t); ok {
		return m.(map[string]reflect.Type)
	}
	m := map[string]reflect.Type{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("yaml")
		name, opts, _ := strings.Cut(tag, ",")
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
