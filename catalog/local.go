package catalog

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// LocalFile is a department's own catalogue file: its resellers, its
// in-house repackagings, the suppliers its own risk assessment names. It
// is written like the files of catalog/data, and may begin with
// `overrides:`, the ids of facts of the catalogue in use it replaces.
type LocalFile struct {
	// Name is the file as the user named it; errors and reports say it.
	Name string
	Data []byte
}

// Override is one entry of a local file's `overrides:` list: the id of a
// fact it replaces, and why.
type Override struct {
	ID     string   `json:"id" yaml:"id"`
	Reason string   `json:"reason" yaml:"reason"`
	Pos    Position `json:"-" yaml:"-" strictyaml:"line"`
}

// LocalInfo is what a catalogue holds from local files: the files, and
// the definitions they replaced.
type LocalInfo struct {
	Files     []LocalDigest `json:"files"`
	Overrides []Overridden  `json:"overrides,omitempty"`
}

// LocalDigest names one local file and the SHA-256 of its bytes.
type LocalDigest struct {
	Name   string `json:"file"`
	Digest string `json:"digest"`
}

// Overridden is a definition of the catalogue in use that a local file
// replaced: what it was (source, entity, product or instrument), its id,
// where it was written, the override that replaced it and its reason.
type Overridden struct {
	What   string   `json:"what"`
	ID     string   `json:"id"`
	Was    Position `json:"was"`
	By     Position `json:"by"`
	Reason string   `json:"reason"`
}

func (o Overridden) String() string {
	return fmt.Sprintf("%s overrides %s %q of %s: %s", o.By, o.What, o.ID, o.Was, o.Reason)
}

// defKey is one definition: what it is, and its id.
type defKey struct{ what, id string }

// WithLocal returns the catalogue with the local files added: validated
// exactly as the files of the catalogue are (sources, confidence,
// examples both ways, references, cycles; references to c's entities,
// products and sources are allowed), with every identifier's examples run
// through the index, and everything they define marked Local. A local
// source, entity, product or instrument whose id c already defines is an
// error unless the file lists the id under `overrides:` with a reason;
// then it replaces c's definition, and Local().Overrides says so. c is
// not changed. Every error names the local file and line.
func (c *Catalog) WithLocal(files []LocalFile) (*Catalog, error) {
	if len(files) == 0 {
		return c, nil
	}
	if c.base == nil {
		return nil, errors.New("catalogue: local files are added once, to a catalogue loaded from its files")
	}
	var errs []error
	local := make([]parsedFile, 0, len(files))
	for _, f := range files {
		if len(f.Data) > MaxFileSize {
			errs = append(errs, fmt.Errorf("%s: %d bytes is over the %d-byte limit for a catalogue file", f.Name, len(f.Data), MaxFileSize))
			continue
		}
		p, err := parseFile(f.Name, f.Data)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		local = append(local, parsedFile{Name: f.Name, File: p, Local: true})
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	base, err := c.base()
	if err != nil {
		return nil, fmt.Errorf("catalogue: reading it again: %w", err)
	}
	have := map[defKey]Position{}
	for _, f := range base {
		for k, line := range definitions(f.File) {
			have[k] = Position{File: f.Name, Line: line}
		}
	}
	drop := map[defKey]bool{}
	var over []Overridden
	for _, f := range local {
		o, err := overrides(f, have)
		errs = append(errs, err...)
		for _, x := range o {
			drop[defKey{x.What, x.ID}] = true
		}
		over = append(over, o...)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	all := make([]parsedFile, 0, len(base)+len(local))
	for _, f := range base {
		all = append(all, parsedFile{Name: f.Name, File: without(f.File, drop)})
	}
	info := &LocalInfo{Overrides: over}
	for _, f := range files {
		sum := sha256.Sum256(f.Data)
		info.Files = append(info.Files, LocalDigest{Name: f.Name, Digest: "sha256:" + hex.EncodeToString(sum[:])})
	}
	nc, err := assemble(c.digest+"+local:"+localDigest(info.Files), append(all, local...))
	if err != nil {
		return nil, err
	}
	if errs, _ := nc.exampleErrors(func(local bool) bool { return local }); len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	nc.local = info
	return nc, nil
}

// definitions lists the ids a file defines, with their lines.
func definitions(f *file) map[defKey]int {
	out := map[defKey]int{}
	for _, s := range f.Sources {
		if s != nil {
			out[defKey{"source", s.ID}] = s.Pos.Line
		}
	}
	for _, e := range f.Entities {
		if e != nil {
			out[defKey{"entity", e.ID}] = e.Pos.Line
		}
	}
	for _, p := range f.Products {
		if p != nil {
			out[defKey{"product", p.ID}] = p.Pos.Line
		}
	}
	for _, in := range f.Instruments {
		if in != nil {
			out[defKey{"instrument", in.ID}] = in.Pos.Line
		}
	}
	for _, r := range f.Rebrands {
		if r != nil {
			out[defKey{"rebrand", r.ID}] = r.Pos.Line
		}
	}
	return out
}

// overrides matches a local file's definitions against the catalogue's
// (have): a clash is an error unless the file's overrides list the id;
// an override that replaces nothing is an error too, so that a list does
// not outlive the facts it was written for.
func overrides(f parsedFile, have map[defKey]Position) ([]Overridden, []error) {
	var errs []error
	bad := func(line int, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s:%d: %s", f.Name, line, fmt.Sprintf(format, args...)))
	}
	listed := map[string]*Override{}
	for _, o := range f.File.Overrides {
		switch {
		case o == nil:
			errs = append(errs, fmt.Errorf("%s: an empty entry in overrides", f.Name))
			continue
		case !idPattern.MatchString(o.ID):
			bad(o.Pos.Line, "overrides: id %q must be lower-case words joined by '-'", o.ID)
		case strings.TrimSpace(o.Reason) == "":
			bad(o.Pos.Line, "overrides: %q needs a reason", o.ID)
		case listed[o.ID] != nil:
			bad(o.Pos.Line, "overrides: %q is listed twice", o.ID)
		}
		listed[o.ID] = o
	}
	defs := definitions(f.File)
	keys := make([]defKey, 0, len(defs))
	for k := range defs {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b defKey) int {
		return cmp.Or(cmp.Compare(defs[a], defs[b]), cmp.Compare(a.what, b.what), cmp.Compare(a.id, b.id))
	})
	used := map[string]bool{}
	var out []Overridden
	for _, k := range keys {
		was, clash := have[k]
		if !clash {
			continue
		}
		o := listed[k.id]
		if o == nil {
			bad(defs[k], "%s %q is already in the built-in catalogue (%s); to replace it, list it under `overrides:` with a reason", k.what, k.id, was)
			continue
		}
		used[k.id] = true
		out = append(out, Overridden{What: k.what, ID: k.id, Was: was, By: Position{File: f.Name, Line: o.Pos.Line}, Reason: o.Reason})
	}
	for _, o := range f.File.Overrides {
		if o == nil || used[o.ID] || !idPattern.MatchString(o.ID) {
			continue
		}
		if definesID(defs, o.ID) {
			bad(o.Pos.Line, "overrides %q, which is not in the built-in catalogue: nothing to replace", o.ID)
		} else {
			bad(o.Pos.Line, "overrides %q but defines nothing with that id: an override replaces the built-in definition with this file's", o.ID)
		}
	}
	return out, errs
}

func definesID(defs map[defKey]int, id string) bool {
	for k := range defs {
		if k.id == id {
			return true
		}
	}
	return false
}

// without is f without the definitions in drop; f is not changed.
func without(f *file, drop map[defKey]bool) *file {
	if len(drop) == 0 {
		return f
	}
	keep := func(what, id string) bool { return !drop[defKey{what, id}] }
	return &file{
		Sources:     slices.DeleteFunc(slices.Clone(f.Sources), func(s *Source) bool { return s != nil && !keep("source", s.ID) }),
		Entities:    slices.DeleteFunc(slices.Clone(f.Entities), func(e *Entity) bool { return e != nil && !keep("entity", e.ID) }),
		Products:    slices.DeleteFunc(slices.Clone(f.Products), func(p *Product) bool { return p != nil && !keep("product", p.ID) }),
		Instruments: slices.DeleteFunc(slices.Clone(f.Instruments), func(in *Instrument) bool { return in != nil && !keep("instrument", in.ID) }),
		Rebrands:    slices.DeleteFunc(slices.Clone(f.Rebrands), func(r *Rebrand) bool { return r != nil && !keep("rebrand", r.ID) }),
		Overrides:   f.Overrides,
	}
}

// localDigest is the digest of the local files' digests, sorted: it does
// not depend on the order or the paths they were given in.
func localDigest(files []LocalDigest) string {
	sums := make([]string, len(files))
	for i, f := range files {
		sums[i] = f.Digest
	}
	slices.Sort(sums)
	h := sha256.New()
	for _, s := range sums {
		fmt.Fprintf(h, "%s\n", s)
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}
