package systems

import (
	"reflect"

	"github.com/embargo-dev/embargo/internal/strictyaml"
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
	Line           int     `yaml:"-" strictyaml:"line"`
	Classification lined   `yaml:"classification"`
	Tags           []lined `yaml:"tags"`
}

type rawSystem struct {
	Line           int      `yaml:"-" strictyaml:"line"`
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

// lined is a string scalar and the line it was written on.
type lined = strictyaml.Lined

// checkKeys reports unknown or repeated keys and aliases (strictyaml).
func checkKeys(n *yaml.Node, t reflect.Type) error {
	return strictyaml.CheckKeys(n, t, "a systems register")
}
