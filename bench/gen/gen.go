// Package gen writes deterministic, syft-like CycloneDX 1.6 JSON SBOMs of
// a host for the benchmarks: file components with hashes, library
// components with package URLs (deb, npm, maven, pypi, golang), CPEs,
// publisher, author and supplier fields, syft properties, external
// references, a few nested components and a dependency graph, plus a small
// share of components that the embedded catalogue attributes.
//
// The same Options always give the same bytes.
package gen

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
	"strings"

	cdx "github.com/CycloneDX/cyclonedx-go"
)

// Options control the generated SBOM.
type Options struct {
	// Components is the number of components in the BOM's component tree
	// (nested ones included; the metadata subject is extra).
	Components int
	// Seed makes a different but still deterministic SBOM.
	Seed uint64
	// FileShare is the fraction of components that are files
	// (type "file", a path and two hashes). Syft's host SBOMs are mostly
	// files; the default 0.5 keeps half packages so that every package
	// URL kind is well represented.
	FileShare float64
	// RestrictedShare is the fraction of components planted so that the
	// catalogue attributes them (default 0.005).
	RestrictedShare float64
	// Pretty indents the JSON.
	Pretty bool
}

// Defaults are the options of the benchmark SBOM.
var Defaults = Options{Components: 100_000, Seed: 1, FileShare: 0.5, RestrictedShare: 0.005}

// Stats describe what was generated.
type Stats struct {
	Components int            // every component, nested included
	Files      int            // type "file"
	Packages   int            // library, application, firmware and OS components
	Nested     int            // components nested under another
	Deps       int            // dependency entries
	ByPURLType map[string]int // packages by package URL type ("" for none)
	Planted    int            // components planted to be attributed
	PlantedBy  map[string]int // planted components by template
}

// Write writes the SBOM as CycloneDX 1.6 JSON.
func Write(w io.Writer, o Options) (Stats, error) {
	bom, st := BOM(o)
	enc := cdx.NewBOMEncoder(w, cdx.BOMFileFormatJSON)
	enc.SetPretty(o.Pretty)
	enc.SetEscapeHTML(false)
	return st, enc.Encode(bom)
}

// Bytes returns the SBOM as CycloneDX 1.6 JSON.
func Bytes(o Options) ([]byte, Stats, error) {
	var buf bytes.Buffer
	st, err := Write(&buf, o)
	return buf.Bytes(), st, err
}

// BOM builds the SBOM.
func BOM(o Options) (*cdx.BOM, Stats) {
	if o.Components <= 0 {
		o.Components = Defaults.Components
	}
	g := &generator{
		o:   o,
		rng: rand.New(rand.NewPCG(o.Seed, 0x656d6261726730)),
		st:  Stats{ByPURLType: map[string]int{}, PlantedBy: map[string]int{}},
	}
	return g.bom(), g.st
}

type generator struct {
	o    Options
	rng  *rand.Rand
	st   Stats
	refs []string // bom-refs of packages, for the dependency graph
}

func (g *generator) bom() *cdx.BOM {
	bom := cdx.NewBOM()
	bom.SpecVersion = cdx.SpecVersion1_6
	bom.SerialNumber = "urn:uuid:" + g.uuid()
	bom.Metadata = &cdx.Metadata{
		Timestamp: "2026-11-26T12:00:00Z",
		Tools: &cdx.ToolsChoice{Components: &[]cdx.Component{{
			Type: cdx.ComponentTypeApplication, Author: "anchore", Name: "syft", Version: "1.57.1",
		}}},
		Component: &cdx.Component{
			BOMRef: g.hex(16), Type: cdx.ComponentTypeFile, Name: "/",
		},
	}
	n := g.o.Components
	planted := int(float64(n) * g.o.RestrictedShare)
	// Planted components are spread evenly through the document.
	every := n + 1
	if planted > 0 {
		every = n / planted
	}
	next := every / 2
	comps := make([]cdx.Component, 0, n)
	left := n
	for left > 0 {
		if n-left >= next && g.st.Planted < planted {
			comps = append(comps, g.planted())
			next += every
			left--
			continue
		}
		if g.rng.Float64() < g.o.FileShare {
			comps = append(comps, g.file(""))
			left--
			continue
		}
		c := g.pkg()
		left--
		// A few Java archives carry the archives shaded into them.
		if purlType(c.PackageURL) == "maven" && left > 4 && g.rng.IntN(100) < 3 {
			k := 1 + g.rng.IntN(3)
			nested := make([]cdx.Component, 0, k)
			for range k {
				nested = append(nested, g.maven())
				g.st.Nested++
			}
			left -= k
			c.Components = &nested
		}
		comps = append(comps, c)
	}
	bom.Components = &comps
	bom.Dependencies = g.deps()
	return bom
}

// file is a syft file component: the path as name, SHA-1 and SHA-256.
func (g *generator) file(path string) cdx.Component {
	if path == "" {
		path = g.path()
	}
	g.st.Components++
	g.st.Files++
	return cdx.Component{
		BOMRef: g.hex(16),
		Type:   cdx.ComponentTypeFile,
		Name:   path,
		Hashes: &[]cdx.Hash{
			{Algorithm: cdx.HashAlgoSHA1, Value: g.hex(40)},
			{Algorithm: cdx.HashAlgoSHA256, Value: g.hex(64)},
		},
	}
}

var dirs = []string{
	"/usr/lib/x86_64-linux-gnu", "/usr/share/doc", "/usr/share/locale/%s/LC_MESSAGES",
	"/usr/share/man/man%d", "/usr/bin", "/usr/sbin", "/etc", "/usr/share/zoneinfo/%s",
	"/root/.pyenv/versions/3.%d.4/lib/python3.%[1]d/site-packages/%s",
	"/root/.rustup/toolchains/stable-x86_64-unknown-linux-gnu/lib/rustlib/src/rust/library/%s/src",
	"/usr/lib/python3/dist-packages/%s", "/usr/share/perl5/%s", "/var/lib/dpkg/info",
	"/usr/include/%s", "/usr/lib/jvm/java-17-openjdk-amd64/lib", "/opt/google-cloud-sdk/lib/%s",
}

var exts = []string{".so.1", ".py", ".pyc", ".mo", ".gz", "", ".h", ".rs", ".conf", ".list", ".md5sums", ".jar", ".pm", ".json"}

func (g *generator) path() string {
	d := dirs[g.rng.IntN(len(dirs))]
	if strings.Contains(d, "%") {
		switch {
		case strings.Contains(d, "%d"):
			if strings.Contains(d, "%s") {
				d = fmt.Sprintf(d, 8+g.rng.IntN(5), g.word())
			} else {
				d = fmt.Sprintf(d, 1+g.rng.IntN(8))
			}
		default:
			d = fmt.Sprintf(d, g.word())
		}
	}
	depth := g.rng.IntN(3)
	var b strings.Builder
	b.WriteString(d)
	for range depth {
		b.WriteByte('/')
		b.WriteString(g.word())
	}
	b.WriteByte('/')
	b.WriteString(g.word())
	if g.rng.IntN(3) == 0 {
		b.WriteByte('_')
		b.WriteString(g.word())
	}
	b.WriteString(exts[g.rng.IntN(len(exts))])
	return b.String()
}

// pkg is a syft package component of a random ecosystem.
func (g *generator) pkg() cdx.Component {
	switch r := g.rng.IntN(100); {
	case r < 15:
		return g.deb()
	case r < 45:
		return g.npm()
	case r < 60:
		return g.maven()
	case r < 78:
		return g.pypi()
	case r < 97:
		return g.golang()
	default:
		return g.binary()
	}
}

func (g *generator) count(c *cdx.Component) {
	g.st.Components++
	g.st.Packages++
	g.st.ByPURLType[purlType(c.PackageURL)]++
	if c.BOMRef != "" {
		g.refs = append(g.refs, c.BOMRef)
	}
}

var licenses = []string{"MIT", "Apache-2.0", "BSD-3-Clause", "GPL-2.0-only", "GPL-3.0-or-later", "LGPL-2.1-or-later", "ISC", "MPL-2.0", "BSD-2-Clause", "Artistic-2.0"}

func (g *generator) licenses() *cdx.Licenses {
	k := 1 + g.rng.IntN(2)
	ls := make(cdx.Licenses, 0, k)
	for range k {
		ls = append(ls, cdx.LicenseChoice{License: &cdx.License{ID: licenses[g.rng.IntN(len(licenses))]}})
	}
	return &ls
}

func props(kv ...string) *[]cdx.Property {
	ps := make([]cdx.Property, 0, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		ps = append(ps, cdx.Property{Name: kv[i], Value: kv[i+1]})
	}
	return &ps
}

func cpe(vendor, product, version string) string {
	return "cpe:2.3:a:" + vendor + ":" + product + ":" + version + ":*:*:*:*:*:*:*"
}

func (g *generator) deb() cdx.Component {
	name := g.name(0)
	ver := g.debVersion()
	purl := "pkg:deb/debian/" + name + "@" + ver + "?arch=amd64&distro=debian-12"
	c := cdx.Component{
		BOMRef:     purl + "&package-id=" + g.hex(16),
		Type:       cdx.ComponentTypeLibrary,
		Publisher:  g.person() + " <" + g.word() + "@packages.debian.org>",
		Name:       name,
		Version:    ver,
		Licenses:   g.licenses(),
		CPE:        cpe(name, name, ver),
		PackageURL: purl,
		Properties: props(
			"syft:package:foundBy", "dpkg-db-cataloger",
			"syft:package:type", "deb",
			"syft:package:metadataType", "dpkg-db-entry",
			"syft:location:0:path", "/usr/share/doc/"+name+"/copyright",
			"syft:location:1:path", "/var/lib/dpkg/info/"+name+".md5sums",
			"syft:location:2:path", "/var/lib/dpkg/status",
			"syft:metadata:installedSize", strconv.Itoa(10+g.rng.IntN(90000)),
			"syft:metadata:source", name,
		),
	}
	g.count(&c)
	return c
}

func (g *generator) npm() cdx.Component {
	name := g.name(1)
	if g.rng.IntN(5) == 0 {
		name = "@" + g.word() + "/" + name
	}
	ver := g.semver()
	purl := "pkg:npm/" + strings.Replace(name, "@", "%40", 1) + "@" + ver
	c := cdx.Component{
		BOMRef:     purl + "?package-id=" + g.hex(16),
		Type:       cdx.ComponentTypeLibrary,
		Name:       name,
		Version:    ver,
		Licenses:   g.licenses(),
		PackageURL: purl,
		Properties: props(
			"syft:package:foundBy", "javascript-package-cataloger",
			"syft:package:language", "javascript",
			"syft:package:type", "npm",
			"syft:package:metadataType", "javascript-npm-package",
			"syft:location:0:path", "/usr/lib/node_modules/"+g.word()+"/node_modules/"+name+"/package.json",
		),
	}
	if g.rng.IntN(2) == 0 {
		c.Author = g.person() + " <" + g.word() + "@example.com>"
	}
	if g.rng.IntN(10) < 7 {
		c.CPE = cpe(strings.TrimPrefix(strings.ReplaceAll(name, "/", "\\/"), "@"), strings.TrimPrefix(name, "@"), ver)
	}
	if g.rng.IntN(10) < 4 {
		c.ExternalReferences = &[]cdx.ExternalReference{
			{URL: "https://registry.npmjs.org/" + name + "/-/" + g.word() + "-" + ver + ".tgz", Type: cdx.ERTypeDistribution,
				Hashes: &[]cdx.Hash{{Algorithm: cdx.HashAlgoSHA512, Value: g.hex(128)}}},
			{URL: "https://github.com/" + g.word() + "/" + g.word() + "#readme", Type: cdx.ERTypeWebsite},
		}
	}
	g.count(&c)
	return c
}

func (g *generator) maven() cdx.Component {
	group := "org." + g.word() + "." + g.word()
	if g.rng.IntN(4) == 0 {
		group = "com." + g.word()
	}
	name := g.name(2)
	ver := g.semver()
	purl := "pkg:maven/" + group + "/" + name + "@" + ver
	c := cdx.Component{
		BOMRef:     purl + "?package-id=" + g.hex(16),
		Type:       cdx.ComponentTypeLibrary,
		Group:      group,
		Name:       name,
		Version:    ver,
		Licenses:   g.licenses(),
		CPE:        cpe(g.word(), name, ver),
		PackageURL: purl,
		Properties: props(
			"syft:package:foundBy", "java-archive-cataloger",
			"syft:package:language", "java",
			"syft:package:type", "java-archive",
			"syft:package:metadataType", "java-archive",
			"syft:location:0:path", "/usr/share/java/"+name+"-"+ver+".jar",
			"syft:metadata:virtualPath", "/usr/share/java/"+name+"-"+ver+".jar",
			"syft:metadata:-:artifactID", name,
			"syft:metadata:-:groupID", group,
		),
	}
	if g.rng.IntN(20) == 0 {
		c.Supplier = &cdx.OrganizationalEntity{Name: "The " + strings.ToUpper(g.word()[:1]) + g.word()[1:] + " Software Foundation"}
	}
	if g.rng.IntN(10) < 3 {
		c.ExternalReferences = &[]cdx.ExternalReference{{URL: "https://" + g.word() + ".org/" + name, Type: cdx.ERTypeWebsite}}
	}
	g.count(&c)
	return c
}

func (g *generator) pypi() cdx.Component {
	name := g.name(3)
	ver := g.semver()
	purl := "pkg:pypi/" + name + "@" + ver
	c := cdx.Component{
		BOMRef:     purl + "?package-id=" + g.hex(16),
		Type:       cdx.ComponentTypeLibrary,
		Name:       name,
		Version:    ver,
		Licenses:   g.licenses(),
		CPE:        cpe("python-"+name, name, ver),
		PackageURL: purl,
		Properties: props(
			"syft:package:foundBy", "python-installed-package-cataloger",
			"syft:package:language", "python",
			"syft:package:type", "python",
			"syft:package:metadataType", "python-package",
			"syft:location:0:path", "/root/.pyenv/versions/3.11.4/lib/python3.11/site-packages/"+name+"-"+ver+".dist-info/METADATA",
			"syft:location:1:path", "/root/.pyenv/versions/3.11.4/lib/python3.11/site-packages/"+name+"-"+ver+".dist-info/RECORD",
			"syft:metadata:sitePackagesRootPath", "/root/.pyenv/versions/3.11.4/lib/python3.11/site-packages",
		),
	}
	if g.rng.IntN(10) < 6 {
		c.Author = g.person() + " <" + g.word() + "@example.org>"
	}
	if g.rng.IntN(10) < 4 {
		c.ExternalReferences = &[]cdx.ExternalReference{{URL: "https://github.com/" + g.word() + "/" + name, Type: cdx.ERTypeWebsite}}
	}
	g.count(&c)
	return c
}

func (g *generator) golang() cdx.Component {
	mod := "github.com/" + g.word() + "/" + g.name(4)
	if g.rng.IntN(4) == 0 {
		mod = "golang.org/x/" + g.word()
	}
	ver := "v" + g.semver()
	purl := "pkg:golang/" + mod + "@" + ver
	c := cdx.Component{
		BOMRef:     purl + "?package-id=" + g.hex(16),
		Type:       cdx.ComponentTypeLibrary,
		Name:       mod,
		Version:    ver,
		PackageURL: purl,
		Properties: props(
			"syft:package:foundBy", "go-module-binary-cataloger",
			"syft:package:language", "go",
			"syft:package:type", "go-module",
			"syft:package:metadataType", "go-module-buildinfo-entry",
			"syft:location:0:path", "/opt/google-cloud-sdk/bin/"+g.word(),
			"syft:metadata:goCompiledVersion", "go1.22.5",
			"syft:metadata:h1Digest", "h1:"+g.hex(43)+"=",
			"syft:metadata:mainModule", "github.com/"+g.word()+"/"+g.word(),
		),
	}
	if g.rng.IntN(10) < 5 {
		c.CPE = cpe(g.word(), path1(mod), ver[1:])
	}
	if g.rng.IntN(10) < 2 {
		c.ExternalReferences = &[]cdx.ExternalReference{{URL: "https://" + mod, Type: cdx.ERTypeVCS}}
	}
	g.count(&c)
	return c
}

func path1(mod string) string { return mod[strings.LastIndexByte(mod, '/')+1:] }

// binary is what syft's binary classifiers and PE cataloger report:
// applications without a package URL, some with a publisher.
func (g *generator) binary() cdx.Component {
	name := g.name(5)
	ver := g.semver()
	c := cdx.Component{
		BOMRef:  g.hex(16),
		Type:    cdx.ComponentTypeApplication,
		Name:    name,
		Version: ver,
		CPE:     cpe(name, name, ver),
		Properties: props(
			"syft:package:foundBy", "pe-binary-package-cataloger",
			"syft:package:type", "binary",
			"syft:package:metadataType", "pe-binary",
			"syft:location:0:path", "/root/.pyenv/versions/3.11.4/lib/python3.11/site-packages/"+g.word()+"/"+name+".exe",
		),
	}
	if g.rng.IntN(2) == 0 {
		c.Publisher = strings.ToUpper(g.word()[:1]) + g.word() + " " + []string{"Inc.", "Ltd.", "GmbH", "Software", "Foundation"}[g.rng.IntN(5)]
	}
	g.count(&c)
	return c
}

// planted returns a component that the catalogue attributes, in turn from
// each template.
func (g *generator) planted() cdx.Component {
	t := plantTemplates[g.st.Planted%len(plantTemplates)]
	g.st.Planted++
	g.st.PlantedBy[t.name]++
	c := t.make(g)
	if c.Type == cdx.ComponentTypeFile {
		return c // counted by file
	}
	g.count(&c)
	return c
}

type plantTemplate struct {
	name string
	make func(g *generator) cdx.Component
}

// plantTemplates use identifiers of catalog/data/*.yaml.
var plantTemplates = []plantTemplate{
	{"kesl-deb", func(g *generator) cdx.Component {
		name := []string{"kesl", "kesl-gui", "kesl-astra"}[g.rng.IntN(3)]
		ver := "12.1.0-" + strconv.Itoa(1000+g.rng.IntN(400))
		purl := "pkg:deb/debian/" + name + "@" + ver + "?arch=amd64&distro=debian-12"
		return cdx.Component{
			BOMRef: purl + "&package-id=" + g.hex(16), Type: cdx.ComponentTypeLibrary,
			Publisher: "AO Kaspersky Lab", Name: name, Version: ver,
			CPE: cpe(name, name, ver), PackageURL: purl,
			Properties: props(
				"syft:package:foundBy", "dpkg-db-cataloger",
				"syft:package:type", "deb",
				"syft:package:metadataType", "dpkg-db-entry",
				"syft:location:0:path", "/var/lib/dpkg/status",
			),
		}
	}},
	{"kesl-file", func(g *generator) cdx.Component {
		return g.file("/var/opt/kaspersky/kesl/" + []string{"common/kesl.ini", "private/storage/bases.dat", "install/kesl-setup.log"}[g.rng.IntN(3)])
	}},
	{"klnagent-file", func(g *generator) cdx.Component {
		return g.file("/opt/kaspersky/klnagent64/" + []string{"bin/klnagent", "lib/libklcsstd.so", "sbin/klnagent"}[g.rng.IntN(3)])
	}},
	{"kaspresso-maven", func(g *generator) cdx.Component {
		name := []string{"kaspresso", "kautomator", "adb-server-device"}[g.rng.IntN(3)]
		return g.mavenOf("com.kaspersky.android-components", name, "1.5."+strconv.Itoa(g.rng.IntN(5)))
	}},
	{"huawei-hms-maven", func(g *generator) cdx.Component {
		name := []string{"push", "base", "location", "scan", "hianalytics"}[g.rng.IntN(5)]
		return g.mavenOf("com.huawei.hms", name, "6.11.0."+strconv.Itoa(300+g.rng.IntN(3)))
	}},
	{"huawei-agconnect-maven", func(g *generator) cdx.Component {
		return g.mavenOf("com.huawei.agconnect", "agconnect-core", "1.9.1.301")
	}},
	{"tencent-opensdk-maven", func(g *generator) cdx.Component {
		return g.mavenOf("com.tencent.mm.opensdk", "wechat-sdk-android", "6.8."+strconv.Itoa(g.rng.IntN(30)))
	}},
	{"yandex-maven", func(g *generator) cdx.Component {
		if g.rng.IntN(2) == 0 {
			return g.mavenOf("com.yandex.android", "mobileads", "7."+strconv.Itoa(g.rng.IntN(9))+".0")
		}
		return g.mavenOf("io.appmetrica.analytics", "analytics", "7."+strconv.Itoa(g.rng.IntN(9))+".0")
	}},
	{"hikvision-cpe", func(g *generator) cdx.Component {
		ver := "5.7." + strconv.Itoa(g.rng.IntN(20))
		return cdx.Component{
			BOMRef: g.hex(16), Type: cdx.ComponentTypeFirmware, Name: "DS-2CD2143G2-I firmware", Version: ver,
			Publisher: "Hangzhou Hikvision Digital Technology Co., Ltd.",
			CPE:       "cpe:2.3:o:hikvision:ds-2cd2143g2-i_firmware:" + ver + ":*:*:*:*:*:*:*",
		}
	}},
	{"dahua-cpe", func(g *generator) cdx.Component {
		ver := "2.800.0000000.4.R"
		return cdx.Component{
			BOMRef: g.hex(16), Type: cdx.ComponentTypeFirmware, Name: "IPC-HDW2431T firmware", Version: ver,
			CPE: "cpe:2.3:o:dahuasecurity:ipc-hdw2431t_firmware:" + ver + ":*:*:*:*:*:*:*",
		}
	}},
	{"kaspersky-cpe", func(g *generator) cdx.Component {
		ver := "11.6.0." + strconv.Itoa(g.rng.IntN(500))
		return cdx.Component{
			BOMRef: g.hex(16), Type: cdx.ComponentTypeApplication, Name: "endpoint_security", Version: ver,
			CPE: "cpe:2.3:a:kaspersky:endpoint_security:" + ver + ":*:*:*:*:windows:*:*",
		}
	}},
	{"tiktok-publisher", func(g *generator) cdx.Component {
		return cdx.Component{
			BOMRef: g.hex(16), Type: cdx.ComponentTypeApplication, Name: "TikTok", Version: "32.5." + strconv.Itoa(g.rng.IntN(9)),
			Publisher: "TikTok Ltd.",
		}
	}},
	{"tencent-publisher", func(g *generator) cdx.Component {
		return cdx.Component{
			BOMRef: g.hex(16), Type: cdx.ComponentTypeApplication, Name: "WeChat", Version: "3.9.12." + strconv.Itoa(g.rng.IntN(60)),
			Publisher: "Tencent Technology (Shenzhen) Co., Ltd.",
		}
	}},
	{"huawei-supplier", func(g *generator) cdx.Component {
		return cdx.Component{
			BOMRef: g.hex(16), Type: cdx.ComponentTypeApplication, Name: "HiSuite", Version: "14.0.0." + strconv.Itoa(300+g.rng.IntN(99)),
			Supplier: &cdx.OrganizationalEntity{Name: "Huawei Technologies Co., Ltd."},
		}
	}},
}

func (g *generator) mavenOf(group, name, ver string) cdx.Component {
	purl := "pkg:maven/" + group + "/" + name + "@" + ver
	return cdx.Component{
		BOMRef: purl + "?package-id=" + g.hex(16), Type: cdx.ComponentTypeLibrary,
		Group: group, Name: name, Version: ver, PackageURL: purl,
		CPE: cpe(name, name, ver),
		Properties: props(
			"syft:package:foundBy", "java-archive-cataloger",
			"syft:package:language", "java",
			"syft:package:type", "java-archive",
			"syft:package:metadataType", "java-archive",
			"syft:location:0:path", "/root/app/libs/"+name+"-"+ver+".aar",
		),
	}
}

// deps gives about a quarter of the packages one to five dependencies.
func (g *generator) deps() *[]cdx.Dependency {
	if len(g.refs) < 2 {
		return nil
	}
	var out []cdx.Dependency
	for _, ref := range g.refs {
		if g.rng.IntN(4) != 0 {
			continue
		}
		k := 1 + g.rng.IntN(5)
		on := make([]string, 0, k)
		for range k {
			on = append(on, g.refs[g.rng.IntN(len(g.refs))])
		}
		out = append(out, cdx.Dependency{Ref: ref, Dependencies: &on})
	}
	g.st.Deps = len(out)
	return &out
}

// Names are drawn from per-ecosystem pools with a skew, so that common
// packages repeat as they do on a real host.
var syllables = []string{
	"lib", "core", "net", "util", "data", "json", "xml", "http", "crypt", "zip", "log", "test",
	"parse", "io", "sys", "time", "text", "term", "color", "path", "glob", "yaml", "toml", "auth",
	"cache", "proto", "grpc", "sql", "lite", "fast", "micro", "web", "kit", "tool", "gen", "sync",
	"stream", "buf", "mime", "url", "dns", "ssl", "tls", "hash", "rand", "math", "img", "font",
}

func (g *generator) word() string {
	k := 1 + g.rng.IntN(2)
	var b strings.Builder
	for range k {
		b.WriteString(syllables[g.rng.IntN(len(syllables))])
	}
	return b.String()
}

func (g *generator) name(pool int) string {
	// A power-law draw over a pool of 4000 names per ecosystem.
	i := int(4000 * g.rng.Float64() * g.rng.Float64())
	r := rand.New(rand.NewPCG(uint64(pool), uint64(i)))
	var b strings.Builder
	b.WriteString(syllables[r.IntN(len(syllables))])
	b.WriteString(syllables[r.IntN(len(syllables))])
	if r.IntN(2) == 0 {
		b.WriteByte('-')
		b.WriteString(syllables[r.IntN(len(syllables))])
	}
	return b.String()
}

func (g *generator) person() string {
	first := []string{"Alex", "Maria", "Jun", "Olga", "Sam", "Priya", "Chen", "Lars", "Ana", "Tom", "Dahua", "Yuki"}
	last := []string{"Smith", "Garcia", "Wang", "Ivanova", "Müller", "Patel", "Lin", "Berg", "Silva", "Kim", "Nakamura"}
	return first[g.rng.IntN(len(first))] + " " + last[g.rng.IntN(len(last))]
}

func (g *generator) semver() string {
	return strconv.Itoa(g.rng.IntN(12)) + "." + strconv.Itoa(g.rng.IntN(30)) + "." + strconv.Itoa(g.rng.IntN(20))
}

func (g *generator) debVersion() string {
	return strconv.Itoa(g.rng.IntN(10)) + "." + strconv.Itoa(g.rng.IntN(40)) + "-" + strconv.Itoa(1+g.rng.IntN(9)) + "+deb12u" + strconv.Itoa(g.rng.IntN(5))
}

const hexDigits = "0123456789abcdef"

func (g *generator) hex(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = hexDigits[g.rng.IntN(16)]
	}
	return string(b)
}

func (g *generator) uuid() string {
	h := g.hex(32)
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

func purlType(p string) string {
	if !strings.HasPrefix(p, "pkg:") {
		return ""
	}
	t, _, _ := strings.Cut(p[4:], "/")
	return t
}
