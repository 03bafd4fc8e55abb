package catalog

// Link is one step of a control chain: an entity and the fact that links
// it to the one before (nil for the first).
type Link struct {
	Entity *Entity
	Via    *Parent
}

// ControlChain is the path from an entity to its ultimate parent and the
// jurisdiction that controls it.
type ControlChain struct {
	Links []Link
	// Country is where control lies: the ultimate parent's controlled_from
	// when set, otherwise its country of incorporation.
	Country string
	// Basis is the fact that decided Country.
	Basis Fact
}

// Chain follows parents from e to the top. Validation guarantees there is
// no cycle; the depth bound is a second guard.
func (c *Catalog) Chain(e *Entity) ControlChain {
	var ch ControlChain
	var via *Parent
	for cur := e; cur != nil && len(ch.Links) < 64; {
		ch.Links = append(ch.Links, Link{Entity: cur, Via: via})
		if cur.Parent == nil {
			break
		}
		via = cur.Parent
		cur = c.entityByID[cur.Parent.ID]
	}
	top := ch.Links[len(ch.Links)-1].Entity
	if top.ControlledFrom != nil {
		ch.Country, ch.Basis = top.ControlledFrom.Code, top.ControlledFrom.Fact
	} else {
		ch.Country, ch.Basis = top.Country.Code, top.Country.Fact
	}
	return ch
}
