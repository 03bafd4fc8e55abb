package catalog

import (
	"bytes"
	_ "embed"
	"encoding/gob"
	"fmt"
	"io/fs"
	"sort"
)

//go:generate go run ./internal/compile

// compiledGob is the embedded catalogue decoded once, at build time, and
// stored with gob (go generate ./catalog writes it): decoding the YAML
// on every run would cost most of a small scan's start. It is used only
// while its digest matches the embedded YAML files, which stay the
// reviewed source; a stale one is ignored (and a test fails).
//
//go:embed compiled.gob
var compiledGob []byte

// compiledVersion changes when the compiled form's layout does.
const compiledVersion = 2

type compiledForm struct {
	Version int
	Digest  string // of the YAML files it was compiled from
	Files   []parsedFile
}

// Compile reads the catalogue files of fsys, checks them as Load does,
// and returns their compiled form.
func Compile(fsys fs.FS) ([]byte, error) {
	files, err := readFiles(fsys)
	if err != nil {
		return nil, err
	}
	if _, err := build(files); err != nil {
		return nil, err
	}
	// Parsed afresh: assembling a catalogue changes the files it reads.
	form := compiledForm{Version: compiledVersion, Digest: digestOf(files)}
	for _, f := range files {
		p, err := parseFile(f.name, f.data)
		if err != nil {
			return nil, err
		}
		form.Files = append(form.Files, parsedFile{Name: f.name, File: p})
	}
	var b bytes.Buffer
	if err := gob.NewEncoder(&b).Encode(form); err != nil {
		return nil, fmt.Errorf("encoding the compiled catalogue: %w", err)
	}
	return b.Bytes(), nil
}

// fromCompiled assembles the catalogue from its compiled form when that
// was compiled from files with this digest.
func fromCompiled(data []byte, digest string) (*Catalog, bool) {
	form, err := decodeCompiled(data)
	if err != nil || form.Version != compiledVersion || form.Digest != digest {
		return nil, false
	}
	c, err := assemble(digest, form.Files)
	if err != nil {
		return nil, false
	}
	c.base = func() ([]parsedFile, error) {
		form, err := decodeCompiled(data)
		return form.Files, err
	}
	return c, true
}

func decodeCompiled(data []byte) (compiledForm, error) {
	var form compiledForm
	err := gob.NewDecoder(bytes.NewReader(data)).Decode(&form)
	return form, err
}

// readFiles reads every *.yaml file at the top of fsys, in name order.
func readFiles(fsys fs.FS) ([]namedFile, error) {
	names, err := fs.Glob(fsys, "*.yaml")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	files := make([]namedFile, 0, len(names))
	for _, name := range names {
		data, err := readLimited(fsys, name)
		if err != nil {
			return nil, err
		}
		files = append(files, namedFile{name, data})
	}
	return files, nil
}
