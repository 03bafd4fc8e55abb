package report

import (
	"fmt"
	"io"
	"strings"
)

// Encoder writes a report in one format.
type Encoder interface {
	Name() string
	Encode(w io.Writer, r *Report) error
}

// Encoders lists every output format. A new format is one file here and
// one line in this list.
func Encoders() []Encoder {
	return []Encoder{
		Table{},
		JSON{},
		CSV{},
		SARIF{},
		CycloneDX{},
	}
}

// Lookup returns the encoder with the given name.
func Lookup(name string) (Encoder, error) {
	var names []string
	for _, e := range Encoders() {
		if e.Name() == name {
			return e, nil
		}
		names = append(names, e.Name())
	}
	return nil, fmt.Errorf("unknown output format %q (formats: %s)", name, strings.Join(names, ", "))
}
