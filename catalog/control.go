package catalog

import (
	"slices"
	"sync/atomic"
	"time"
)

// Link is one step of a control chain: an entity and the fact that links
// it to the one before (nil for the first).
type Link struct {
	Entity *Entity
	Via    *Parent
}

// ControlChain is the path from an entity to its ultimate parent and the
// jurisdiction that controls it, on one day.
type ControlChain struct {
	Links []Link
	// Country is where control lies: the ultimate parent's controlled_from
	// when set, otherwise its country of incorporation.
	Country string
	// Basis is the fact that decided Country.
	Basis Fact
	// AsOf is the day the chain holds for: parents and controlled_from
	// facts with periods are taken as they stood then.
	AsOf string
}

// Chain follows parents from e to the top as of today.
func (c *Catalog) Chain(e *Entity) ControlChain { return c.ChainAt(e, c.now()) }

// ChainAt follows parents from e to the top as they stood on the day of
// t. Validation guarantees there is no cycle; the depth bound is a second
// guard.
func (c *Catalog) ChainAt(e *Entity, t time.Time) ControlChain {
	ch := ControlChain{AsOf: dayOf(t)}
	var via *Parent
	for cur := e; cur != nil && len(ch.Links) < 64; {
		ch.Links = append(ch.Links, Link{Entity: cur, Via: via})
		via = cur.ParentAt(t)
		if via == nil {
			break
		}
		cur = c.entityByID[via.ID]
	}
	top := ch.Links[len(ch.Links)-1].Entity
	if cf := top.ControlledFrom; cf != nil && cf.Holds(t) {
		ch.Country, ch.Basis = cf.Code, cf.Fact
	} else {
		ch.Country, ch.Basis = top.Country.Code, top.Country.Fact
	}
	return ch
}

// ParentAt returns the parent that controlled e on the day of t, or nil.
func (e *Entity) ParentAt(t time.Time) *Parent {
	for i := range e.Parents {
		if e.Parents[i].Holds(t) {
			return &e.Parents[i]
		}
	}
	return nil
}

// now is the day chains are taken on.
func (c *Catalog) now() time.Time { return time.Now() }

// Group returns the ids of e's corporate group as of today: every
// catalogued entity whose control chain ends at the same ultimate parent
// as e's (its parents, subsidiaries and affiliates), sorted. Instruments
// that cover a company "or any of its parents, subsidiaries, or
// affiliates" test membership of this group.
func (c *Catalog) Group(e *Entity) []string {
	c.groups.once.Do(func() {
		t := c.now()
		c.groups.byTop = map[*Entity][]string{}
		c.groups.topOf = map[*Entity]*Entity{}
		for _, x := range c.Entities {
			ch := c.ChainAt(x, t)
			top := ch.Links[len(ch.Links)-1].Entity
			c.groups.topOf[x] = top
			c.groups.byTop[top] = append(c.groups.byTop[top], x.ID)
		}
		for _, ids := range c.groups.byTop {
			slices.Sort(ids)
		}
	})
	top, ok := c.groups.topOf[e]
	if !ok {
		return []string{e.ID} // an entity made up outside the catalogue
	}
	return c.groups.byTop[top]
}

// lastDay remembers the last day dayOf formatted: a scan asks for the
// same day's chain for every item it attributes.
var lastDay atomic.Pointer[struct {
	y    int
	yday int
	s    string
}]

// dayOf is t's UTC date as dateLayout writes it.
func dayOf(t time.Time) string {
	t = t.UTC()
	y, yd := t.Year(), t.YearDay()
	if d := lastDay.Load(); d != nil && d.y == y && d.yday == yd {
		return d.s
	}
	s := t.Format(dateLayout)
	lastDay.Store(&struct {
		y    int
		yday int
		s    string
	}{y, yd, s})
	return s
}
