package waivers

import (
	"fmt"
	"reflect"

	"github.com/embargo-dev/embargo/internal/strictyaml"
	"gopkg.in/yaml.v3"
)

// The file is decoded strictly: an unknown key is an error with its line,
// since a misspelt "expiry" would otherwise leave a waiver with no end.

// rawFile is a waivers file as written.
type rawFile struct {
	Waivers []rawWaiver `yaml:"waivers"`
}

type rawWaiver struct {
	Line       int      `yaml:"-" strictyaml:"line"`
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
	Line    int   `yaml:"-" strictyaml:"line"`
	Finding lined `yaml:"finding"`
	System  lined `yaml:"system"`
	Product lined `yaml:"product"`
}

func (x *rawScope) UnmarshalYAML(n *yaml.Node) error {
	type plain rawScope
	if n.Kind != yaml.MappingNode {
		return fmt.Errorf("line %d: a scope is a mapping: finding, system, product, or system and product", n.Line)
	}
	return n.Decode((*plain)(x))
}

// lined is a string scalar and the line it was written on.
type lined = strictyaml.Lined

// checkKeys reports unknown or repeated keys and aliases (strictyaml).
func checkKeys(n *yaml.Node, t reflect.Type) error {
	return strictyaml.CheckKeys(n, t, "a waivers file")
}
