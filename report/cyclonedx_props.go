package report

import (
	"crypto/sha1"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	cdx "github.com/CycloneDX/cyclonedx-go"

	"github.com/embargo-dev/embargo/inventory/cyclonedx"
)

func attributionProps(e Entry) []cdx.Property {
	v := e.Attribution.View()
	p := []cdx.Property{
		{Name: PropSupplier, Value: v.Supplier.ID},
		{Name: PropSupplierName, Value: v.Supplier.Name},
	}
	if v.Product != nil {
		p = append(p, cdx.Property{Name: PropProduct, Value: v.Product.ID}, cdx.Property{Name: PropProductName, Value: v.Product.Name})
	}
	p = append(p,
		cdx.Property{Name: PropControllingCountry, Value: v.ControllingCountry},
		cdx.Property{Name: PropControlChain, Value: chainIDs(v.ControlChain)},
		cdx.Property{Name: PropConfidence, Value: v.Confidence.String()},
		cdx.Property{Name: PropScore, Value: strconv.Itoa(v.Score)},
		cdx.Property{Name: PropTier, Value: string(v.Tier)},
		cdx.Property{Name: PropDecidedBy, Value: string(v.DecidedBy.Kind) + ":" + v.DecidedBy.Identifier},
		cdx.Property{Name: PropBasis, Value: v.DecidedBy.Basis},
	)
	if len(e.DependencyPath) > 0 {
		p = append(p, cdx.Property{Name: PropDependencyPath, Value: strings.Join(e.DependencyPath, " > ")})
	}
	if v.Local {
		p = append(p, cdx.Property{Name: PropLocal, Value: "true"})
	}
	for _, ev := range v.Evidence {
		p = append(p, cdx.Property{Name: PropEvidence, Value: evidenceText(ev)})
	}
	return p
}

// reportProps are the metadata properties: what ran, on which catalogue,
// what it found and what it could not read.
func reportProps(r *Report) []cdx.Property {
	version := r.Tool.Version
	if version == "" {
		version = "dev"
	}
	p := []cdx.Property{{Name: "embargo:tool", Value: "embargo " + version}}
	if !r.Generated.IsZero() {
		p = append(p, cdx.Property{Name: "embargo:generated", Value: r.Generated.UTC().Format(time.RFC3339)})
	}
	p = append(p, cdx.Property{Name: PropCatalogDigest, Value: r.Catalog.Digest})
	if d := r.Data; d != nil {
		p = append(p, cdx.Property{Name: "embargo:data:source", Value: d.Source},
			cdx.Property{Name: "embargo:data:packs-digest", Value: d.Packs.Digest})
		if d.FeedVersion > 0 {
			p = append(p, cdx.Property{Name: "embargo:data:feed-version", Value: fmt.Sprint(d.FeedVersion)})
		}
		if d.Catalog.Version != "" {
			p = append(p, cdx.Property{Name: "embargo:data:version", Value: d.Catalog.Version})
		}
		if d.Stale != "" {
			p = append(p, cdx.Property{Name: "embargo:data:stale", Value: d.Stale})
		}
		for _, l := range d.Local {
			p = append(p, cdx.Property{Name: "embargo:data:local", Value: l.File + " " + l.Digest})
		}
		for _, o := range d.Overrides {
			p = append(p, cdx.Property{Name: "embargo:data:override", Value: o.Text()})
		}
	}
	s := r.Summary
	for _, kv := range []struct {
		k string
		v int
	}{{"items", s.Items}, {"attributed", s.Attributed}, {"not-attributed", s.Unattributed}, {"unknown", s.Unknown}, {"failed-inputs", s.FailedInputs}} {
		p = append(p, cdx.Property{Name: PropSummary + kv.k, Value: strconv.Itoa(kv.v)})
	}
	for _, k := range slices.Sorted(maps.Keys(s.BySupplier)) {
		p = append(p, cdx.Property{Name: PropSummary + "supplier:" + k, Value: strconv.Itoa(s.BySupplier[k])})
	}
	for _, k := range slices.Sorted(maps.Keys(s.ByCountry)) {
		p = append(p, cdx.Property{Name: PropSummary + "country:" + k, Value: strconv.Itoa(s.ByCountry[k])})
	}
	for _, u := range r.Unknowns {
		p = append(p, cdx.Property{Name: PropUnknown, Value: u.Location.String() + ": " + u.Reason})
	}
	for _, n := range r.Notes {
		p = append(p, cdx.Property{Name: PropNote, Value: n})
	}
	return p
}

func nodeName(n cyclonedx.Node) string {
	name, group := "", ""
	if n.Component != nil {
		name, group = n.Component.Name, n.Component.Group
	} else {
		name, group = n.Service.Name, n.Service.Group
	}
	if group != "" {
		return group + "/" + name
	}
	return name
}

func nodeProps(n cyclonedx.Node) []cdx.Property {
	var p *[]cdx.Property
	if n.Component != nil {
		p = n.Component.Properties
	} else {
		p = n.Service.Properties
	}
	if p == nil {
		return nil
	}
	return *p
}

// setProps replaces a node's properties with a new slice, leaving the
// input's slice alone; an empty list stays absent.
func setProps(n cyclonedx.Node, p []cdx.Property) {
	var ptr *[]cdx.Property
	if len(p) > 0 {
		ptr = &p
	} else if old := nodePropsPtr(n); old != nil && len(*old) == 0 {
		ptr = old // keep an explicit empty list as it was
	}
	if n.Component != nil {
		n.Component.Properties = ptr
	} else {
		n.Service.Properties = ptr
	}
}

func nodePropsPtr(n cyclonedx.Node) *[]cdx.Property {
	if n.Component != nil {
		return n.Component.Properties
	}
	return n.Service.Properties
}

// stripEmbargo returns a copy of p without "embargo:" properties.
func stripEmbargo(p []cdx.Property) []cdx.Property {
	out := make([]cdx.Property, 0, len(p))
	for _, x := range p {
		if !strings.HasPrefix(x.Name, PropPrefix) {
			out = append(out, x)
		}
	}
	return out
}

// cloneTree copies the BOM and every component and service in it, one
// level deep: the copies share everything but the lists of components,
// services and properties, which the encoder replaces rather than
// changes.
func cloneTree(in *cdx.BOM) *cdx.BOM {
	b := *in
	if b.Metadata != nil {
		m := *b.Metadata
		if m.Component != nil {
			m.Component = cloneComponent(m.Component)
		}
		b.Metadata = &m
	}
	b.Components = cloneComponents(b.Components)
	b.Services = cloneServices(b.Services)
	return &b
}

func cloneComponent(c *cdx.Component) *cdx.Component {
	x := *c
	x.Components = cloneComponents(x.Components)
	return &x
}

func cloneComponents(cs *[]cdx.Component) *[]cdx.Component {
	if cs == nil {
		return nil
	}
	out := make([]cdx.Component, len(*cs))
	for i := range *cs {
		out[i] = *cloneComponent(&(*cs)[i])
	}
	return &out
}

func cloneServices(ss *[]cdx.Service) *[]cdx.Service {
	if ss == nil {
		return nil
	}
	out := make([]cdx.Service, len(*ss))
	for i := range *ss {
		out[i] = (*ss)[i]
		out[i].Services = cloneServices(out[i].Services)
	}
	return &out
}

// serialNumber is a name-based (version 5) UUID of what the report
// covers, so that the same scan gives the same serial number.
func serialNumber(r *Report) string {
	// The URL namespace of RFC 9562.
	ns := []byte{0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8}
	h := sha1.New()
	h.Write(ns)
	fmt.Fprintf(h, "%s/embargo-report?catalog=%s&generated=%s", ToolURL, r.Catalog.Digest, r.Generated.UTC().Format(time.RFC3339Nano))
	for _, in := range r.Inputs {
		fmt.Fprintf(h, "&input=%s", in.Source)
	}
	u := h.Sum(nil)[:16]
	u[6] = u[6]&0x0f | 0x50
	u[8] = u[8]&0x3f | 0x80
	return fmt.Sprintf("urn:uuid:%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16])
}
