package waivers

import (
	"errors"
	"fmt"
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
	doc, err := strictyaml.Document(data, "a waivers file")
	if err != nil || doc == nil {
		return &rawFile{}, err
	}
	if doc.Kind != yaml.MappingNode && !strictyaml.IsNull(doc) {
		return nil, fmt.Errorf("line %d: a waivers file is a mapping with a list of waivers", doc.Line)
	}
	if err := checkKeys(doc, reflect.TypeOf(rawFile{})); err != nil {
		return nil, err
	}
	if err := strictyaml.CheckList(doc, strictyaml.List{Key: "waivers", Max: MaxWaivers, Entry: "a waiver is a mapping with id, scope, reason, approver and expiry"}); err != nil {
		return nil, err
	}
	var f rawFile
	if err := strictyaml.Decode(doc, &f); err != nil {
		return nil, err
	}
	return &f, nil
}

// positioned rewrites decoder errors as "name:line: msg" (strictyaml).
func positioned(name string, err error) error { return strictyaml.Positioned(name, err) }
