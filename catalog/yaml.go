package catalog

import (
	"reflect"

	"github.com/embargo-dev/embargo/internal/strictyaml"
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

func (x *Clause) UnmarshalYAML(n *yaml.Node) error {
	type plain Clause
	x.Pos.Line = n.Line
	return n.Decode((*plain)(x))
}

func (x *Instrument) UnmarshalYAML(n *yaml.Node) error {
	type plain Instrument
	x.Pos.Line = n.Line
	return n.Decode((*plain)(x))
}

// checkKeys reports unknown or repeated keys and aliases (strictyaml).
func checkKeys(n *yaml.Node, t reflect.Type) error {
	return strictyaml.CheckKeys(n, t, "the catalogue")
}
