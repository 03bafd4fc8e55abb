package systems

import (
	"errors"
	"fmt"
	"reflect"
	"regexp"

	"github.com/embargo-dev/embargo/internal/strictyaml"
	"gopkg.in/yaml.v3"
)

// Limits on one register file, so that a hostile or broken file cannot
// exhaust memory. A large estate has tens of thousands of systems.
const (
	MaxFileSize = 16 << 20
	MaxSystems  = 100_000
	// MaxRules bounds the host, label and address rules of all systems.
	MaxRules = 1_000_000
)

// Load parses and validates the register in data; name is the file name
// used in errors. Every problem found is reported, each as "name:line:
// ...", joined into one error; on error no Register is returned.
func Load(name string, data []byte) (*Register, error) {
	if len(data) > MaxFileSize {
		return nil, fmt.Errorf("%s: %d bytes is over the %d-byte limit for a systems register", name, len(data), MaxFileSize)
	}
	f, err := parse(data)
	if err != nil {
		return nil, positioned(name, err)
	}
	b := builder{file: name}
	r := b.build(f)
	if len(b.errs) > 0 {
		return nil, errors.Join(b.errs...)
	}
	return r, nil
}

func parse(data []byte) (*rawFile, error) {
	doc, err := strictyaml.Document(data, "a systems register")
	if err != nil || doc == nil {
		return &rawFile{}, err
	}
	if doc.Kind != yaml.MappingNode && !strictyaml.IsNull(doc) {
		return nil, fmt.Errorf("line %d: a systems register is a mapping with classifications, default and systems", doc.Line)
	}
	if err := checkKeys(doc, reflect.TypeOf(rawFile{})); err != nil {
		return nil, err
	}
	if err := strictyaml.CheckList(doc, strictyaml.List{Key: "systems", Max: MaxSystems, Entry: "a system is a mapping with id, classification, tags and match"}); err != nil {
		return nil, err
	}
	var f rawFile
	if err := strictyaml.Decode(doc, &f); err != nil {
		return nil, err
	}
	return &f, nil
}

// builder validates a parsed file into a Register, collecting every
// problem rather than stopping at the first.
type builder struct {
	file string
	errs []error
}

func (b *builder) errorf(line int, format string, args ...any) {
	b.errs = append(b.errs, fmt.Errorf("%s:%d: %s", b.file, line, fmt.Sprintf(format, args...)))
}

var tagPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// tags validates, sorts and de-duplicates tags.
func (b *builder) tags(in []lined, fallback int, what string) []string {
	var out []string
	for _, t := range in {
		if !tagPattern.MatchString(t.Value) {
			b.errorf(at(t, fallback), "%s: tag %q is not lower-case words joined by hyphens (like %q)", what, t.Value, TagNationalSecurity)
			continue
		}
		out = append(out, t.Value)
	}
	return sortedSet(out)
}

func (b *builder) classification(s Scale, c lined, fallback int, what string) string {
	if c.Value == "" {
		b.errorf(at(c, fallback), "%s has no classification (one of %s)", what, s)
		return ""
	}
	canon, err := s.Canonical(c.Value)
	if err != nil {
		b.errorf(at(c, fallback), "%s: %v", what, err)
	}
	return canon
}

// at is the line of l, or fallback when l was not written.
func at(l lined, fallback int) int { return strictyaml.At(l, fallback) }

// positioned rewrites decoder errors as "name:line: msg" (strictyaml).
func positioned(name string, err error) error { return strictyaml.Positioned(name, err) }
