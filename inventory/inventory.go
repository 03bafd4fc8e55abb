package inventory

import (
	"context"
	"io"
)

// Unknown is something that could not be read or could not be
// attributed, with the reason. Unknowns are reported in every output:
// what Embargo could not see is never reported as compliant.
type Unknown struct {
	Location Location `json:"location"`
	Name     string   `json:"name,omitempty"`
	Reason   string   `json:"reason"`
}

// Inventory is what one source produced from one input.
type Inventory struct {
	Source   string    `json:"source"` // input as named
	Format   string    `json:"format"` // e.g. "CycloneDX 1.6 JSON"
	Items    []Item    `json:"items"`
	Unknowns []Unknown `json:"unknowns"`
	// Devices are the phones, tablets and computers a device manager's
	// inventory reports on, the hosts of its items; empty for other
	// inputs.
	Devices []ManagedDevice `json:"devices,omitempty"`
	// Pages are the pages of a paged API's listings that the input held,
	// for joining pages saved one file each (Page).
	Pages []Page `json:"-"`
	// Document is the decoded input, for writers that return it annotated
	// (the CycloneDX writer returns the input BOM). Nil when not kept.
	Document any `json:"-"`
}

// Page is one page of a paged API listing held by an input: the
// collection it lists (an OData context, for Graph) and the link to the
// page after it, "" on the last page. A page whose next page the input
// does not hold is reported by its reader as an unknown at Location;
// when the pages were saved one file each and read together, a
// collection whose last page is among them is whole, and those unknowns
// are dropped (inventory.FollowedPages).
type Page struct {
	Collection string
	Next       string
	Location   Location
}

// FollowedPages returns the locations of pages whose next page is in
// pages: a page links on, and its collection's last page is there.
func FollowedPages(pages []Page) map[Location]bool {
	ended := map[string]bool{}
	for _, p := range pages {
		if p.Next == "" {
			ended[p.Collection] = true
		}
	}
	out := map[Location]bool{}
	for _, p := range pages {
		if p.Next != "" && ended[p.Collection] {
			out[p.Location] = true
		}
	}
	return out
}

// Limits bound what a reader accepts from hostile input.
type Limits struct {
	MaxBytes  int64 // whole input
	MaxItems  int   // items in one input
	MaxString int   // one field value
	MaxDepth  int   // nesting of components or JSON
}

// DefaultLimits suit the largest real SBOMs seen (syft of a full host:
// 98,449 components, 75 MB) with a wide margin.
var DefaultLimits = Limits{
	MaxBytes:  1 << 30,
	MaxItems:  5_000_000,
	MaxString: 1 << 20,
	MaxDepth:  64,
}

// Reader reads one kind of inventory document.
type Reader interface {
	// Name is the reader's short name, used in --format and in output.
	Name() string
	// Sniff reports whether an input named name whose content starts with
	// head looks like this format (input.Sniffer).
	Sniff(name string, head []byte) bool
	// Read decodes the input named name. An input that cannot be decoded
	// at all is an error naming the input and the position; parts that
	// cannot be read become Unknowns.
	Read(ctx context.Context, name string, r io.Reader, lim Limits) (*Inventory, error)
}
