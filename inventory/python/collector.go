// Package python finds the Python distributions installed on a target:
// every site-packages or dist-packages folder, virtual environment and
// conda environment holds one `NAME-VERSION.dist-info/METADATA` (wheels,
// pip) or `NAME.egg-info/PKG-INFO` (setuptools) per distribution, an RFC
// 822 header naming it (core metadata, packaging.python.org). The project
// name is what PyPI publishes under, so it is matched whole.
package python

import (
	"context"
	"path"
	"strings"

	"github.com/embargo-dev/embargo/inventory"
)

// maxMetadata bounds one metadata file: the header is a few kilobytes; a
// long description follows it and is not read past the header.
const maxMetadata = 8 << 20

// Collector reads installed Python distributions.
type Collector struct{}

// Name implements inventory.Collector.
func (Collector) Name() string { return "python" }

// Tags implements inventory.Collector.
func (Collector) Tags() []string { return []string{"language", "python", "linux", "windows", "macos"} }

// Requirements implements inventory.Collector: files only.
func (Collector) Requirements() inventory.Requirements { return inventory.Requirements{} }

// Wants implements inventory.Collector: a dist-info's METADATA, an
// egg-info folder's PKG-INFO or an unzipped egg's EGG-INFO/PKG-INFO, an
// egg-info file (old setuptools wrote the metadata as a file of that
// name), or a zipped egg in a packages folder.
func (Collector) Wants(p string) bool {
	dir, file := path.Split(p)
	dir = strings.TrimSuffix(dir, "/")
	switch file {
	case "METADATA":
		return strings.HasSuffix(dir, ".dist-info")
	case "PKG-INFO":
		return strings.HasSuffix(dir, ".egg-info") || strings.HasSuffix(dir, ".egg/EGG-INFO")
	}
	return (strings.HasSuffix(file, ".egg-info") || strings.HasSuffix(file, ".egg")) && strings.Contains(p, "-packages/")
}

// Collect implements inventory.Collector.
func (Collector) Collect(ctx context.Context, t *inventory.Target, f inventory.TargetFile, lim inventory.Limits) ([]inventory.Item, []inventory.Unknown, error) {
	name := t.Display(f.Path)
	var data []byte
	var err error
	if strings.HasSuffix(f.Path, ".egg") {
		data, err = eggMetadata(t, f, lim)
		name += "!/EGG-INFO/PKG-INFO"
	} else {
		data, err = t.ReadFile(f.Path, maxMetadata, lim)
	}
	if err != nil {
		return nil, nil, err
	}
	md, err := ParseMetadata(name, data)
	if err != nil {
		return nil, nil, err
	}
	dist := f.Path
	if d := path.Dir(f.Path); strings.HasSuffix(d, ".dist-info") || strings.HasSuffix(d, ".egg-info") {
		dist = d
	} else if strings.HasSuffix(d, "/EGG-INFO") {
		dist = path.Dir(d)
	}
	it := md.Item(inventory.Location{Source: name, Reader: "python"}, t.Display(dist))
	if reason := inventory.CheckItem(&it, lim); reason != "" || md.Name == "" {
		if reason == "" {
			reason = "no Name in the metadata"
		}
		return nil, []inventory.Unknown{{Location: it.Location, Name: inventory.Clip(md.Name), Reason: reason}}, nil
	}
	return []inventory.Item{it}, nil, nil
}
