package waivers

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"

	"github.com/embargo-dev/embargo/internal/strictyaml"
	"gopkg.in/yaml.v3"
)

// Limits on one waivers file, so that a hostile or broken file cannot
// exhaust memory. Finding-scoped waivers can be numerous, hence the
// generous count.
const (
	MaxFileSize = 16 << 20
	MaxWaivers  = 100_000
)

// Load parses and validates the waivers in data; name is the file name
// used in errors. Every problem found is reported, each as "name:line:
// ...", joined into one error; on error no Set is returned.
func Load(name string, data []byte) (*Set, error) {
	if len(data) > MaxFileSize {
		return nil, fmt.Errorf("%s: %d bytes is over the %d-byte limit for a waivers file", name, len(data), MaxFileSize)
	}
	f, err := parse(data)
	if err != nil {
		return nil, positioned(name, err)
	}
	b := builder{file: name}
	s := b.build(f)
	if len(b.errs) > 0 {
		return nil, errors.Join(b.errs...)
	}
	return s, nil
}

func parse(data []byte) (*rawFile, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var root yaml.Node
	if err := dec.Decode(&root); err != nil {
		if err == io.EOF {
			return &rawFile{}, nil
		}
		return nil, err
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err != io.EOF {
		line := 0
		if err == nil && len(extra.Content) > 0 {
			line = extra.Content[0].Line
		}
		return nil, fmt.Errorf("line %d: a waivers file is one YAML document; a second begins here", line)
	}
	if len(root.Content) == 0 {
		return &rawFile{}, nil
	}
	doc := root.Content[0]
	if doc.Kind != yaml.MappingNode && !(doc.Kind == yaml.ScalarNode && doc.Tag == "!!null") {
		return nil, fmt.Errorf("line %d: a waivers file is a mapping with a list of waivers", doc.Line)
	}
	if err := checkKeys(doc, reflect.TypeOf(rawFile{})); err != nil {
		return nil, err
	}
	if err := checkWaivers(doc); err != nil {
		return nil, err
	}
	var f rawFile
	if err := doc.Decode(&f); err != nil {
		return nil, err
	}
	return &f, nil
}

// checkWaivers bounds the number of waivers before decoding them and
// rejects an entry that is not a mapping, which the decoder would
// otherwise skip (a null) or report without saying what a waiver is.
func checkWaivers(doc *yaml.Node) error {
	for i := 0; i+1 < len(doc.Content); i += 2 {
		if doc.Content[i].Value != "waivers" {
			continue
		}
		list := doc.Content[i+1].Content
		if len(list) > MaxWaivers {
			return fmt.Errorf("%d waivers is over the limit of %d", len(list), MaxWaivers)
		}
		if v := doc.Content[i+1]; v.Kind != yaml.SequenceNode && !(v.Kind == yaml.ScalarNode && v.Tag == "!!null") {
			return fmt.Errorf("line %d: waivers is a list, each entry beginning with \"- id:\"", v.Line)
		}
		for _, n := range list {
			if n.Kind != yaml.MappingNode {
				return fmt.Errorf("line %d: a waiver is a mapping with id, scope, reason, approver and expiry", n.Line)
			}
		}
	}
	return nil
}

// positioned rewrites decoder errors as "name:line: msg" (strictyaml).
func positioned(name string, err error) error { return strictyaml.Positioned(name, err) }
