package gobinary

import (
	"debug/buildinfo"
	"path"
	"runtime/debug"
	"strconv"

	"github.com/embargo-dev/embargo/inventory"
)

// Items turns a program's build information into items: the program,
// built from its main module, and one library item for each module
// compiled into it, with the main module as its dependency path. A
// replaced module is reported as its replacement: that is the code that
// was compiled in.
func Items(bi *buildinfo.BuildInfo, name string, lim inventory.Limits) ([]inventory.Item, []inventory.Unknown, error) {
	loc := inventory.Location{Source: name, Reader: "gobinary"}
	prog := inventory.Item{Type: inventory.Application, Ecosystem: "go", Name: path.Base(name), Version: bi.Main.Version, Location: loc}
	if bi.Main.Path != "" {
		prog.Add(inventory.PURL, purl(bi.Main.Path, bi.Main.Version))
	}
	prog.Add(inventory.Path, name)
	top := bi.Main.Path
	if top == "" {
		top = name
	}
	items := []inventory.Item{prog}
	var unknowns []inventory.Unknown
	for i, d := range bi.Deps {
		if len(items) >= lim.MaxItems {
			unknowns = append(unknowns, inventory.Unknown{Location: loc, Reason: "more modules than the item limit"})
			break
		}
		m := module(d)
		if m.Path == "" {
			continue
		}
		it := inventory.Item{Type: inventory.Library, Ecosystem: "go", Name: m.Path, Version: m.Version, DependencyPath: []string{top},
			Location: inventory.Location{Source: name, Reader: "gobinary", Ref: "dep " + strconv.Itoa(i)}}
		it.Add(inventory.PURL, purl(m.Path, m.Version))
		items = append(items, it)
	}
	out := items[:0]
	for _, it := range items {
		if reason := inventory.CheckItem(&it, lim); reason != "" {
			unknowns = append(unknowns, inventory.Unknown{Location: it.Location, Name: inventory.Clip(it.Name), Reason: reason})
			continue
		}
		out = append(out, it)
	}
	return out, unknowns, nil
}

func module(d *debug.Module) debug.Module {
	if d == nil {
		return debug.Module{}
	}
	if d.Replace != nil && d.Replace.Path != "" {
		return *d.Replace
	}
	return *d
}

// purl is a Go module's package URL: pkg:golang/host/path@version.
func purl(mod, version string) string {
	p := "pkg:golang/" + mod
	if version != "" && version != "(devel)" {
		p += "@" + version
	}
	return p
}
