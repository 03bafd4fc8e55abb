// Package npm finds the npm packages installed on a target: every
// node_modules folder of a project, a global install or an application
// that bundles Node.js holds one folder per package, with the
// package.json that npm published (docs.npmjs.com, package.json). The
// name, and its @scope, is what npm publishes under.
package npm

import (
	"context"
	"strings"

	"github.com/embargo-dev/embargo/inventory"
)

// maxManifest bounds one package.json; published manifests are kilobytes.
const maxManifest = 4 << 20

// Collector reads installed npm packages.
type Collector struct{}

// Name implements inventory.Collector.
func (Collector) Name() string { return "npm" }

// Tags implements inventory.Collector.
func (Collector) Tags() []string { return []string{"language", "npm", "linux", "windows", "macos"} }

// Requirements implements inventory.Collector: files only.
func (Collector) Requirements() inventory.Requirements { return inventory.Requirements{} }

// Wants implements inventory.Collector: the package.json of a package
// folder directly below a node_modules folder (node_modules/NAME or
// node_modules/@SCOPE/NAME), not the manifests packages carry inside.
func (Collector) Wants(p string) bool {
	if !strings.HasSuffix(p, "/package.json") {
		return false
	}
	_, ok := packageDir(p)
	return ok
}

// packageDir splits the path of an installed package's package.json into
// the folders above it: the project (or prefix) that holds the outermost
// node_modules, then the package folders it is nested in, the package
// itself last. pnpm's store (node_modules/.pnpm/NAME@VERSION/node_modules)
// is folded away.
func packageDir(p string) ([]string, bool) {
	segs := strings.Split(strings.TrimSuffix(p, "/package.json"), "/")
	n := len(segs)
	var name string
	switch {
	case n >= 2 && segs[n-2] == "node_modules":
		name, segs = segs[n-1], segs[:n-2]
	case n >= 3 && segs[n-3] == "node_modules" && strings.HasPrefix(segs[n-2], "@"):
		name, segs = segs[n-2]+"/"+segs[n-1], segs[:n-3]
	default:
		return nil, false
	}
	if name == "" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "@") && !strings.Contains(name, "/") {
		return nil, false
	}
	// The rest walks up through the packages this one is nested in.
	var chain []string
	for len(segs) > 0 {
		k := lastIndex(segs, "node_modules")
		if k < 0 {
			break
		}
		parent := strings.Join(segs[k+1:], "/")
		segs = segs[:k]
		if strings.HasPrefix(parent, ".pnpm/") || parent == ".pnpm" {
			continue
		}
		if parent != "" {
			chain = append([]string{parent}, chain...)
		}
	}
	project := strings.Join(segs, "/")
	return append(append([]string{project}, chain...), name), true
}

func lastIndex(s []string, v string) int {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == v {
			return i
		}
	}
	return -1
}

// Collect implements inventory.Collector.
func (Collector) Collect(ctx context.Context, t *inventory.Target, f inventory.TargetFile, lim inventory.Limits) ([]inventory.Item, []inventory.Unknown, error) {
	dirs, _ := packageDir(f.Path)
	data, err := t.ReadFile(f.Path, maxManifest, lim)
	if err != nil {
		return nil, nil, err
	}
	name := t.Display(f.Path)
	m, err := ParseManifest(name, data)
	if err != nil {
		return nil, nil, err
	}
	loc := inventory.Location{Source: name, Reader: "npm"}
	it := m.Item(loc)
	// The path from the project: the project's folder, then the packages
	// this one is nested in (the package's own name is the item).
	if dirs[0] != "" {
		it.DependencyPath = append(it.DependencyPath, t.Display(dirs[0]))
	}
	it.DependencyPath = append(it.DependencyPath, dirs[1:len(dirs)-1]...)
	if reason := inventory.CheckItem(&it, lim); reason != "" || m.Name == "" {
		if reason == "" {
			reason = "package.json has no name"
		}
		return nil, []inventory.Unknown{{Location: loc, Name: inventory.Clip(dirs[len(dirs)-1]), Reason: reason}}, nil
	}
	return []inventory.Item{it}, nil, nil
}
