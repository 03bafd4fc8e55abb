package catalog

import (
	"reflect"

	"github.com/embargo-dev/embargo/internal/strictyaml"
	"gopkg.in/yaml.v3"
)

// The catalogue's YAML is decoded strictly: an unknown key is an error with
// its line, since a misspelt key would otherwise drop a fact silently.
// Positions (fields tagged strictyaml:"line") are set by strictyaml.Decode.

// checkKeys reports unknown or repeated keys and aliases (strictyaml).
func checkKeys(n *yaml.Node, t reflect.Type) error {
	return strictyaml.CheckKeys(n, t, "the catalogue")
}
