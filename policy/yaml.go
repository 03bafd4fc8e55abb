package policy

import (
	"fmt"
	"reflect"

	"github.com/embargo-dev/embargo/internal/strictyaml"
	"gopkg.in/yaml.v3"
)

// A pack is decoded strictly: an unknown key is an error with its line,
// since a misspelt "deadlin" would otherwise drop a legal deadline.

type rawPack struct {
	ID         lined        `yaml:"id"`
	Title      lined        `yaml:"title"`
	Instrument lined        `yaml:"instrument"`
	Effective  lined        `yaml:"effective"`
	Rules      []rawRule    `yaml:"rules"`
	Examples   []rawExample `yaml:"examples"`
}

type rawRule struct {
	Line     int          `yaml:"-" strictyaml:"line"`
	ID       lined        `yaml:"id"`
	Clause   lined        `yaml:"clause"`
	Effect   lined        `yaml:"effect"`
	Severity lined        `yaml:"severity"`
	When     exprPos      `yaml:"when"`
	Deadline *rawDeadline `yaml:"deadline"`
}

type rawDeadline struct {
	Line      int   `yaml:"-" strictyaml:"line"`
	Date      lined `yaml:"date"`
	DaysAfter lined `yaml:"days_after"`
	From      lined `yaml:"from"`
}

type rawExample struct {
	Line     int          `yaml:"-" strictyaml:"line"`
	Name     lined        `yaml:"name"`
	System   rawExSystem  `yaml:"system"`
	Supplier rawExSupp    `yaml:"supplier"`
	Product  rawExProduct `yaml:"product"`
	Item     rawExItem    `yaml:"item"`
	Flow     *rawExFlow   `yaml:"flow"`
	Expect   lined        `yaml:"expect"`
	Effect   lined        `yaml:"effect"`
}

type rawExSystem struct {
	Classification lined   `yaml:"classification"`
	Tags           []lined `yaml:"tags"`
}

type rawExSupp struct {
	ID                 lined `yaml:"id"`
	ControllingCountry lined `yaml:"controlling_country"`
}

type rawExProduct struct {
	ID       lined `yaml:"id"`
	Category lined `yaml:"category"`
	Tier     lined `yaml:"tier"`
}

type rawExItem struct {
	Name lined `yaml:"name"`
	Type lined `yaml:"type"`
	// Tier overrides the attribution's tier (the product's, by default).
	Tier           lined   `yaml:"tier"`
	DependencyPath []lined `yaml:"dependency_path"`
	// DeviceType makes the item equipment with this device type (an Nmap
	// type, a register's category); Tags are its own tags.
	DeviceType lined   `yaml:"device_type"`
	Tags       []lined `yaml:"tags"`
}

type rawExFlow struct {
	RegisteredCountry lined   `yaml:"registered_country"`
	BytesOut          lined   `yaml:"bytes_out"`
	Names             []lined `yaml:"names"`
}

// lined is a string scalar and the line it was written on.
type lined = strictyaml.Lined

// exprPos is a CEL expression and where its text begins, so that an error
// at a position in the expression can be reported at its place in the
// file.
type exprPos struct {
	Value  string
	Line   int
	Column int
	Style  yaml.Style
	// Indent is the column (1-based) of a block scalar's first content
	// line; 0 for flow scalars.
	Indent int
}

func (x *exprPos) UnmarshalYAML(n *yaml.Node) error {
	x.Line, x.Column, x.Style = n.Line, n.Column, n.Style
	if n.Kind != yaml.ScalarNode {
		return fmt.Errorf("line %d: a rule's when is a CEL expression, written as a string", n.Line)
	}
	if n.Tag == "!!null" {
		return nil
	}
	x.Value = n.Value
	return nil
}

var exprType = reflect.TypeOf(exprPos{})

// checkKeys reports unknown or repeated keys and aliases (strictyaml).
func checkKeys(n *yaml.Node, t reflect.Type) error {
	return strictyaml.CheckKeys(n, t, "a policy pack", exprType)
}
