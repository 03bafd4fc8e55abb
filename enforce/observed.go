package enforce

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/embargo-dev/embargo/attribute"
	"github.com/embargo-dev/embargo/catalog"
	"github.com/embargo-dev/embargo/inventory"
)

// validSignature is the status inventory/pe gives a signature whose digest
// matches the file (inventory/pe.StatusValid; spelled here so that enforce
// does not import the PE reader).
const validSignature = "valid digest"

// maxObservedReport bounds the scan report AddObserved reads.
const maxObservedReport = 512 << 20

// AddObserved adds, as publishers, the code-signing subjects that a scan
// report saw on executables it attributed to a blocked entity (or to an
// entity a blocked one controls), with a valid signature. AppLocker needs
// a publisher's whole certificate subject, which a catalogue of public
// facts rarely gives; a scan of the estate reads it off the files
// themselves. name is the report's file name, for the source; it returns
// how many subjects were added.
func (t *Targets) AddObserved(name string, report []byte) (int, error) {
	items, err := scanItems(name, report)
	if err != nil {
		return 0, err
	}
	added := 0
	for _, it := range items {
		entity, ok := t.blockedEntity(&it.Item, it.Attribution)
		if !ok {
			continue
		}
		for _, subj := range validSigners(&it.Item) {
			if _, ok := appLockerPublisher(subj); !ok {
				continue
			}
			src := fmt.Sprintf("observed in %s: %s, signature valid", name, it.Location)
			t.Publishers = append(t.Publishers, Publisher{Name: subj, Entity: entity, Source: src})
			added++
		}
	}
	t.normalize()
	return added, nil
}

// scanItem is an item of a scan report with its attribution.
type scanItem struct {
	inventory.Item
	Attribution *attribute.View `json:"attribution"`
}

// scanItems reads the items of a scan report (-o json) named name.
func scanItems(name string, report []byte) ([]scanItem, error) {
	if len(report) > maxObservedReport {
		return nil, fmt.Errorf("%s: scan report of %d bytes is over the %d-byte limit", name, len(report), maxObservedReport)
	}
	var rep struct {
		Items []scanItem `json:"items"`
	}
	if err := json.Unmarshal(report, &rep); err != nil {
		return nil, inventory.JSONError(name, report, err)
	}
	return rep.Items, nil
}

// blockedEntity is the entity to credit with an item of a scan report
// whose attribution is v, and whether the item is blocked: with the
// chooser Derive used, when it blocks the item (a Judgement judges the
// item as found); for targets made by hand, when the supplier or an
// entity up its control chain is among the Entities.
func (t *Targets) blockedEntity(it *inventory.Item, v *attribute.View) (string, bool) {
	if v == nil {
		return "", false
	}
	if t.chooser != nil && t.cat != nil {
		e := t.cat.Entity(v.Supplier.ID)
		if e == nil {
			return "", false
		}
		var p *catalog.Product
		if v.Product != nil {
			p = t.cat.Product(v.Product.ID)
		}
		if ic, ok := t.chooser.(ItemChooser); ok {
			at := &attribute.Attribution{Candidate: attribute.Candidate{Product: p, Entity: e}, Tier: v.Tier, Chain: t.cat.Chain(e)}
			return e.ID, ic.BlocksItem(it, at)
		}
		return e.ID, t.chooser.Blocks(Subject{Entity: e, Product: p, Tier: v.Tier})
	}
	if _, ok := slices.BinarySearch(t.Entities, v.Supplier.ID); ok {
		return v.Supplier.ID, true
	}
	for _, l := range v.ControlChain {
		if _, ok := slices.BinarySearch(t.Entities, l.ID); ok {
			return l.ID, true
		}
	}
	return "", false
}

// validSigners pairs each signer subject with its signature's status: the
// PE reader writes one subject and one status per signature, in order.
func validSigners(it *inventory.Item) []string {
	var subjects, statuses []string
	for _, a := range it.Attrs {
		switch a.Field {
		case inventory.Signer:
			subjects = append(subjects, a.Value)
		case inventory.SignatureStatus:
			statuses = append(statuses, a.Value)
		}
	}
	if len(subjects) != len(statuses) {
		return nil // not the PE reader's shape: nothing is known valid
	}
	var out []string
	for i, s := range subjects {
		if statuses[i] == validSignature && strings.Contains(s, "=") {
			out = append(out, s)
		}
	}
	return out
}
