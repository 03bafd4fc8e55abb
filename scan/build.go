package scan

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/embargo-dev/embargo/attribute"
	"github.com/embargo-dev/embargo/inventory"
	"github.com/embargo-dev/embargo/report"
)

// builder assembles a report input by input.
type builder struct {
	a *attribute.Attributor
	r *report.Report
	// devices indexes r.Devices by host: one device's record and its apps
	// may come from different files.
	devices map[string]int
}

func newBuilder(a *attribute.Attributor, opts Options) *builder {
	cat := a.Catalog()
	now := opts.Now
	if now.IsZero() {
		now = time.Now().UTC()
	}
	return &builder{a: a, r: &report.Report{
		Tool:      report.Tool{Name: "embargo", Version: opts.Version},
		Generated: now,
		Catalog:   report.CatalogOf(cat),
		Summary:   report.Summary{BySupplier: map[string]int{}, ByCountry: map[string]int{}},
		Items:     []report.Entry{},
		Unknowns:  []inventory.Unknown{},
		Cat:       cat,
	}}
}

func (b *builder) failed(source, reader string, err error) {
	b.r.Inputs = append(b.r.Inputs, report.Input{Source: source, Reader: reader, Error: err.Error()})
	b.r.Unknowns = append(b.r.Unknowns, inventory.Unknown{
		Location: inventory.Location{Source: source, Reader: reader},
		Reason:   "could not read: " + err.Error(),
	})
	b.r.Summary.FailedInputs++
	b.r.Summary.Unknown++
}

func (b *builder) note(source, note string) {
	b.r.Notes = append(b.r.Notes, source+": "+note)
}

// add adds an inventory's items, attributed; ats are attributions
// already made of items with the ids given, in the inventory's order
// from its first item (see early).
func (b *builder) add(inv *inventory.Inventory, reader string, ids []string, ats []*attribute.Attribution) {
	r := b.r
	r.Inputs = append(r.Inputs, report.Input{Source: inv.Source, Reader: reader, Format: inv.Format, Items: len(inv.Items), Unknowns: len(inv.Unknowns)})
	r.Documents = append(r.Documents, inv)
	if cap(r.Items)-len(r.Items) < len(inv.Items) {
		grown := make([]report.Entry, len(r.Items), len(r.Items)+len(inv.Items))
		copy(grown, r.Items)
		r.Items = grown
	}
	n := 0
	for n < len(ids) && n < len(inv.Items) && ids[n] == inv.Items[n].ID {
		n++
	}
	ats = append(ats[:n:n], b.attributeAll(inv.Items[n:])...)
	for i := range inv.Items {
		it := &inv.Items[i]
		at := ats[i]
		r.Items = append(r.Items, report.Entry{Item: it, Attribution: at})
		r.Summary.Items++
		if at == nil {
			r.Summary.Unattributed++
			if it.Type == inventory.Device && it.Ecosystem == "network" {
				// Equipment found on the network whose maker nothing
				// identifies is not compliant equipment: it is unknown.
				r.Unknowns = append(r.Unknowns, inventory.Unknown{Location: it.Location, Name: it.Name,
					Reason: "equipment whose maker nothing identifies (no catalogued MAC block, SNMP enterprise, web server, certificate or rebrand fact): who made it is unknown"})
				r.Summary.Unknown++
			}
			continue
		}
		r.Summary.Attributed++
		r.Summary.BySupplier[at.Entity.ID]++
		r.Summary.ByCountry[at.Chain.Country]++
	}
	r.Unknowns = append(r.Unknowns, inv.Unknowns...)
	r.Summary.Unknown += len(inv.Unknowns)
	for _, d := range inv.Devices {
		if i, ok := b.devices[d.Host]; ok {
			r.Devices[i].Merge(d)
			continue
		}
		if b.devices == nil {
			b.devices = map[string]int{}
		}
		b.devices[d.Host] = len(r.Devices)
		r.Devices = append(r.Devices, d)
	}
}

// report is the report of every input added. A device given without its
// apps is an unknown: nothing can be said of what it runs.
func (b *builder) report() *report.Report {
	r := b.r
	for _, d := range r.Devices {
		if d.Apps >= 0 {
			continue
		}
		name := d.Name
		if name == "" {
			name = d.Host
		}
		r.Unknowns = append(r.Unknowns, inventory.Unknown{Location: d.Location, Name: name,
			Reason: "the device manager's inventory gives this device without its apps: read its apps too (e.g. its detectedApps or applications pages)"})
		r.Summary.Unknown++
	}
	return r
}

// parallelFrom is the number of items from which attribution is spread
// over every core: below it, starting the workers costs more than it
// saves.
const parallelFrom = 4096

// attributeAll attributes every item, on every core for a large
// inventory (a /16 network scan, a lease file of a campus). The
// Attributor is safe for concurrent use, and each result goes to its
// item's index, so the report is the same whatever order workers finish.
func (b *builder) attributeAll(items []inventory.Item) []*attribute.Attribution {
	out := make([]*attribute.Attribution, len(items))
	workers := runtime.GOMAXPROCS(0)
	if len(items) < parallelFrom || workers < 2 {
		for i := range items {
			out[i] = b.a.Attribute(&items[i])
		}
		return out
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	const chunk = 256
	for range workers {
		wg.Go(func() {
			for {
				start := int(next.Add(chunk)) - chunk
				if start >= len(items) {
					return
				}
				for i := start; i < min(start+chunk, len(items)); i++ {
					out[i] = b.a.Attribute(&items[i])
				}
			}
		})
	}
	wg.Wait()
	return out
}
