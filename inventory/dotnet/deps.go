package dotnet

import (
	"encoding/json"
	"net/url"
	"slices"
	"strings"

	"github.com/embargo-dev/embargo/inventory"
)

// Deps is what attribution uses of a deps.json.
type Deps struct {
	// Libraries are "Name/Version" keys with their type (package,
	// project, reference).
	Libraries map[string]library
	// Graph is each library's dependencies, as "Name/Version" keys, from
	// the first target.
	Graph map[string][]string
}

type library struct {
	Type string `json:"type"`
}

type targetLib struct {
	Dependencies map[string]string `json:"dependencies"`
}

// Parse decodes a deps.json.
func Parse(name string, data []byte) (*Deps, error) {
	var raw struct {
		Targets   map[string]map[string]targetLib `json:"targets"`
		Libraries map[string]library              `json:"libraries"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, inventory.JSONError(name, data, err)
	}
	d := &Deps{Libraries: raw.Libraries, Graph: map[string][]string{}}
	// The first target (by name) carries the graph; a runtime-specific
	// target repeats it with native assets.
	tfms := make([]string, 0, len(raw.Targets))
	for k := range raw.Targets {
		tfms = append(tfms, k)
	}
	slices.Sort(tfms)
	if len(tfms) > 0 {
		for lib, tl := range raw.Targets[tfms[0]] {
			for dep, ver := range tl.Dependencies {
				d.Graph[lib] = append(d.Graph[lib], dep+"/"+ver)
			}
			slices.Sort(d.Graph[lib])
		}
	}
	return d, nil
}

// Items are the NuGet packages, each with the path from the application
// (the project library) that pulls it in, found breadth first.
func (d *Deps) Items(loc inventory.Location, lim inventory.Limits) ([]inventory.Item, []inventory.Unknown, error) {
	paths := d.paths()
	keys := make([]string, 0, len(d.Libraries))
	for k := range d.Libraries {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var items []inventory.Item
	var unknowns []inventory.Unknown
	for _, k := range keys {
		if d.Libraries[k].Type != "package" {
			continue
		}
		if len(items) >= lim.MaxItems {
			unknowns = append(unknowns, inventory.Unknown{Location: loc, Reason: "more packages than the item limit"})
			break
		}
		id, version, _ := strings.Cut(k, "/")
		l := loc
		l.Ref = "/libraries/" + k
		it := inventory.Item{Type: inventory.Library, Ecosystem: "nuget", Name: id, Version: version, Location: l, DependencyPath: paths[k]}
		if id != "" {
			p := "pkg:nuget/" + url.PathEscape(id)
			if version != "" {
				p += "@" + url.PathEscape(version)
			}
			it.Add(inventory.PURL, p)
		}
		reason := "library key without a package id"
		if id != "" {
			reason = inventory.CheckItem(&it, lim)
		}
		if reason != "" {
			unknowns = append(unknowns, inventory.Unknown{Location: l, Name: inventory.Clip(k), Reason: reason})
			continue
		}
		items = append(items, it)
	}
	return items, unknowns, nil
}

// paths finds, breadth first from the project libraries, the shortest
// chain of libraries (by name) that pulls each library in.
func (d *Deps) paths() map[string][]string {
	out := map[string][]string{}
	var queue []string
	for k, l := range d.Libraries {
		if l.Type == "project" {
			queue = append(queue, k)
			out[k] = nil
		}
	}
	slices.Sort(queue)
	seen := map[string]bool{}
	for _, k := range queue {
		seen[k] = true
	}
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		name, _, _ := strings.Cut(cur, "/")
		next := append(append([]string(nil), out[cur]...), name)
		for _, dep := range d.Graph[cur] {
			if !seen[dep] {
				seen[dep] = true
				out[dep] = next
				queue = append(queue, dep)
			}
		}
	}
	return out
}
