// Package attribute decides who controls each inventory item: item →
// product → supplier entity → parents → controlling jurisdiction, with the
// evidence that matched and a confidence.
package attribute

import (
	"net/url"
	"path"
	"slices"
	"sort"
	"strings"

	"github.com/embargo-dev/embargo/catalog"
	"github.com/embargo-dev/embargo/inventory"
)

// Attributor matches items against a catalogue. It is safe for
// concurrent use.
type Attributor struct {
	cat *catalog.Catalog
	ix  *catalog.Index
}

// New returns an attributor over cat.
func New(cat *catalog.Catalog) *Attributor { return &Attributor{cat: cat, ix: cat.Index()} }

// Catalog returns the catalogue the attributor matches against.
func (a *Attributor) Catalog() *catalog.Catalog { return a.cat }

// Attribute returns the attribution of an item, or nil when no catalogued
// supplier matches it.
func (a *Attributor) Attribute(it *inventory.Item) *Attribution {
	var m matcher
	m.item = it
	ix := a.ix
	hasPURL := false
	for _, at := range it.Attrs {
		switch at.Field {
		case inventory.PURL:
			hasPURL = true
			m.idents(at, ix.PackageURL(at.Value))
		case inventory.CPE:
			m.idents(at, ix.CPE(at.Value))
		case inventory.Publisher, inventory.Supplier, inventory.Manufacturer:
			m.party(ix, at, orgField)
		case inventory.MACVendor:
			if organisation(at.Value) {
				m.party(ix, at, orgField)
			}
		case inventory.MAC:
			m.idents(at, ix.OUI(at.Value))
		case inventory.SNMPObjectID:
			m.idents(at, ix.SNMPEnterprise(at.Value))
		case inventory.HTTPServer:
			m.idents(at, ix.HTTPServer(at.Value))
		case inventory.TLSSubject:
			m.idents(at, ix.TLSSubject(at.Value))
		case inventory.Author, inventory.Maintainer, inventory.Packager:
			m.party(ix, at, personField)
		case inventory.Signer:
			for _, name := range subjectNames(at.Value) {
				m.orgs(at, ix.Org(name), catalog.SignerSubject, orgField, address{})
			}
		case inventory.CASubject:
			for _, name := range subjectNames(at.Value) {
				m.orgs(at, ix.Org(name), catalog.TLSInterceptCA, orgField, address{})
			}
		case inventory.TeamID:
			m.idents(at, ix.Exact(catalog.AppleTeamID, at.Value))
		case inventory.APKSigner:
			m.idents(at, ix.Exact(catalog.APKCertSHA256, at.Value))
		case inventory.Image:
			m.idents(at, ix.OCI(at.Value))
		case inventory.ModelRepo:
			m.idents(at, ix.HF(at.Value))
		case inventory.OllamaModel:
			m.idents(at, ix.Exact(catalog.OllamaModel, at.Value))
		case inventory.BundleID:
			m.idents(at, ix.Dotted(catalog.BundleID, at.Value))
		case inventory.AndroidID:
			m.idents(at, ix.Dotted(catalog.AndroidPackage, at.Value))
		case inventory.ExtensionID:
			m.idents(at, ix.Exact(catalog.BrowserExtension, at.Value))
		case inventory.Service:
			m.idents(at, ix.Exact(catalog.ServiceName, at.Value))
		case inventory.WingetID:
			m.idents(at, ix.Exact(catalog.WingetID, at.Value))
		case inventory.ChocolateyID:
			m.idents(at, ix.Exact(catalog.ChocolateyID, at.Value))
		case inventory.RegistryKey:
			m.idents(at, ix.RegistryKey(at.Value))
		case inventory.Path:
			m.idents(at, ix.Path(at.Value))
			m.idents(at, ix.Exact(catalog.ProcessName, path.Base(strings.ReplaceAll(at.Value, `\`, "/"))))
		case inventory.OriginalFilename:
			// The name a program was built with survives a rename.
			m.idents(at, ix.Exact(catalog.ProcessName, at.Value))
		case inventory.URL:
			if host := hostOf(at.Value); host != "" {
				m.idents(at, ix.Domain(host))
			}
		}
	}
	if k := packageKind(it); k != "" {
		m.idents(inventory.Attr{Field: "package", Value: it.Name}, ix.Exact(k, it.Name))
	}
	if !hasPURL && it.Name != "" {
		// A language package read without a package URL (an osquery
		// table, an SBOM component that names its ecosystem only).
		m.idents(inventory.Attr{Field: "package", Value: it.Name}, ecosystemIdents(ix, it.Ecosystem, it.Name))
	}
	if namePatternsApply(it.Type) && it.Name != "" {
		m.idents(inventory.Attr{Field: "name", Value: it.Name}, ix.DisplayName(it.Name))
	}
	m.rebrands(ix, it)
	if len(m.ev) == 0 {
		return nil
	}
	at := a.decide(m.ev, it)
	at.SoldAs = a.soldAs(at, it)
	return at
}

// ecosystemIdents matches a package name by its ecosystem's namespace
// rules, as its package URL would be.
func ecosystemIdents(ix *catalog.Index, eco, name string) []*catalog.Identifier {
	switch strings.ToLower(eco) {
	case "npm", "node":
		return ix.NPM(name)
	case "pypi", "python":
		return ix.Exact(catalog.PyPIProject, name)
	case "go", "golang":
		return ix.GoModule(name)
	case "maven", "java":
		group, _, _ := strings.Cut(name, ":")
		return ix.Dotted(catalog.MavenGroup, group)
	case "nuget", ".net", "dotnet":
		return ix.NuGet(name)
	}
	return nil
}

// namePatternsApply: display-name patterns describe applications. A
// library named after a product (a third party's "tiktok-scraper") is not
// that product.
func namePatternsApply(t inventory.Type) bool {
	switch t {
	case inventory.Application, inventory.Device, inventory.Extension, inventory.Model, inventory.Other:
		return true
	}
	return false
}

// packageKind is the identifier kind for an OS package item's name.
func packageKind(it *inventory.Item) catalog.Kind {
	if it.Type != inventory.Package {
		return ""
	}
	switch it.Ecosystem {
	case "deb":
		return catalog.DebPackage
	case "rpm":
		return catalog.RPMPackage
	case "apk":
		return catalog.APKPackage
	}
	return ""
}

func hostOf(s string) string {
	if !strings.Contains(s, "://") {
		s = "//" + s
	}
	u, err := url.Parse(s)
	if err != nil {
		return ""
	}
	return u.Hostname()
}

// stripEmail drops an e-mail address from "Name <mail>".
func stripEmail(s string) string {
	if i := strings.IndexByte(s, '<'); i > 0 {
		return strings.TrimSpace(s[:i])
	}
	return s
}

// subjectNames returns the O and CN of a distinguished name such as
// "CN=AO Kaspersky Lab, O=AO Kaspersky Lab, C=RU", or the whole value when
// it is a plain name, sorted and without repeats.
func subjectNames(s string) []string {
	out := catalog.SubjectNames(s)
	sort.Strings(out)
	return slices.Compact(out)
}
