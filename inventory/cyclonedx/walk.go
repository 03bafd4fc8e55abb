package cyclonedx

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	cdx "github.com/CycloneDX/cyclonedx-go"

	"github.com/embargo-dev/embargo/inventory"
)

// Node is one component or service of a BOM as Walk visits it.
type Node struct {
	Ref       string // JSON pointer: /metadata/component, /components/3/components/0, /services/1
	Depth     int
	Component *cdx.Component // nil for a service
	Service   *cdx.Service
}

// Walk visits the subject component, every component and every service of
// a BOM, depth first, in document order. The reader and the writer both
// walk with it, so the n-th node is the n-th item. Nodes deeper than
// maxDepth are passed with Depth > maxDepth and their children are not
// visited.
func Walk(bom *cdx.BOM, maxDepth int, fn func(Node) error) error {
	if bom.Metadata != nil && bom.Metadata.Component != nil {
		if err := walkComponent(bom.Metadata.Component, "/metadata/component", 0, maxDepth, fn); err != nil {
			return err
		}
	}
	if bom.Components != nil {
		for i := range *bom.Components {
			if err := walkComponent(&(*bom.Components)[i], "/components/"+strconv.Itoa(i), 0, maxDepth, fn); err != nil {
				return err
			}
		}
	}
	if bom.Services != nil {
		for i := range *bom.Services {
			if err := walkService(&(*bom.Services)[i], "/services/"+strconv.Itoa(i), 0, maxDepth, fn); err != nil {
				return err
			}
		}
	}
	return nil
}

func walkComponent(c *cdx.Component, ref string, depth, maxDepth int, fn func(Node) error) error {
	if err := fn(Node{Ref: ref, Depth: depth, Component: c}); err != nil {
		return err
	}
	if depth >= maxDepth || c.Components == nil {
		return nil
	}
	for i := range *c.Components {
		if err := walkComponent(&(*c.Components)[i], ref+"/components/"+strconv.Itoa(i), depth+1, maxDepth, fn); err != nil {
			return err
		}
	}
	return nil
}

func walkService(s *cdx.Service, ref string, depth, maxDepth int, fn func(Node) error) error {
	if err := fn(Node{Ref: ref, Depth: depth, Service: s}); err != nil {
		return err
	}
	if depth >= maxDepth || s.Services == nil {
		return nil
	}
	for i := range *s.Services {
		if err := walkService(&(*s.Services)[i], ref+"/services/"+strconv.Itoa(i), depth+1, maxDepth, fn); err != nil {
			return err
		}
	}
	return nil
}

// collect turns every node of the BOM into an item, or an unknown when it
// has nothing to attribute it by or breaks a limit.
func collect(ctx context.Context, inv *inventory.Inventory, bom *cdx.BOM, lim inventory.Limits) error {
	// Counting first lets the items be one allocation of the right size.
	total := 0
	_ = Walk(bom, lim.MaxDepth, func(Node) error { total++; return nil })
	inv.Items = make([]inventory.Item, 0, min(total, lim.MaxItems))
	g := newGraph(bom, min(total, lim.MaxItems))
	n := 0
	err := Walk(bom, lim.MaxDepth, func(nd Node) error {
		if n%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		if len(inv.Items)+len(inv.Unknowns) >= lim.MaxItems {
			return &inventory.InputError{Source: inv.Source, Offset: -1, Err: fmt.Errorf("more than %d components (the item limit)", lim.MaxItems)}
		}
		loc := inventory.Location{Source: inv.Source, Ref: nd.Ref, Reader: "cyclonedx"}
		var it inventory.Item
		if nd.Component != nil {
			it = componentItem(nd.Component)
		} else {
			it = serviceItem(nd.Service)
		}
		it.Location, it.Index = loc, n
		n++
		if reason := check(&it, nd, lim); reason != "" {
			inv.Unknowns = append(inv.Unknowns, inventory.Unknown{Location: loc, Name: inventory.Clip(it.Name), Reason: reason})
			return nil
		}
		it.SetID()
		inv.Items = append(inv.Items, it)
		g.add(nd, len(inv.Items)-1)
		return nil
	})
	if err != nil {
		return err
	}
	g.paths(inv.Items)
	return nil
}

func check(it *inventory.Item, nd Node, lim inventory.Limits) string {
	if nd.Depth > lim.MaxDepth-1 && ((nd.Component != nil && nd.Component.Components != nil) || (nd.Service != nil && nd.Service.Services != nil)) {
		return fmt.Sprintf("components nested deeper than %d levels were not read", lim.MaxDepth)
	}
	return inventory.CheckItem(it, lim)
}

func componentItem(c *cdx.Component) inventory.Item {
	it := inventory.Item{Name: c.Name, Version: c.Version, Type: itemType(c)}
	if c.Group != "" {
		it.Name = c.Group + "/" + c.Name
	}
	it.Add(inventory.PURL, c.PackageURL)
	it.Add(inventory.CPE, c.CPE)
	it.Add(inventory.Publisher, c.Publisher)
	if c.Supplier != nil {
		it.Add(inventory.Supplier, c.Supplier.Name)
	}
	if c.Manufacturer != nil {
		it.Add(inventory.Manufacturer, c.Manufacturer.Name)
	}
	it.Add(inventory.Author, c.Author)
	if c.Authors != nil {
		for _, a := range *c.Authors {
			it.Add(inventory.Author, contact(a))
		}
	}
	for _, e := range []*cdx.OrganizationalEntity{c.Supplier, c.Manufacturer} {
		if e != nil && e.Contact != nil {
			for _, ct := range *e.Contact {
				if ct.Email != "" {
					it.Add(inventory.Supplier, "<"+ct.Email+">")
				}
			}
		}
	}
	it.Ecosystem = purlType(c.PackageURL)
	if it.Type == inventory.File {
		it.Add(inventory.Path, c.Name)
	}
	addRefs(&it, c.ExternalReferences)
	if c.Properties != nil {
		for _, p := range *c.Properties {
			if strings.HasPrefix(p.Name, "syft:location:") && strings.HasSuffix(p.Name, ":path") {
				it.Add(inventory.Path, p.Value)
			}
		}
	}
	return it
}

func serviceItem(s *cdx.Service) inventory.Item {
	it := inventory.Item{Name: s.Name, Version: s.Version, Type: inventory.Other, Ecosystem: "service"}
	if s.Group != "" {
		it.Name = s.Group + "/" + s.Name
	}
	if s.Provider != nil {
		it.Add(inventory.Supplier, s.Provider.Name)
	}
	if s.Endpoints != nil {
		for _, e := range *s.Endpoints {
			it.Add(inventory.URL, e)
		}
	}
	addRefs(&it, s.ExternalReferences)
	return it
}

// addRefs keeps the external references that say where a component comes
// from (website, distribution, VCS), not documentation that may describe
// someone else's service.
func addRefs(it *inventory.Item, refs *[]cdx.ExternalReference) {
	if refs == nil {
		return
	}
	for _, r := range *refs {
		switch r.Type {
		case cdx.ERTypeWebsite, cdx.ERTypeDistribution, cdx.ERTypeVCS:
			if u, err := url.Parse(r.URL); err == nil && u.Host != "" {
				it.Add(inventory.URL, r.URL)
			}
		}
	}
}

func itemType(c *cdx.Component) inventory.Type {
	switch purlType(c.PackageURL) {
	case "deb", "rpm", "apk", "alpm", "ebuild":
		return inventory.Package
	}
	switch c.Type {
	case cdx.ComponentTypeLibrary, cdx.ComponentTypeFramework:
		return inventory.Library
	case cdx.ComponentTypeFile:
		return inventory.File
	case cdx.ComponentTypeDevice, cdx.ComponentTypeFirmware, cdx.ComponentTypeDeviceDriver:
		return inventory.Device
	case cdx.ComponentTypeApplication, cdx.ComponentTypeOS, cdx.ComponentTypePlatform, cdx.ComponentTypeContainer:
		return inventory.Application
	case cdx.ComponentTypeMachineLearningModel:
		return inventory.Model
	}
	return inventory.Other
}

// purlType returns the type of a package URL ("npm" for pkg:npm/x@1).
func purlType(p string) string {
	if !strings.HasPrefix(p, "pkg:") {
		return ""
	}
	t, _, _ := strings.Cut(p[4:], "/")
	return strings.ToLower(t)
}

// contact is "Name <address>", or whichever of the two is given.
func contact(c cdx.OrganizationalContact) string {
	switch {
	case c.Email == "":
		return c.Name
	case c.Name == "":
		return "<" + c.Email + ">"
	}
	return c.Name + " <" + c.Email + ">"
}
