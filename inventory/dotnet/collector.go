// Package dotnet finds the NuGet packages of .NET applications: every
// framework-dependent or self-contained application ships APP.deps.json,
// written by the .NET SDK, listing each library it was built with
// ("libraries", type "package" for NuGet packages) and the dependency
// graph ("targets"). The package id is what nuget.org publishes under;
// reserved prefixes tie ids to their owner.
package dotnet

import (
	"bytes"
	"context"
	"strings"

	"github.com/embargo-dev/embargo/inventory"
)

// maxDeps bounds a deps.json; large applications write a few megabytes.
const maxDeps = 64 << 20

// Collector reads .NET applications' deps.json files.
type Collector struct{}

// Name implements inventory.Collector.
func (Collector) Name() string { return "dotnet" }

// Tags implements inventory.Collector.
func (Collector) Tags() []string {
	return []string{"language", "dotnet", "nuget", "linux", "windows", "macos"}
}

// Requirements implements inventory.Collector: files only.
func (Collector) Requirements() inventory.Requirements { return inventory.Requirements{} }

// Wants implements inventory.Collector.
func (Collector) Wants(p string) bool { return strings.HasSuffix(p, ".deps.json") }

// Collect implements inventory.Collector.
func (Collector) Collect(ctx context.Context, t *inventory.Target, f inventory.TargetFile, lim inventory.Limits) ([]inventory.Item, []inventory.Unknown, error) {
	data, err := t.ReadFile(f.Path, maxDeps, lim)
	if err != nil {
		return nil, nil, err
	}
	name := t.Display(f.Path)
	if !isDeps(data) {
		return nil, nil, nil // another tool's *.deps.json (WordPress writes arrays of script handles)
	}
	deps, err := Parse(name, data)
	if err != nil {
		return nil, nil, err
	}
	return deps.Items(inventory.Location{Source: name, Reader: "dotnet"}, lim)
}

// isDeps reports whether a file named *.deps.json is the .NET SDK's: a
// JSON object that has a runtimeTarget, targets or libraries member near
// its start.
func isDeps(data []byte) bool {
	d := bytes.TrimLeft(bytes.TrimPrefix(bytes.TrimLeft(data, " \t\r\n"), []byte("\xef\xbb\xbf")), " \t\r\n")
	if len(d) == 0 || d[0] != '{' {
		return false
	}
	head := d[:min(len(d), 4096)]
	return bytes.Contains(head, []byte(`"runtimeTarget"`)) || bytes.Contains(head, []byte(`"targets"`)) || bytes.Contains(head, []byte(`"libraries"`))
}
