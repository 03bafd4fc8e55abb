package spdx

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/spdx/tools-golang/spdx"

	"github.com/embargo-dev/embargo/inventory"
)

// collect turns every package and file of the document into an item, or
// an unknown when it has nothing to attribute it by or breaks a limit.
// lines maps SPDX identifiers to the line they are declared on (tag-value
// only; nil for JSON).
func collect(ctx context.Context, inv *inventory.Inventory, doc *spdx.Document, lines map[string]int, lim inventory.Limits) error {
	n := 0 // elements walked: packages, then files
	pre := len(inv.Unknowns)
	add := func(it inventory.Item, ref string) error {
		if n%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		// elements that did not decode count towards the limit too
		if n+pre >= lim.MaxItems {
			return &inventory.InputError{Source: inv.Source, Offset: -1, Err: fmt.Errorf("more than %d packages and files (the item limit)", lim.MaxItems)}
		}
		it.Location = inventory.Location{Source: inv.Source, Ref: ref, Line: lines[ref], Reader: "spdx"}
		it.Index = n
		n++
		if reason := inventory.CheckItem(&it, lim); reason != "" {
			inv.Unknowns = append(inv.Unknowns, inventory.Unknown{Location: it.Location, Name: inventory.Clip(it.Name), Reason: reason})
			return nil
		}
		it.SetID()
		inv.Items = append(inv.Items, it)
		return nil
	}
	seen := map[string]bool{}
	var files []*spdx.File
	for i, p := range doc.Packages {
		if p == nil {
			continue
		}
		if err := add(packageItem(p), ref(string(p.PackageSPDXIdentifier), "packages", i)); err != nil {
			return err
		}
		files = append(files, p.Files...)
	}
	for i, f := range slices.Concat(doc.Files, files) {
		if f == nil {
			continue
		}
		r := ref(string(f.FileSPDXIdentifier), "files", i)
		if seen[r] {
			continue
		}
		seen[r] = true
		it := inventory.Item{Type: inventory.File, Name: f.FileName}
		it.Add(inventory.Path, f.FileName)
		if err := add(it, r); err != nil {
			return err
		}
	}
	dependencyPaths(doc, inv.Items)
	return nil
}

// ref is an element's SPDX identifier, or its position when it has none.
func ref(id, kind string, i int) string {
	if id == "" {
		return fmt.Sprintf("/%s/%d", kind, i)
	}
	return "SPDXRef-" + id
}

func packageItem(p *spdx.Package) inventory.Item {
	it := inventory.Item{Name: p.PackageName, Version: p.PackageVersion}
	for _, r := range p.PackageExternalReferences {
		if r == nil {
			continue
		}
		switch r.RefType {
		case "purl":
			it.Add(inventory.PURL, strings.TrimSpace(r.Locator))
		case "cpe22Type", "cpe23Type":
			it.Add(inventory.CPE, strings.TrimSpace(r.Locator))
		}
	}
	if s := p.PackageSupplier; s != nil {
		addParty(&it, s.SupplierType, s.Supplier, inventory.Supplier)
	}
	if o := p.PackageOriginator; o != nil {
		addParty(&it, o.OriginatorType, o.Originator, inventory.Manufacturer)
	}
	for _, loc := range []string{p.PackageDownloadLocation, p.PackageHomePage} {
		if hasHost(loc) {
			it.Add(inventory.URL, strings.TrimSpace(loc))
		}
	}
	it.Ecosystem = purlType(it.Get(inventory.PURL))
	it.Type = itemType(it.Ecosystem, p.PrimaryPackagePurpose)
	return it
}

// addParty adds a supplier or originator: an organisation under org, a
// person (or a party of any other type) as an author. NOASSERTION and
// NONE say nothing.
func addParty(it *inventory.Item, typ, name string, org inventory.Field) {
	name = stripContact(name)
	switch strings.ToUpper(name) {
	case "", "NOASSERTION", "NONE":
		return
	}
	if strings.EqualFold(strings.TrimSpace(typ), "Organization") {
		it.Add(org, name)
	} else {
		it.Add(inventory.Author, name)
	}
}

// stripContact drops the "(email)" that SPDX allows after a person's or
// organisation's name: "Organization: ExampleCodeInspect (contact@example.com)".
func stripContact(s string) string {
	s = strings.TrimSpace(s)
	if !strings.HasSuffix(s, ")") {
		return s
	}
	i := strings.LastIndex(s, "(")
	if i < 0 {
		return s
	}
	if inner := s[i+1 : len(s)-1]; inner == "" || strings.Contains(inner, "@") {
		return strings.TrimSpace(s[:i])
	}
	return s
}

// hasHost reports whether a download location or home page is a URL with
// a host (not NOASSERTION, NONE or a bare path).
func hasHost(s string) bool {
	s = strings.TrimSpace(s)
	if !strings.Contains(s, "://") {
		return false
	}
	u, err := url.Parse(s)
	return err == nil && u.Hostname() != ""
}

// osTypes are purl types of operating-system packages; langTypes those of
// language ecosystems.
var (
	osTypes   = map[string]bool{"deb": true, "rpm": true, "apk": true, "alpm": true, "ebuild": true}
	langTypes = map[string]bool{
		"npm": true, "maven": true, "pypi": true, "golang": true, "cargo": true, "gem": true,
		"nuget": true, "composer": true, "hex": true, "pub": true, "cocoapods": true, "swift": true,
		"conan": true, "conda": true, "cran": true, "hackage": true, "cpan": true, "luarocks": true,
		"opam": true, "julia": true, "bower": true, "clojars": true,
	}
)

func itemType(purlType, purpose string) inventory.Type {
	switch {
	case osTypes[purlType]:
		return inventory.Package
	case langTypes[purlType]:
		return inventory.Library
	}
	switch strings.ToUpper(strings.ReplaceAll(purpose, "_", "-")) {
	case "APPLICATION", "OPERATING-SYSTEM", "INSTALL", "CONTAINER":
		return inventory.Application
	case "DEVICE", "FIRMWARE":
		return inventory.Device
	case "LIBRARY", "FRAMEWORK":
		return inventory.Library
	case "FILE":
		return inventory.File
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
