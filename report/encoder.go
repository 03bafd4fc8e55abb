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
		CSV{Excel: true},
		SARIF{},
		CycloneDX{},
	}
}

// softwareOnly is an encoder that describes software and so cannot write
// a report of traffic.
type softwareOnly interface{ softwareOnly() }

// TrafficEncoders lists the formats a report of traffic can be written
// in: every encoder but those that describe software only.
func TrafficEncoders() []Encoder {
	var out []Encoder
	for _, e := range Encoders() {
		if _, ok := e.(softwareOnly); !ok {
			out = append(out, e)
		}
	}
	return out
}

// Names lists the names of encoders.
func Names(encoders []Encoder) []string {
	names := make([]string, len(encoders))
	for i, e := range encoders {
		names[i] = e.Name()
	}
	return names
}

// Lookup returns the encoder with the given name.
func Lookup(name string) (Encoder, error) { return lookupIn(Encoders(), name) }

// LookupTraffic returns the encoder with the given name for a report of
// traffic.
func LookupTraffic(name string) (Encoder, error) { return lookupIn(TrafficEncoders(), name) }

func lookupIn(encoders []Encoder, name string) (Encoder, error) {
	var names []string
	for _, e := range encoders {
		if e.Name() == name {
			return e, nil
		}
		names = append(names, e.Name())
	}
	return nil, fmt.Errorf("unknown output format %q (formats: %s)", name, strings.Join(names, ", "))
}
