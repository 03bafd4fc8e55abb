package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/embargo-dev/embargo/attribute"
	"github.com/embargo-dev/embargo/catalog"
	"github.com/embargo-dev/embargo/egress/collect"
	"github.com/embargo-dev/embargo/finding"
	"github.com/embargo-dev/embargo/internal/country"
	"github.com/embargo-dev/embargo/inventory"
	"github.com/embargo-dev/embargo/report"
	"github.com/embargo-dev/embargo/store"
)

// MaxEvidenceBytes bounds the evidence of one finding the page will
// decode; ingest writes a finding and one item, a few kilobytes.
const MaxEvidenceBytes = 1 << 20

type findingPage struct {
	Page
	F       store.Finding
	Host    string // the host's name
	Chain   string // the evidence chain, as `embargo explain` writes it
	History []event
	Waivers []store.Waiver
	// CanRequest is whether the waiver form is shown: the viewer may act
	// and the finding stands.
	CanRequest bool
	// Names of what the finding is about, from the catalogue (empty when
	// it does not know the id), and the catalogue entries and instrument
	// text the evidence rests on.
	Supplier, Product, Country string
	Instrument, InstrumentURL  string
	Entries                    []chainStep
}

// event is one step of a finding's life.
type event struct {
	At   time.Time
	What string
}

func (d *dashboard) finding(w http.ResponseWriter, r *http.Request, v store.Viewer) error {
	ctx, id := r.Context(), r.PathValue("id")
	f, err := d.st.Finding(ctx, v, id)
	if err != nil {
		return fmt.Errorf("reading finding %q: %w", id, err)
	}
	all, err := d.st.Waivers(ctx, v, "")
	if err != nil {
		return fmt.Errorf("listing waivers: %w", err)
	}
	var ws []store.Waiver
	for _, x := range all {
		if x.FindingID == f.ID {
			ws = append(ws, x)
		}
	}
	p := findingData(d.page(r, v, "Finding "+clip(f.ID, 16)), f, ws)
	p.name(d.cat())
	p.Host = f.HostID
	if h, err := d.st.Host(ctx, v, f.HostID); err == nil {
		p.Host = h.Host
	}
	d.render(w, http.StatusOK, "finding", p)
	return nil
}

func findingData(p Page, f store.Finding, ws []store.Waiver) findingPage {
	chain, err := evidenceChain(f.Evidence, p.Now)
	if err != nil {
		chain = "The evidence of this finding cannot be read: " + err.Error()
	}
	return findingPage{Page: p, F: f, Chain: chain, History: history(f, ws), Waivers: ws,
		CanRequest: p.CanAct && f.State != store.Remediated}
}

// name fills the names of the finding's ids from cat, and the catalogue
// entries of its supplier's control chain.
func (p *findingPage) name(cat *catalog.Catalog) {
	f := p.F
	p.Supplier, p.Product, p.Country, p.Instrument, p.InstrumentURL = f.Supplier, f.Product, country.Label(f.Country), f.Title, f.URL
	if cat == nil {
		return
	}
	if pr := cat.Product(f.Product); pr != nil {
		p.Product = pr.Name
	}
	supplier := f.Supplier
	if supplier == "" && f.Kind == store.Traffic {
		supplier = strings.TrimPrefix(f.ItemKey, "entity:")
	}
	if e := cat.Entity(supplier); e != nil {
		p.Supplier = e.Name
		for _, l := range cat.Chain(e).Links {
			p.Entries = append(p.Entries, chainStep{ID: l.Entity.ID, Name: l.Entity.Name, Country: country.Name(l.Entity.Country.Code)})
		}
	}
	if in := cat.Instrument(f.Instrument); in != nil {
		p.Instrument, p.InstrumentURL = in.Title, in.URL
	}
}

// history puts together what is known of a finding's life: its first and
// last sightings, its last change of state, and its waivers.
func history(f store.Finding, ws []store.Waiver) []event {
	ev := []event{{f.FirstSeen, "first seen (open)"}}
	if !f.Changed.IsZero() && !f.Changed.Equal(f.FirstSeen) {
		what := "became " + stateText(f.State)
		if f.Reason != "" {
			what += ": " + f.Reason
		}
		ev = append(ev, event{f.Changed, what})
	}
	for _, w := range ws {
		ev = append(ev, event{w.Requested, fmt.Sprintf("waiver #%d requested by %s until %s", w.ID, w.RequestedBy, dateText(w.Expiry))})
		if w.State != store.Requested {
			ev = append(ev, event{w.Decided, fmt.Sprintf("waiver #%d %s by %s", w.ID, w.State, w.DecidedBy)})
		}
	}
	if !f.LastSeen.IsZero() {
		what := "last seen in a scan"
		if f.Kind == store.Traffic {
			what = "last seen in traffic uploaded"
		}
		ev = append(ev, event{f.LastSeen, what})
	}
	sort.SliceStable(ev, func(i, j int) bool { return ev[i].At.Before(ev[j].At) })
	return ev
}

// evidence is a finding's stored evidence: the finding.Finding and either
// the item's report.Entry ("entry", or "item" and "attribution" as the
// judge's state keeps them) or, for traffic, the flows aggregate.
type evidence struct {
	Finding     finding.Finding    `json:"finding"`
	Entry       json.RawMessage    `json:"entry"`
	Item        *inventory.Item    `json:"item"`
	Attribution *attribute.View    `json:"attribution"`
	Traffic     *collect.Aggregate `json:"traffic"`
	// Aggregate is the traffic as the server's ingest keeps it.
	Aggregate *collect.Aggregate `json:"aggregate"`
}

// entry is report.Entry as it reads back from JSON: the attribution
// comes back as its view.
type entry struct {
	inventory.Item
	Attribution *attribute.View `json:"attribution"`
}

// evidenceChain decodes a finding's evidence and writes its chain as
// `embargo explain` does.
//
// The deadline's standing is recomputed at now: the stored one is the
// scan's.
func evidenceChain(raw []byte, now time.Time) (string, error) {
	if len(raw) == 0 {
		return "", errors.New("none was stored")
	}
	if len(raw) > MaxEvidenceBytes {
		return "", fmt.Errorf("it is %d bytes, more than the %d read", len(raw), MaxEvidenceBytes)
	}
	var ev evidence
	if err := json.Unmarshal(raw, &ev); err != nil {
		return "", fmt.Errorf("decoding it: %w", err)
	}
	if ev.Traffic == nil {
		ev.Traffic = ev.Aggregate
	}
	if d := ev.Finding.DeadlineAfter(ev.Finding.FirstSeen); !d.IsZero() {
		ev.Finding.Due, ev.Finding.DaysLeft = finding.DueAt(d, now)
	}
	var b bytes.Buffer
	var err error
	switch {
	case ev.Traffic != nil:
		if err = report.ExplainAggregate(&b, ev.Traffic); err == nil {
			err = report.FindingChain(&b, ev.Finding)
		}
	case len(ev.Entry) > 0 && string(ev.Entry) != "null":
		var e entry
		if err := json.Unmarshal(ev.Entry, &e); err != nil {
			return "", fmt.Errorf("decoding its item: %w", err)
		}
		err = report.ExplainFinding(&b, ev.Finding, &e.Item, e.Attribution)
	case ev.Item != nil:
		err = report.ExplainFinding(&b, ev.Finding, ev.Item, ev.Attribution)
	default:
		err = report.FindingChain(&b, ev.Finding)
	}
	if err != nil {
		return "", fmt.Errorf("writing its chain: %w", err)
	}
	return b.String(), nil
}

func isNotFound(err error) bool { return errors.Is(err, store.ErrNotFound) }

// stateText is a finding's state as a sentence says it.
func stateText(s store.FindingState) string {
	if s == store.OutOfScope {
		return "out of scope"
	}
	return string(s)
}
