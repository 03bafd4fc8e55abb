package catalog

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"reflect"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/embargo-dev/embargo/internal/strictyaml"
)

// MaxFileSize bounds one catalogue file; the embedded files are far
// smaller, and a user-supplied directory must not exhaust memory.
const MaxFileSize = 8 << 20

// file is one catalogue file as written.
type file struct {
	Sources     []*Source     `yaml:"sources"`
	Entities    []*Entity     `yaml:"entities"`
	Products    []*Product    `yaml:"products"`
	Instruments []*Instrument `yaml:"instruments"`
	Rebrands    []*Rebrand    `yaml:"rebrands"`
	// Overrides lists the facts of the catalogue in use that a local
	// file replaces (WithLocal); other files may not have it.
	Overrides []*Override `yaml:"overrides"`
}

// Load reads every *.yaml file at the top of fsys, in name order, and
// returns the validated catalogue. Every problem found is reported, each
// with its file and line.
func Load(fsys fs.FS) (*Catalog, error) {
	files, err := readFiles(fsys)
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, errors.New("catalogue: no *.yaml files")
	}
	return build(files)
}

type namedFile struct {
	name string
	data []byte
}

func readLimited(fsys fs.FS, name string) ([]byte, error) {
	fi, err := fs.Stat(fsys, name)
	if err != nil {
		return nil, err
	}
	if fi.Size() > MaxFileSize {
		return nil, fmt.Errorf("%s: %d bytes is over the %d-byte limit for a catalogue file", name, fi.Size(), MaxFileSize)
	}
	return fs.ReadFile(fsys, name)
}

func build(files []namedFile) (*Catalog, error) {
	parsed, err := parseAll(files)
	if err != nil {
		return nil, err
	}
	c, err := assemble(digestOf(files), parsed)
	if err != nil {
		return nil, err
	}
	c.base = func() ([]parsedFile, error) { return parseAll(files) }
	return c, nil
}

// parseAll decodes every file, reporting every one that does not decode.
func parseAll(files []namedFile) ([]parsedFile, error) {
	parsed := make([]parsedFile, 0, len(files))
	var errs []error
	for _, f := range files {
		p, err := parseFile(f.name, f.data)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		parsed = append(parsed, parsedFile{Name: f.name, File: p})
	}
	return parsed, errors.Join(errs...)
}

// parsedFile is one catalogue file as decoded, before it is assembled.
// Local marks a department's own file (WithLocal).
type parsedFile struct {
	Name  string
	File  *file
	Local bool
}

// digestOf is the digest of the catalogue files as written: names, sizes
// and bytes, in order.
func digestOf(files []namedFile) string {
	h := sha256.New()
	for _, f := range files {
		fmt.Fprintf(h, "%s\x00%d\x00", f.name, len(f.data))
		h.Write(f.data)
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}

// assemble places decoded files in a catalogue, validates it and builds
// its index.
func assemble(digest string, files []parsedFile) (*Catalog, error) {
	c := &Catalog{
		Sources:     map[string]*Source{},
		entityByID:  map[string]*Entity{},
		productByID: map[string]*Product{},
		instrByID:   map[string]*Instrument{},
		rebrandByID: map[string]*Rebrand{},
		digest:      digest,
	}
	var errs []error
	for _, f := range files {
		c.add(f, &errs)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	if errs := c.validate(); len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	c.buildIndex()
	return c, nil
}

func parseFile(name string, data []byte) (*file, error) {
	var root yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&root); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(root.Content) == 0 {
		return &file{}, nil
	}
	if err := checkKeys(root.Content[0], reflect.TypeOf(file{})); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	var f file
	if err := strictyaml.Decode(&root, &f); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return &f, nil
}

// add places one file's contents in the catalogue, stamping positions
// with the file name (and what a local file holds as local), and
// reporting duplicate ids.
func (c *Catalog) add(pf parsedFile, errs *[]error) {
	name, f, local := pf.Name, pf.File, pf.Local
	if len(f.Overrides) > 0 && !local {
		*errs = append(*errs, fmt.Errorf("%s: overrides: only a local catalogue file replaces facts", name))
	}
	dup := func(kind, id string, line int, prev Position) {
		*errs = append(*errs, fmt.Errorf("%s:%d: %s %q already defined at %s", name, line, kind, id, prev))
	}
	empty := func(list string) {
		*errs = append(*errs, fmt.Errorf("%s: an empty entry in %s", name, list))
	}
	for _, s := range f.Sources {
		if s == nil {
			empty("sources")
			continue
		}
		s.Pos.File, s.Local = name, local
		if p, ok := c.Sources[s.ID]; ok {
			dup("source", s.ID, s.Pos.Line, p.Pos)
			continue
		}
		c.Sources[s.ID] = s
	}
	for _, e := range f.Entities {
		if e == nil {
			empty("entities")
			continue
		}
		e.Pos.File, e.Local = name, local
		stampEntity(e, name)
		if e.Parent != nil {
			if len(e.Parents) > 0 {
				*errs = append(*errs, fmt.Errorf("%s:%d: entity %q has both parent and parents: list every parent under parents", name, e.Pos.Line, e.ID))
			}
			e.Parents = append([]Parent{*e.Parent}, e.Parents...)
			e.Parent = nil
		}
		if p, ok := c.entityByID[e.ID]; ok {
			dup("entity", e.ID, e.Pos.Line, p.Pos)
			continue
		}
		c.entityByID[e.ID] = e
		c.Entities = append(c.Entities, e)
	}
	for _, p := range f.Products {
		if p == nil {
			empty("products")
			continue
		}
		p.Pos.File, p.Local = name, local
		for i := range p.Identifiers {
			p.Identifiers[i].Pos.File, p.Identifiers[i].Local = name, local
		}
		if p.Tier == "" {
			p.Tier = TierProduct
		}
		if q, ok := c.productByID[p.ID]; ok {
			dup("product", p.ID, p.Pos.Line, q.Pos)
			continue
		}
		c.productByID[p.ID] = p
		c.Products = append(c.Products, p)
	}
	for _, in := range f.Instruments {
		if in == nil {
			empty("instruments")
			continue
		}
		in.Pos.File, in.Local = name, local
		for i := range in.Clauses {
			in.Clauses[i].Pos.File = name
		}
		if q, ok := c.instrByID[in.ID]; ok {
			dup("instrument", in.ID, in.Pos.Line, q.Pos)
			continue
		}
		c.instrByID[in.ID] = in
		c.Instruments = append(c.Instruments, in)
	}
	for _, r := range f.Rebrands {
		if r == nil {
			empty("rebrands")
			continue
		}
		r.Pos.File, r.Local = name, local
		if q, ok := c.rebrandByID[r.ID]; ok {
			dup("rebrand", r.ID, r.Pos.Line, q.Pos)
			continue
		}
		c.rebrandByID[r.ID] = r
		c.Rebrands = append(c.Rebrands, r)
	}
}

func stampEntity(e *Entity, name string) {
	for i := range e.Names {
		e.Names[i].Pos.File = name
	}
	e.Country.Pos.File = name
	if e.ControlledFrom != nil {
		e.ControlledFrom.Pos.File = name
	}
	if e.Parent != nil {
		e.Parent.Pos.File = name
	}
	for i := range e.Parents {
		e.Parents[i].Pos.File = name
	}
	for i := range e.Identifiers {
		e.Identifiers[i].Pos.File, e.Identifiers[i].Local = name, e.Local
	}
	if e.Name == "" {
		for _, n := range e.Names {
			if n.Kind == LegalName {
				e.Name = n.Value
				break
			}
		}
	}
}

// buildIndex links identifiers to their owners and indexes them, with the
// entity's names as organisation-name identifiers of the entity. An
// identifier written with Values is indexed once per value.
func (c *Catalog) buildIndex() {
	ix := newIndex()
	for _, e := range c.Entities {
		for i := range e.Identifiers {
			id := &e.Identifiers[i]
			id.Entity = e
			addExpanded(ix, id)
		}
		for _, n := range e.Names {
			ix.add(&Identifier{Kind: OrgName, Value: n.Value, Fact: n.Fact, Entity: e, FromName: n.Kind, PersonName: n.PersonName, Local: e.Local})
		}
	}
	for _, p := range c.Products {
		e := c.entityByID[p.Supplier]
		for i := range p.Identifiers {
			id := &p.Identifiers[i]
			id.Product, id.Entity = p, e
			addExpanded(ix, id)
		}
	}
	for _, r := range c.Rebrands {
		r.ident = &Identifier{Kind: RebrandKind, Value: r.Brand, Fact: r.Fact, Entity: c.entityByID[r.Manufacturer], Local: r.Local}
		ix.addRebrand(r)
	}
	c.index = ix
}

// addExpanded indexes id, or one identifier for each of its Values, each
// pointing back at id as its group.
func addExpanded(ix *Index, id *Identifier) {
	if len(id.Values) == 0 {
		ix.add(id)
		return
	}
	expanded := make([]Identifier, len(id.Values))
	for i, v := range id.Values {
		x := *id
		x.Value, x.Values, x.Group = v, nil, id
		expanded[i] = x
		ix.add(&expanded[i])
	}
}

// trimmed reports whether s has no surrounding white space.
func trimmed(s string) bool { return strings.TrimSpace(s) == s }
