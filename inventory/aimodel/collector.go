// Package aimodel finds machine-learning model weights on a target and
// who published them: the Hugging Face hub cache (one
// models--ORG--NAME folder per downloaded repository), Ollama's model
// manifests (one file per pulled model and tag), and GGUF files, whose
// header carries the model's own metadata (general.name, the repository
// it was converted from, its base models). An open-weight model is its
// publisher's software wherever it runs; policy decides what that means.
package aimodel

import (
	"context"
	"path"
	"strings"

	"github.com/embargo-dev/embargo/inventory"
)

// Collector reads model caches and GGUF files.
type Collector struct{}

// Name implements inventory.Collector.
func (Collector) Name() string { return "aimodel" }

// Tags implements inventory.Collector.
func (Collector) Tags() []string { return []string{"model", "ai", "linux", "windows", "macos"} }

// Requirements implements inventory.Collector: files only.
func (Collector) Requirements() inventory.Requirements { return inventory.Requirements{} }

// Wants implements inventory.Collector.
func (Collector) Wants(p string) bool {
	switch {
	case strings.HasSuffix(p, ".gguf"):
		return true
	case strings.HasSuffix(p, "/refs/main"):
		_, _, ok := hfRepo(p)
		return ok
	}
	_, ok := ollamaRef(p)
	return ok
}

// Collect implements inventory.Collector.
func (Collector) Collect(ctx context.Context, t *inventory.Target, f inventory.TargetFile, lim inventory.Limits) ([]inventory.Item, []inventory.Unknown, error) {
	var it inventory.Item
	var err error
	switch {
	case strings.HasSuffix(f.Path, ".gguf"):
		it, err = ggufItem(t, f, lim)
	case strings.HasSuffix(f.Path, "/refs/main"):
		it, err = hfItem(t, f, lim)
	default:
		it, err = ollamaItem(t, f, lim)
	}
	if err != nil {
		return nil, nil, err
	}
	if reason := inventory.CheckItem(&it, lim); reason != "" {
		return nil, []inventory.Unknown{{Location: it.Location, Name: inventory.Clip(it.Name), Reason: reason}}, nil
	}
	return []inventory.Item{it}, nil, nil
}

// hfRepo returns the organisation and name of a hub cache folder from a
// path inside it: .../models--ORG--NAME/refs/main.
func hfRepo(p string) (org, name string, ok bool) {
	dir := path.Dir(path.Dir(p)) // .../models--ORG--NAME
	base := path.Base(dir)
	rest, found := strings.CutPrefix(base, "models--")
	if !found {
		return "", "", false
	}
	org, name, ok = strings.Cut(rest, "--")
	return org, name, ok && org != "" && name != ""
}
