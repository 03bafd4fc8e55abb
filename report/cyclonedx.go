package report

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"time"

	cdx "github.com/CycloneDX/cyclonedx-go"

	"github.com/embargo-dev/embargo/inventory"
	"github.com/embargo-dev/embargo/inventory/cyclonedx"
)

// CycloneDX writes the findings as CycloneDX JSON. When the scan read a
// single CycloneDX input, it returns that BOM, unchanged except for
// "embargo:" properties on each attributed component or service and on the
// metadata; the input's spec version is kept, except that 1.2 and older
// are written as 1.3, the first version with properties (a metadata
// property says so). When several inputs, or inputs of another format
// (SPDX, osquery), were scanned, it builds one new CycloneDX 1.6 BOM with
// a component per item.
//
// Properties written (names are in the "embargo:" namespace):
//
//	on components and services   embargo:item-id, embargo:supplier (entity id),
//	                             embargo:supplier-name, embargo:product,
//	                             embargo:product-name, embargo:controlling-country,
//	                             embargo:control-chain (ids, " > "), embargo:confidence,
//	                             embargo:score, embargo:evidence (one per match),
//	                             embargo:local ("true" when a local catalogue
//	                             file's fact decided),
//	                             embargo:unknown (components that could not be attributed)
//	on the metadata              embargo:tool, embargo:generated, embargo:catalog-digest,
//	                             embargo:data:* (the data judged by: embargo:data:local
//	                             one per local catalogue file, embargo:data:override),
//	                             embargo:summary:*, embargo:unknown (one per unknown),
//	                             embargo:note (what the scan covered and did not),
//	                             embargo:input (new BOMs), embargo:spec-version-upgraded
//
// Properties named "embargo:..." already present in the input are
// replaced, so scanning an annotated BOM again does not stack them.
type CycloneDX struct{}

// Name implements Encoder.
func (CycloneDX) Name() string { return "cyclonedx" }

// Property names written by the CycloneDX encoder.
const (
	PropPrefix             = "embargo:"
	PropItemID             = "embargo:item-id"
	PropSupplier           = "embargo:supplier"
	PropSupplierName       = "embargo:supplier-name"
	PropProduct            = "embargo:product"
	PropProductName        = "embargo:product-name"
	PropControllingCountry = "embargo:controlling-country"
	PropControlChain       = "embargo:control-chain"
	PropConfidence         = "embargo:confidence"
	PropScore              = "embargo:score"
	PropTier               = "embargo:tier"
	PropDecidedBy          = "embargo:decided-by"
	PropBasis              = "embargo:basis"
	PropDependencyPath     = "embargo:dependency-path"
	PropLocal              = "embargo:local"
	PropEvidence           = "embargo:evidence"
	PropUnknown            = "embargo:unknown"
	PropCatalogDigest      = "embargo:catalog-digest"
	PropSummary            = "embargo:summary:"
	PropInput              = "embargo:input"
	PropSource             = "embargo:source"
	PropSpecUpgraded       = "embargo:spec-version-upgraded"
	PropNote               = "embargo:note"
)

func (CycloneDX) softwareOnly() {}

// Encode implements Encoder.
func (CycloneDX) Encode(w io.Writer, r *Report) error {
	if r.Traffic != nil {
		return errors.New("CycloneDX output describes software; a report of traffic has none (use json, csv, sarif or table)")
	}
	var bom *cdx.BOM
	var err error
	if doc := singleBOM(r); doc != nil {
		bom, err = annotateBOM(r, doc)
	} else {
		bom = newBOM(r)
	}
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	if err := cdx.NewBOMEncoder(bw, cdx.BOMFileFormatJSON).SetPretty(true).SetEscapeHTML(false).Encode(bom); err != nil {
		return err
	}
	return bw.Flush()
}

// singleBOM returns the input when the scan read exactly one input and it
// was CycloneDX.
func singleBOM(r *Report) *inventory.Inventory {
	if len(r.Inputs) != 1 || len(r.Documents) != 1 || r.Inputs[0].Error != "" {
		return nil
	}
	if _, ok := r.Documents[0].Document.(*cdx.BOM); !ok {
		return nil
	}
	return r.Documents[0]
}

// annotateBOM copies the input BOM's tree of components and services,
// so that the report's document is left as it was, and adds the
// properties.
func annotateBOM(r *Report, inv *inventory.Inventory) (*cdx.BOM, error) {
	bom := cloneTree(inv.Document.(*cdx.BOM))
	var nodes []cyclonedx.Node
	if err := cyclonedx.Walk(bom, inventory.DefaultLimits.MaxDepth, func(n cyclonedx.Node) error {
		nodes = append(nodes, n)
		return nil
	}); err != nil {
		return nil, err
	}
	byRef := make(map[string]cyclonedx.Node, len(nodes))
	for _, n := range nodes {
		byRef[n.Ref] = n
		setProps(n, stripEmbargo(nodeProps(n)))
	}
	for _, e := range r.Items {
		if e.Location.Source != inv.Source {
			continue
		}
		if e.Index < 0 || e.Index >= len(nodes) {
			return nil, fmt.Errorf("cyclonedx: item %s (%s) is node %d of %s, which has %d components and services", e.ID, e.Location.Ref, e.Index, inv.Source, len(nodes))
		}
		n := nodes[e.Index]
		if n.Ref != e.Location.Ref || nodeName(n) != e.Name {
			return nil, fmt.Errorf("cyclonedx: item %s is %q at %s but node %d of %s is %q at %s: the BOM and the report do not match",
				e.ID, e.Name, e.Location.Ref, e.Index, inv.Source, nodeName(n), n.Ref)
		}
		if e.Attribution != nil {
			p := append(nodeProps(n), cdx.Property{Name: PropItemID, Value: e.ID})
			setProps(n, append(p, attributionProps(e)...))
		}
	}
	for _, u := range r.Unknowns {
		if n, ok := byRef[u.Location.Ref]; ok && u.Location.Source == inv.Source && u.Location.Ref != "" {
			setProps(n, append(nodeProps(n), cdx.Property{Name: PropUnknown, Value: u.Reason}))
		}
	}

	if bom.BOMFormat == "" {
		bom.BOMFormat = cdx.BOMFormat // read from XML
	}
	if bom.Metadata == nil {
		bom.Metadata = &cdx.Metadata{}
	}
	var meta []cdx.Property
	if bom.Metadata.Properties != nil {
		meta = stripEmbargo(*bom.Metadata.Properties)
	}
	if bom.SpecVersion < cdx.SpecVersion1_3 {
		meta = append(meta, cdx.Property{Name: PropSpecUpgraded,
			Value: fmt.Sprintf("written as CycloneDX 1.3, not %s as read: properties need 1.3", bom.SpecVersion)})
		if bom.JSONSchema != "" {
			bom.JSONSchema = "http://cyclonedx.org/schema/bom-1.3.schema.json"
		}
		bom.SpecVersion = cdx.SpecVersion1_3
	}
	meta = append(meta, reportProps(r)...)
	bom.Metadata.Properties = &meta
	return bom, nil
}

// newBOM builds a CycloneDX 1.6 BOM with one component per item.
func newBOM(r *Report) *cdx.BOM {
	bom := &cdx.BOM{
		JSONSchema:   "http://cyclonedx.org/schema/bom-1.6.schema.json",
		BOMFormat:    cdx.BOMFormat,
		SpecVersion:  cdx.SpecVersion1_6,
		SerialNumber: serialNumber(r),
		Version:      1,
	}
	version := r.Tool.Version
	if version == "" {
		version = "dev"
	}
	md := &cdx.Metadata{
		Tools: &cdx.ToolsChoice{Components: &[]cdx.Component{{
			Type: cdx.ComponentTypeApplication, Name: "embargo", Version: version,
			ExternalReferences: &[]cdx.ExternalReference{{Type: cdx.ERTypeWebsite, URL: ToolURL}},
		}}},
	}
	if !r.Generated.IsZero() {
		md.Timestamp = r.Generated.UTC().Format(time.RFC3339)
	}
	var meta []cdx.Property
	for _, in := range r.Inputs {
		v := in.Source
		switch {
		case in.Error != "":
			v += " (could not be read: " + in.Error + ")"
		case in.Format != "":
			v += " (" + in.Format + ")"
		}
		meta = append(meta, cdx.Property{Name: PropInput, Value: v})
	}
	meta = append(meta, reportProps(r)...)
	md.Properties = &meta
	bom.Metadata = md

	comps := make([]cdx.Component, 0, len(r.Items))
	refs := map[string]int{}
	for _, e := range r.Items {
		ref := e.ID
		if n := refs[e.ID]; n > 0 {
			ref = fmt.Sprintf("%s-%d", e.ID, n+1) // the same input scanned twice
		}
		refs[e.ID]++
		c := cdx.Component{
			BOMRef:     ref,
			Type:       componentType(e.Item),
			Name:       e.Name,
			Version:    e.Version,
			PackageURL: e.Get(inventory.PURL),
			CPE:        e.Get(inventory.CPE),
			Publisher:  e.Get(inventory.Publisher),
		}
		if c.Name == "" {
			c.Name = e.Location.String() // name is required; items without one have other attributes
		}
		if s := e.Get(inventory.Supplier); s != "" {
			c.Supplier = &cdx.OrganizationalEntity{Name: s}
		}
		props := []cdx.Property{{Name: PropItemID, Value: e.ID}, {Name: PropSource, Value: e.Location.String()}}
		if e.Location.Host != "" {
			props = append(props, cdx.Property{Name: "embargo:host", Value: e.Location.Host})
		}
		if e.Attribution != nil {
			props = append(props, attributionProps(e)...)
		}
		c.Properties = &props
		comps = append(comps, c)
	}
	bom.Components = &comps
	return bom
}

func componentType(it *inventory.Item) cdx.ComponentType {
	switch it.Type {
	case inventory.Package, inventory.Library:
		return cdx.ComponentTypeLibrary
	case inventory.File:
		return cdx.ComponentTypeFile
	case inventory.Device:
		return cdx.ComponentTypeDevice
	case inventory.Certificate:
		return cdx.ComponentTypeCryptographicAsset // the new BOM is CycloneDX 1.6
	}
	return cdx.ComponentTypeApplication
}

// attributionProps are the properties of an attributed item, after its
// embargo:item-id.
