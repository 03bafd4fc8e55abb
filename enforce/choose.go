package enforce

import (
	"github.com/embargo-dev/embargo/attribute"
	"github.com/embargo-dev/embargo/catalog"
	"github.com/embargo-dev/embargo/inventory"
)

// Subject is what one catalogue identifier (or one of an entity's legal
// and former names) would identify if it were found: a product of an
// entity, or the entity as a whole — an item of the entity that no
// product identifier names, or traffic to its networks.
type Subject struct {
	Entity *catalog.Entity
	// Product is nil for an identifier or a name of the entity as a
	// whole.
	Product *catalog.Product
	// Tier is the identifier's (catalog.Identifier.TierOf): "" for an
	// identifier of the entity that states none, and for its names.
	Tier catalog.Tier
	// Kind is the identifier's kind; "" for a legal or former name, which
	// is matched as a publisher.
	Kind catalog.Kind
	// Value is the identifier's value (one of its values), or the name.
	Value string
}

// Network reports whether the subject is reached over the network: a
// domain or an ASN is where traffic goes, as well as what an item may
// name.
func (s Subject) Network() bool { return s.Kind == catalog.Domain || s.Kind == catalog.ASN }

// A Chooser decides what a block list holds: for each blockable
// identifier of the catalogue, whether what it identifies is blocked.
type Chooser interface {
	// Blocks reports whether s is blocked.
	Blocks(s Subject) bool
	// Note says, for the artefact's header, how the choice was made.
	Note() string
}

// An ItemChooser also decides on the items a scan found and attributed
// (AddObserved's executables, AddQuarantine's equipment): the item as it
// was found, rather than the Subject of one identifier.
type ItemChooser interface {
	Chooser
	BlocksItem(it *inventory.Item, at *attribute.Attribution) bool
}

// Everything blocks every catalogued entity with all its products: what
// `embargo enforce` writes without --policy.
type Everything struct{}

// Blocks implements Chooser.
func (Everything) Blocks(Subject) bool { return true }

// BlocksItem implements ItemChooser.
func (Everything) BlocksItem(*inventory.Item, *attribute.Attribution) bool { return true }

// Note implements Chooser.
func (Everything) Note() string { return "every catalogued entity" }
