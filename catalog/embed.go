package catalog

import (
	"embed"
	"io/fs"
	"path"
	"sync"
)

//go:embed data/*.yaml
var dataFS embed.FS

var embedded struct {
	once sync.Once
	cat  *Catalog
	err  error
}

// Embedded returns the catalogue built into the binary, loaded once.
func Embedded() (*Catalog, error) {
	embedded.once.Do(func() { embedded.cat, embedded.err = loadEmbedded() })
	return embedded.cat, embedded.err
}

// loadEmbedded assembles the embedded catalogue from its compiled form,
// or from the YAML files when the compiled form does not match them.
func loadEmbedded() (*Catalog, error) {
	sub, err := fs.Sub(dataFS, "data")
	if err != nil {
		return nil, err
	}
	files, err := readFiles(sub)
	if err != nil {
		return nil, err
	}
	if c, ok := fromCompiled(compiledGob, digestOf(files)); ok {
		return c, nil
	}
	return build(files)
}

// EmbeddedFS is the embedded catalogue's YAML files.
func EmbeddedFS() fs.FS {
	sub, _ := fs.Sub(dataFS, "data")
	return sub
}

// Files lists the names of the embedded catalogue files.
func Files() []string {
	names, _ := fs.Glob(dataFS, "data/*.yaml")
	for i, n := range names {
		names[i] = path.Base(n)
	}
	return names
}
