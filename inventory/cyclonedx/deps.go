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
	byRef    map[string]int // bom-ref → item index; only when the BOM has dependencies
	nodes    []Node         // item index → its node, for names and bom-refs
	nestedIn []int          // item index → item index of the enclosing component, -1
	stack    []int          // enclosing components of the node being walked, by depth
	names    map[int]string // names made so far, for paths
}

func newGraph(bom *cdx.BOM, size int) *graph {
	g := &graph{nodes: make([]Node, 0, size), nestedIn: make([]int, 0, size)}
	if bom.Dependencies != nil && len(*bom.Dependencies) > 0 {
		g.deps = make(map[string][]string, len(*bom.Dependencies))
		for _, d := range *bom.Dependencies {
			if d.Dependencies != nil {
				g.deps[d.Ref] = append(g.deps[d.Ref], *d.Dependencies...)
			}
		}
		g.byRef = map[string]int{}
	}
	if bom.Metadata != nil && bom.Metadata.Component != nil {
		g.root = bom.Metadata.Component.BOMRef
	}
	return g
}

// add records the item made of a node.
func (g *graph) add(nd Node, i int) {
	for len(g.nodes) < i {
		g.nodes, g.nestedIn = append(g.nodes, Node{}), append(g.nestedIn, -1)
	}
	g.nodes = append(g.nodes, nd)
	parent := -1
	if nd.Depth > 0 && nd.Depth <= len(g.stack) && !strings.HasPrefix(nd.Ref, "/metadata") {
		parent = g.stack[nd.Depth-1]
	}
	g.nestedIn = append(g.nestedIn, parent)
	g.stack = append(g.stack[:min(nd.Depth, len(g.stack))], i)
	if g.byRef != nil {
		if ref := refOf(nd); ref != "" {
			if _, dup := g.byRef[ref]; !dup {
				g.byRef[ref] = i
			}
		}
	}
}

func refOf(nd Node) string {
	switch {
	case nd.Component != nil:
		return nd.Component.BOMRef
	case nd.Service != nil:
		return nd.Service.BOMRef
	}
	return ""
}

// name is how item i appears in paths: group/name@version.
func (g *graph) name(i int) string {
	if n, ok := g.names[i]; ok {
		return n
	}
	nd := g.nodes[i]
	var n, v string
	switch {
	case nd.Component != nil:
		n, v = nd.Component.Name, nd.Component.Version
		if nd.Component.Group != "" {
			n = nd.Component.Group + "/" + n
		}
	case nd.Service != nil:
		n, v = nd.Service.Name, nd.Service.Version
	}
	if v != "" {
		n += "@" + v
	}
	if g.names == nil {
		g.names = map[int]string{}
	}
	g.names[i] = n
	return n
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
			next := append(path[cur][:len(path[cur]):len(path[cur])], g.name(cur))
			for _, ref := range g.deps[refOf(g.nodes[cur])] {
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
				path[i] = append([]string{g.name(p)}, path[i]...)
			}
		}
		if len(path[i]) > 0 {
			items[i].DependencyPath = path[i]
		}
	}
}
