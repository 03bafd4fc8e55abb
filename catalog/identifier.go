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
	WindowsPublisher Kind = "windows_publisher" // organisation name, normalised
	DisplayName      Kind = "display_name"      // glob over an application's name
	SignerSubject    Kind = "signer_subject"    // code-signing subject O or CN, normalised
	BundleID         Kind = "bundle_id"         // macOS bundle id prefix, on dot boundaries
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
}

var kinds = []KindInfo{
	{DebPackage, 95, "exact Debian package name"},
	{RPMPackage, 95, "exact RPM package name"},
	{APKPackage, 95, "exact Alpine package name"},
	{BundleID, 95, "macOS bundle id; matches the id and ids below it on dot boundaries"},
	{AndroidPackage, 95, "Android package id; matches the id and ids below it on dot boundaries"},
	{BrowserExtension, 95, "exact browser extension id"},
	{WingetID, 95, "exact winget package id"},
	{ChocolateyID, 95, "exact Chocolatey package id"},
	{PURLPrefix, 90, "package URL prefix ending on a segment boundary (pkg:maven/com.example/)"},
	{SignerSubject, 85, "code-signing certificate subject organisation or common name, normalised"},
	{TLSInterceptCA, 85, "subject of a root CA that a product installs to intercept TLS"},
	{CPEVendor, 80, "CPE vendor, or vendor:product, in CPE 2.2 or 2.3 form"},
	{ServiceName, 75, "exact Windows service or systemd unit name, case-insensitive"},
	{RegistryKey, 75, "Windows registry key path, case-insensitive, the key or any key below it"},
	{WindowsPublisher, 70, "publisher or supplier organisation name, normalised (case, punctuation, legal form)"},
	{ProcessName, 60, "executable or module file name, case-insensitive"},
	{PathGlob, 60, "glob over a file path (* within a segment, ** across segments), case-insensitive"},
	{DisplayName, 50, "glob over an application's display name, normalised; never applied to library packages"},
	{Domain, 40, "host name; a leading *. also matches every name below it"},
	{ASN, 40, "autonomous system number (AS12345)"},
	{ASOrg, 40, "autonomous system organisation name, normalised"},
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
}
