package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/embargo-dev/embargo/oui"
)

// ouiDataFile is where 'embargo data update' keeps a registry of MAC
// address assignments rebuilt from the IEEE listings, beside the IP
// data; it is preferred to the embedded one.
func ouiDataFile() (string, error) {
	p, err := ipDataFile()
	if err != nil {
		return "", err
	}
	return filepath.Join(filepath.Dir(p), "oui.registry"), nil
}

// ouiInUse is the MAC address registry this run uses, loaded once: the
// one 'embargo data update' wrote, else the embedded one; and where it
// came from ("embedded" or the file).
var ouiInUse = sync.OnceValues(func() (ouiRegistry, error) {
	if p, err := ouiDataFile(); err == nil {
		f, err := os.Open(p)
		if err == nil {
			defer f.Close()
			r, err := oui.Load(f)
			if err != nil {
				return ouiRegistry{}, fmt.Errorf("the MAC address registry refreshed by 'embargo data update' (%s): %w", p, err)
			}
			return ouiRegistry{r, p}, nil
		}
		if !errors.Is(err, os.ErrNotExist) {
			return ouiRegistry{}, err
		}
	}
	r, err := oui.Embedded()
	return ouiRegistry{r, "embedded"}, err
})

type ouiRegistry struct {
	*oui.Registry
	from string // "embedded" or its file
}

// describe names the registry in one line: its source, version and
// date, its size, its digest and where it came from.
func (r ouiRegistry) describe() string {
	src := r.Source()
	name := src.Name
	if src.Version != "" {
		name += " " + src.Version
	}
	return fmt.Sprintf("IEEE MAC address registry: %s, listings of %s, %d assignments (MA-L %d, MA-M %d, MA-S %d, IAB %d), %s (%s)",
		name, src.Date.Format(time.DateOnly), r.Len(), r.Count(oui.MAL), r.Count(oui.MAM), r.Count(oui.MAS), r.Count(oui.IAB), r.Digest(), r.from)
}

// lookup says what the registry holds of mac, one line.
func (r ouiRegistry) lookup(mac oui.MAC) string {
	a, ok := r.LookupMAC(mac)
	switch {
	case ok && len(a.Others) > 0:
		return fmt.Sprintf("%s\t%s %s\t%s (also listed: %s)", mac, a.Registry, a.Prefix, a.Org, strings.Join(a.Others, "; "))
	case ok:
		return fmt.Sprintf("%s\t%s %s\t%s", mac, a.Registry, a.Prefix, a.Org)
	case mac.Group():
		return fmt.Sprintf("%s\t-\ta group (multicast) address: no assignment", mac)
	case mac.Local():
		return fmt.Sprintf("%s\t-\tlocally administered: no assignment", mac)
	}
	return fmt.Sprintf("%s\t-\tnot in an assignment of the registry", mac)
}

// ouiInput is an IEEE listing given to 'embargo data update': a local
// file or directory (path), or a downloaded file (data).
type ouiInput struct {
	name, path string
	data       []byte
}

// isLocal reports whether src names a file or directory, not a URL.
func isLocal(src string) bool {
	return !strings.HasPrefix(src, "http://") && !strings.HasPrefix(src, "https://")
}

// updateOUI builds a registry from the IEEE listings in inputs and
// writes it to out, or where ouiInUse finds it; it returns the line to
// print.
func updateOUI(ctx context.Context, inputs []ouiInput, out string) (string, error) {
	var reg *oui.Registry
	var err error
	local := true
	for _, in := range inputs {
		local = local && in.path != ""
	}
	if local {
		var paths []string
		for _, in := range inputs {
			paths = append(paths, in.path)
		}
		reg, err = oui.FromFiles(ctx, paths...)
	} else {
		var files []oui.File
		for _, in := range inputs {
			if in.data == nil {
				return "", fmt.Errorf("%s: give the IEEE listings all as files or all as URLs", in.name)
			}
			files = append(files, oui.File{Name: in.name, R: bytes.NewReader(in.data)})
		}
		reg, err = oui.FromCSV(ctx, oui.Source{Name: "IEEE RA listings", Date: time.Now().UTC().Truncate(time.Second)}, files...)
	}
	if err != nil {
		return "", err
	}
	if out == "" {
		if out, err = ouiDataFile(); err != nil {
			return "", err
		}
	}
	if err := writeAtomic(out, reg.Write); err != nil {
		return "", err
	}
	return fmt.Sprintf("wrote %s (%s)", out, ouiRegistry{reg, out}.describe()), nil
}
