package catalog

import "sort"

// Kind is a kind of identifier: what part of an inventory item it matches
// and how.
type Kind string

// Identifier kinds. KindInfo describes how each one matches.
const (
	DebPackage       Kind = "deb_package"       // exact Debian package name
	RPMPackage       Kind = "rpm_package"       // exact RPM package name
	APKPackage       Kind = "apk_package"       // exact Alpine package name
	PURLPrefix       Kind = "purl_prefix"       // package URL prefix, on segment boundaries
	CPEVendor        Kind = "cpe_vendor"        // CPE vendor, or vendor:product
	OrgName          Kind = "org_name"          // organisation name, normalised
	DisplayName      Kind = "display_name"      // glob over an application's name
	SignerSubject    Kind = "signer_subject"    // code-signing subject O or CN, normalised
	BundleID         Kind = "bundle_id"         // Apple bundle id prefix (macOS, iOS, iPadOS), on dot boundaries
	AndroidPackage   Kind = "android_package"   // Android package id prefix, on dot boundaries
	BrowserExtension Kind = "browser_extension" // exact browser extension id
	ServiceName      Kind = "service_name"      // exact service or unit name
	PathGlob         Kind = "path_glob"         // glob over a file path
	WingetID         Kind = "winget_id"         // exact winget package id
	ChocolateyID     Kind = "chocolatey_id"     // exact Chocolatey package id
	Domain           Kind = "domain"            // host name; "*.x" also matches below x
	ASN              Kind = "asn"               // autonomous system number
	ASOrg            Kind = "as_org"            // AS organisation name, normalised
	TLSInterceptCA   Kind = "tls_intercept_ca"  // subject of a TLS-interception root CA
	RegistryKey      Kind = "registry_key"      // Windows registry key, case-insensitive prefix
	ProcessName      Kind = "process_name"      // executable or module file name

	// Namespaces a publisher controls, and exact names in registries
	// where names are first come.
	NPMScope     Kind = "npm_scope"     // npm scope (@org): every package in it
	NPMPackage   Kind = "npm_package"   // exact npm package name
	PyPIProject  Kind = "pypi_project"  // exact PyPI project name, PEP 503 normalised
	GoModule     Kind = "go_module"     // Go module path prefix, on '/' boundaries
	MavenGroup   Kind = "maven_group"   // Maven groupId and groupIds below it
	NuGetPrefix  Kind = "nuget_prefix"  // reserved NuGet id prefix, on '.' boundaries
	NuGetPackage Kind = "nuget_package" // exact NuGet package id
	OCINamespace Kind = "oci_namespace" // container registry host + organisation
	HFOrg        Kind = "hf_org"        // Hugging Face organisation
	OllamaModel  Kind = "ollama_model"  // Ollama library model name
	GitHubOrg    Kind = "github_org"    // GitHub organisation

	// Signatures.
	AppleTeamID   Kind = "apple_team_id"   // Apple Developer Team ID of a code signature
	APKCertSHA256 Kind = "apk_cert_sha256" // SHA-256 of an APK signing certificate

	// Corporate e-mail domain in maintainer, author or packager fields.
	EmailDomain Kind = "email_domain"

	// Equipment on the network (issue 18).
	OUI            Kind = "oui"             // IEEE MAC address block: 6 (MA-L), 7 (MA-M) or 9 (MA-S) hex digits
	SNMPEnterprise Kind = "snmp_enterprise" // IANA Private Enterprise Number under a sysObjectID
	HTTPServer     Kind = "http_server"     // exact product token of an HTTP Server header
	TLSSubject     Kind = "tls_subject"     // exact O or CN of a device web interface's certificate

	// RebrandKind is the kind of the evidence a rebrand fact gives (a label
	// that a catalogued OEM relationship covers); it is written under
	// rebrands:, never as an identifier.
	RebrandKind Kind = "rebrand"
)

// KindInfo describes an identifier kind.
type KindInfo struct {
	Kind Kind
	// Strength is how strongly a match of this kind attributes an item,
	// 0-100, before the fact's own confidence is applied: an exact package
	// or bundle id is stronger than a signer, a signer than a publisher
	// string, a publisher than a name pattern.
	Strength int
	Doc      string
	// Basis says what makes a match of this kind evidence: who can
	// publish under the identifier, and how that is verified.
	Basis string
}

var kinds = []KindInfo{
	{DebPackage, 95, "exact Debian package name", "the package name as installed; names are not reserved, so each is checked against the supplier's own repository or documentation"},
	{RPMPackage, 95, "exact RPM package name", "the package name as installed; checked against the supplier's own repository or documentation"},
	{APKPackage, 95, "exact Alpine package name", "the package name as installed; checked against the supplier's own repository or documentation"},
	{BundleID, 95, "Apple bundle id (a macOS, iOS or iPadOS app: one namespace); matches the id and ids below it on dot boundaries", "a reverse-domain id that the App Store and notarisation tie to one developer account"},
	{AndroidPackage, 95, "Android package id; matches the id and ids below it on dot boundaries", "Google Play lets one developer account own a package id"},
	{BrowserExtension, 95, "exact browser extension id", "the store assigns the id to one publisher account"},
	{WingetID, 95, "exact winget package id", "winget manifests are reviewed against the publisher's installer"},
	{ChocolateyID, 95, "exact Chocolatey package id", "the community repository assigns the id to one package"},
	{APKCertSHA256, 98, "SHA-256 of an Android APK signing certificate, hex", "the APK's v1/v2/v3 signature verifies with this certificate: only the holder of its key can sign"},
	{AppleTeamID, 95, "Apple Developer Team ID in a code signature (TeamIdentifier)", "Apple issues a Team ID to one developer after verifying it, and the code signature binds it"},
	{NPMScope, 90, "npm scope (@org); matches every package in the scope", "only members of the npm organisation or user that owns the scope can publish in it"},
	{GoModule, 90, "Go module path prefix; matches the path and paths below it on '/' boundaries", "the go command fetches a module from its path: only the owner of that repository or domain can publish below it"},
	{MavenGroup, 90, "Maven groupId; matches the group and groups below it on '.' boundaries", "Maven Central publishes under a groupId only after the publisher proves control of its reverse domain"},
	{NuGetPrefix, 90, "reserved NuGet package id prefix; matches ids equal to it or below it on '.' boundaries", "nuget.org lets only the owner of a reserved prefix publish ids that start with it"},
	{OCINamespace, 90, "container image namespace: registry host and organisation (docker.io/org)", "only the registry account or organisation can push images below it"},
	{HFOrg, 90, "Hugging Face organisation (models, datasets, spaces)", "only members of the Hugging Face organisation can publish under it"},
	{PyPIProject, 90, "exact PyPI project name, PEP 503 normalised (case, runs of -_. folded); never a prefix", "PyPI names are first come: each name is checked to be the supplier's own project at the source"},
	{NPMPackage, 90, "exact unscoped npm package name", "npm names are first come: each name is checked to be published by the supplier's own account"},
	{NuGetPackage, 90, "exact NuGet package id", "each id is checked to be published by the supplier's own nuget.org account"},
	{PURLPrefix, 90, "package URL prefix ending on a segment boundary (pkg:maven/com.example/)", "the namespace the prefix names is checked to be the supplier's"},
	{GitHubOrg, 85, "GitHub organisation; matches pkg:github purls and Go module paths below github.com/ORG", "only members of the GitHub organisation can create repositories under it"},
	{OllamaModel, 85, "Ollama library model name, any tag (deepseek-r1:7b)", "the Ollama library (registry.ollama.ai/library) names its models after the upstream model they package"},
	{SignerSubject, 85, "code-signing certificate subject organisation or common name, normalised", "a certificate authority validated the organisation before issuing the code-signing certificate"},
	{TLSInterceptCA, 85, "subject of a root CA that a product installs to intercept TLS", "the subject the product writes into the CA it installs"},
	{CPEVendor, 80, "CPE vendor, or vendor:product, in CPE 2.2 or 2.3 form", "the NVD CPE dictionary assigns vendor names"},
	{ServiceName, 75, "exact Windows service or systemd unit name, case-insensitive", "the name the supplier's installer registers"},
	{RegistryKey, 75, "Windows registry key path, case-insensitive, the key or any key below it", "the key the supplier's installer writes"},
	{OrgName, 70, "organisation name in a publisher, supplier, manufacturer, vendor, maintainer or author field, normalised (case, punctuation, legal form)", "a self-declared name, matched whole, never as a substring"},
	{EmailDomain, 70, "corporate e-mail domain of an address in a maintainer, author or packager field; the domain or below it", "a self-declared address at the supplier's own domain; consumer mailboxes never count"},
	{ProcessName, 60, "executable or module file name, case-insensitive", "the file name the supplier ships"},
	{PathGlob, 60, "glob over a file path (* within a segment, ** across segments), case-insensitive", "the install location the supplier documents"},
	{DisplayName, 50, "glob over an application's display name, normalised; never applied to library packages", "a self-declared name"},
	{Domain, 40, "host name; a leading *. matches the domain itself and every name below it", "the supplier's registered domain"},
	{ASN, 40, "autonomous system number (AS12345)", "the regional internet registry's record of the AS holder"},
	{ASOrg, 40, "autonomous system organisation name, normalised", "the regional internet registry's record of the AS holder"},
	{OUI, 80, "IEEE MAC address block (MA-L 6, MA-M 7 or MA-S 9 hex digits); matches a MAC in any common form on its longest registered prefix; locally administered and multicast MACs never match",
		"the IEEE Registration Authority assigns each block to one registrant; a MAC can be changed, and an OEM's device carries its manufacturer's block, which is what makes it evidence of the maker"},
	{SNMPEnterprise, 80, "IANA Private Enterprise Number; matches a sysObjectID 1.3.6.1.4.1.N[.…] whose N equals it (2011 never matches 20110)",
		"IANA assigns each number to one organisation, and a device's firmware reports its maker's number as its sysObjectID; firmware can be written to report any number"},
	{HTTPServer, 50, "exact product token of an HTTP Server header (the text before '/' and the version), case-sensitive",
		"the banner the vendor's device web server sends, as documented in fingerprint databases and advisories; any server can send any banner"},
	{TLSSubject, 55, "exact subject organisation (O) or common name (CN) of a device web interface's default certificate, case folded",
		"the subject the vendor writes into the self-signed certificate its devices ship with; a self-signed certificate can name anyone"},
	{RebrandKind, 70, "a brand on an item's label that a catalogued OEM relationship ties to the manufacturer (rebrands:)",
		"a sourced fact that the brand sold the manufacturer's equipment for the models and period it states; its confidence is the fact's"},
}

var kindByName = func() map[Kind]KindInfo {
	m := make(map[Kind]KindInfo, len(kinds))
	for _, k := range kinds {
		m[k.Kind] = k
	}
	return m
}()

// Kinds lists every identifier kind, strongest first.
func Kinds() []KindInfo {
	out := append([]KindInfo(nil), kinds...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Strength > out[j].Strength })
	return out
}

// LookupKind returns the description of a kind and whether it exists.
func LookupKind(k Kind) (KindInfo, bool) {
	info, ok := kindByName[k]
	return info, ok
}

// Identifier is one way a supplier's software can be recognised.
type Identifier struct {
	Kind  Kind   `json:"kind" yaml:"kind"`
	Value string `json:"value" yaml:"value"`
	// Values, instead of Value, lists exact values that share one source
	// (the projects a supplier publishes). Loading expands them into one
	// identifier each; Group then points at the identifier as written.
	Values []string `json:"values,omitempty" yaml:"values"`
	// Tier, when set, overrides the product's tier for matches of this
	// identifier (a hosting network of an entity, say).
	Tier Tier `json:"tier,omitempty" yaml:"tier"`
	// Match and NoMatch are examples of field values that must and must
	// not be attributed by this identifier; the tests check both.
	Match   []string `json:"match,omitempty" yaml:"match"`
	NoMatch []string `json:"nomatch,omitempty" yaml:"nomatch"`
	Fact    `yaml:",inline"`

	// Set when loading: the owner of the identifier. Product is nil for
	// an identifier of the entity as a whole.
	Product *Product `json:"-" yaml:"-"`
	Entity  *Entity  `json:"-" yaml:"-"`
	// FromName is set on the identifiers made from an entity's names: the
	// kind of name (aliases match only organisation fields).
	FromName NameKind `json:"-" yaml:"-"`
	// PersonName is set on a name identifier whose name is also a
	// person's name: it is not matched in person fields.
	PersonName bool `json:"-" yaml:"-"`
	// Group is the identifier as written when this one was expanded from
	// its Values; nil otherwise.
	Group *Identifier `json:"-" yaml:"-"`
	// Local is set on an identifier a local file defines (WithLocal),
	// and on the names of a local entity.
	Local bool `json:"local,omitempty" yaml:"-"`
}

// Origin is the identifier as written in the catalogue: the group it was
// expanded from, or itself.
func (id *Identifier) Origin() *Identifier {
	if id.Group != nil {
		return id.Group
	}
	return id
}

// TierOf is the tier a match of id gives: its own or its product's; ""
// for an identifier of an entity as a whole that says none, whose tier
// depends on what the item is.
func (id *Identifier) TierOf() Tier {
	switch {
	case id.Tier != "":
		return id.Tier
	case id.Product != nil:
		return id.Product.Tier
	}
	return ""
}
