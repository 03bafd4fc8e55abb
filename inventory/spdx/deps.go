package spdx

import (
	"strings"

	"github.com/spdx/tools-golang/spdx"

	"github.com/embargo-dev/embargo/inventory"
)

// dependencyPaths sets each package's dependency path from the document's
// relationships: breadth first from the packages the document describes,
// along "A DEPENDS_ON B", "A CONTAINS B", "A STATIC_LINK/DYNAMIC_LINK B"
// and the reverse forms ("B DEPENDENCY_OF A", "B CONTAINED_BY A", the
// build, dev, runtime, optional, provided and test dependency kinds).
// Elements of other documents are not followed.
func dependencyPaths(doc *spdx.Document, items []inventory.Item) {
	if len(doc.Relationships) == 0 {
		return
	}
	byRef := make(map[string]int, len(items))
	for i, it := range items {
		if it.Type != inventory.File && strings.HasPrefix(it.Location.Ref, "SPDXRef-") {
			byRef[it.Location.Ref] = i
		}
	}
	children := map[string][]string{}
	var roots []string
	for _, r := range doc.Relationships {
		if r == nil || r.RefA.DocumentRefID != "" || r.RefB.DocumentRefID != "" {
			continue
		}
		a, b := "SPDXRef-"+string(r.RefA.ElementRefID), "SPDXRef-"+string(r.RefB.ElementRefID)
		switch t := strings.ToUpper(r.Relationship); {
		case t == "DESCRIBES" && a == "SPDXRef-DOCUMENT":
			roots = append(roots, b)
		case t == "DESCRIBED_BY" && b == "SPDXRef-DOCUMENT":
			roots = append(roots, a)
		case t == "DEPENDS_ON" || t == "CONTAINS" || t == "STATIC_LINK" || t == "DYNAMIC_LINK" || t == "HAS_PREREQUISITE":
			children[a] = append(children[a], b)
		case t == "CONTAINED_BY" || t == "PREREQUISITE_FOR" || strings.HasSuffix(t, "DEPENDENCY_OF"):
			children[b] = append(children[b], a)
		}
	}
	paths := map[string][]string{}
	var queue []string
	for _, r := range roots {
		if _, ok := paths[r]; !ok {
			paths[r] = []string{}
			queue = append(queue, r)
		}
	}
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		i, ok := byRef[cur]
		if !ok {
			continue // a file or an element outside the items
		}
		name := items[i].Name
		if items[i].Version != "" {
			name += "@" + items[i].Version
		}
		next := append(paths[cur][:len(paths[cur]):len(paths[cur])], name)
		for _, c := range children[cur] {
			if _, seen := paths[c]; !seen {
				paths[c] = next
				queue = append(queue, c)
			}
		}
	}
	for ref, p := range paths {
		if i, ok := byRef[ref]; ok && len(p) > 0 {
			items[i].DependencyPath = p
		}
	}
}
