package catalog

import (
	"fmt"
	"reflect"

	"gopkg.in/yaml.v3"

	"github.com/embargo-dev/embargo/internal/strictyaml"
)

// The catalogue's YAML is decoded strictly: an unknown key is an error with
// its line, since a misspelt key would otherwise drop a fact silently.
// Positions (fields tagged strictyaml:"line") are set by strictyaml.Decode.

// checkKeys reports unknown or repeated keys and aliases (strictyaml).
func checkKeys(n *yaml.Node, t reflect.Type) error {
	return strictyaml.CheckKeys(n, t, "the catalogue")
}

// UnmarshalYAML reads a confidence name, saying on which line a bad one
// is written (UnmarshalText alone would not).
func (c *Confidence) UnmarshalYAML(n *yaml.Node) error {
	if err := c.UnmarshalText([]byte(n.Value)); err != nil {
		return fmt.Errorf("line %d: %w", n.Line, err)
	}
	return nil
}
