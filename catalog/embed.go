package catalog

import (
	"embed"
	"io/fs"
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
	embedded.once.Do(func() {
		sub, err := fs.Sub(dataFS, "data")
		if err != nil {
			embedded.err = err
			return
		}
		embedded.cat, embedded.err = Load(sub)
	})
	return embedded.cat, embedded.err
}
