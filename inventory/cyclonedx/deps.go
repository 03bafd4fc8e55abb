package cyclonedx

import (
	"strings"

	cdx "github.com/CycloneDX/cyclonedx-go"

	"github.com/embargo-dev/embargo/inventory"
)

// graph finds each component's dependency path: the chain of components,
// from the BOM's subject, that pulled it in. The BOM's dependencies
// (bom-ref → the bom-refs it depends on) are searched breadth first, so a
// component reached several ways gets its shortest path; a component
// nested inside another (components of a component) is inside it.
type graph struct {
	deps     map[string][]string
	root     string
	byRef    map[string]int // bom-ref → item index
	names    []string       // item index → name for paths
	refs     []string       // item index → bom-ref
	nestedIn []int          // item index → item index of the enclosing component, -1
	stack    []int          // enclosing components of the node being walked, by depth
}

func newGraph(bom *cdx.BOM) *graph {
	g := &graph{byRef: map[string]int{}}
	if bom.Dependencies != nil {
		g.deps = make(map[string][]string, len(*bom.Dependencies))
		for _, d := range *bom.Dependencies {
			if d.Dependencies != nil {
				g.deps[d.Ref] = append(g.deps[d.Ref], *d.Dependencies...)
			}
		}
	}
	if bom.Metadata != nil && bom.Metadata.Component != nil {
		g.root = bom.Metadata.Component.BOMRef
	}
	return g
}

// add records the item made of a node.
func (g *graph) add(nd Node, i int) {
	for len(g.names) < i {
		g.names, g.refs, g.nestedIn = append(g.names, ""), append(g.refs, ""), append(g.nestedIn, -1)
	}
	name, ref := "", ""
	if c := nd.Component; c != nil {
		name, ref = c.Name, c.BOMRef
		if c.Group != "" {
			name = c.Group + "/" + c.Name
		}
	} else {
		name, ref = nd.Service.Name, nd.Service.BOMRef
	}
	if v := versionOf(nd); v != "" {
		name += "@" + v
	}
	g.names, g.refs = append(g.names, name), append(g.refs, ref)
	parent := -1
	if nd.Depth > 0 && nd.Depth <= len(g.stack) && !strings.HasPrefix(nd.Ref, "/metadata") {
		parent = g.stack[nd.Depth-1]
	}
	g.nestedIn = append(g.nestedIn, parent)
	g.stack = append(g.stack[:min(nd.Depth, len(g.stack))], i)
	if ref != "" {
		if _, dup := g.byRef[ref]; !dup {
			g.byRef[ref] = i
		}
	}
}

func versionOf(nd Node) string {
	if nd.Component != nil {
		return nd.Component.Version
	}
	return nd.Service.Version
}

// paths sets each item's DependencyPath.
func (g *graph) paths(items []inventory.Item) {
	path := make([][]string, len(items))
	seen := make([]bool, len(items))
	if r, ok := g.byRef[g.root]; ok && len(g.deps) > 0 {
		seen[r] = true
		queue := []int{r}
		for len(queue) > 0 {
			cur := queue[0]
			queue = queue[1:]
			next := append(path[cur][:len(path[cur]):len(path[cur])], g.names[cur])
			for _, ref := range g.deps[g.refs[cur]] {
				j, ok := g.byRef[ref]
				if !ok || seen[j] {
					continue
				}
				seen[j] = true
				path[j] = next
				queue = append(queue, j)
			}
		}
	}
	for i := range items {
		if !seen[i] && i < len(g.nestedIn) {
			// Not reached through the graph: inside its enclosing
			// components, if any.
			for p := g.nestedIn[i]; p >= 0; p = g.nestedIn[p] {
				path[i] = append([]string{g.names[p]}, path[i]...)
			}
		}
		if len(path[i]) > 0 {
			items[i].DependencyPath = path[i]
		}
	}
}
