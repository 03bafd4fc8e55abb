package inventory

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
)

// Field names an attribute of an item that attribution can use.
type Field string

// Fields that sources fill in. Organisation fields hold a company;
// person fields may hold a person's name and are matched only against
// legal names.
const (
	PURL         Field = "purl"
	CPE          Field = "cpe"
	Publisher    Field = "publisher"    // organisation: Windows ARP publisher, SBOM publisher
	Supplier     Field = "supplier"     // organisation: SBOM supplier
	Manufacturer Field = "manufacturer" // organisation: SBOM manufacturer
	Signer       Field = "signer"       // organisation: code-signing subject
	Author       Field = "author"       // person or organisation
	Maintainer   Field = "maintainer"   // person or organisation
	BundleID     Field = "bundle_id"
	AndroidID    Field = "android_package"
	ExtensionID  Field = "extension_id"
	Service      Field = "service"
	Path         Field = "path"
	URL          Field = "url"
	RegistryKey  Field = "registry_key"
	WingetID     Field = "winget_id"
	ChocolateyID Field = "chocolatey_id"

	// Executable files (inventory/pe): the version resource and the
	// Authenticode signature beside Signer, one group per signature.
	OriginalFilename Field = "original_filename" // version resource OriginalFilename
	FileDescription  Field = "file_description"  // version resource FileDescription
	SignerIssuer     Field = "signer_issuer"     // issuer DN of the signer certificate
	SignerSerial     Field = "signer_serial"     // serial number of the signer certificate, hex
	SignerValidity   Field = "signer_validity"   // notBefore/notAfter, an ISO 8601 interval
	SignatureStatus  Field = "signature_status"  // verdict on the signature (inventory/pe.Status)

	// Certificates in trust stores (inventory/trustca).
	CASubject Field = "ca_subject" // subject or issuer DN of a trusted CA certificate

	// Packager is the person or organisation that built a package (RPM
	// Packager): a person field, like Maintainer.
	Packager Field = "packager"
	// Signatures of Apple and Android code.
	TeamID    Field = "team_id"           // Apple Developer Team ID of a code signature
	APKSigner Field = "apk_signer_sha256" // SHA-256 of an APK signing certificate, hex
	// The same certificate's SHA-1, lower-case hex: what the Android
	// Management API reports (signingKeyCertFingerprints), so that its
	// reports and APK files meet.
	APKSignerSHA1 Field = "apk_signer_sha1"
	// Android app facts a device manager reports: the APK file's SHA-256
	// (AMAPI packageSha256Hash), the package that installed the app
	// (com.android.vending, com.huawei.appmarket) and where the app came
	// from (AMAPI applicationSource).
	PackageSHA256 Field = "package_sha256"
	Installer     Field = "installer_package"
	AppSource     Field = "app_source"
	// Equipment on the network (issue 18): what a device says of itself
	// or what a network inventory says of it. MAC is the address in
	// lower-case colon form (00:11:22:33:44:55), IP an address literal;
	// MACVendor is the organisation a MAC's IEEE assignment names (as the
	// registry or a scanner prints it: an organisation field);
	// DeviceModel, Serial and Firmware are the device's own; SNMPObjectID
	// is its sysObjectID (dotted, no leading dot) and SNMPDescr its sysDescr;
	// HTTPServer an HTTP Server header, TLSSubject the subject of its web
	// interface's certificate; Site where it stands (an asset register's
	// location).
	MAC          Field = "mac"
	IP           Field = "ip"
	MACVendor    Field = "mac_vendor"
	DeviceModel  Field = "model"
	Serial       Field = "serial"
	Firmware     Field = "firmware"
	SNMPObjectID Field = "snmp_sysobjectid"
	SNMPDescr    Field = "snmp_sysdescr"
	HTTPServer   Field = "http_server"
	TLSSubject   Field = "tls_subject"
	Site         Field = "site"
	// Acquired is when the equipment was bought or installed (an asset
	// register's date), YYYY-MM-DD, YYYY-MM or YYYY: a rebrand fact's
	// period is checked against it.
	Acquired Field = "acquired"
	// DHCPVendorClass is the vendor class a device's DHCP client sends
	// (option 60: "udhcp 1.36.1", "HUAWEI:android"); LLDPDescription is
	// the system description an LLDP neighbour gives (CDP's Version
	// text).
	DHCPVendorClass Field = "dhcp_vendor_class"
	LLDPDescription Field = "lldp_system_description"
	// What network scanners and asset registers say of a device: a DNS
	// or given name, a device type (Nmap's "webcam", "router"; a
	// register's category), an asset tag, a service's OS type and the
	// best OS match ("name (accuracy%)"), a service's product line as
	// Nmap's VERSION column prints it, a web page's title, and the SNMP
	// engine's enterprise.
	Hostname       Field = "hostname"
	DeviceType     Field = "device_type"
	AssetTag       Field = "asset_tag"
	OS             Field = "os"
	OSMatch        Field = "os_match"
	ServiceProduct Field = "service_product"
	HTTPTitle      Field = "http_title"
	SNMPEnterprise Field = "snmp_enterprise"
	// MDNSService is a DNS-SD service type a device advertises over
	// mDNS ("_hikvision._tcp" would be one, if it existed; "_http._tcp"),
	// without the ".local." domain.
	MDNSService Field = "mdns_service"
	// Tag is one label a user gave the item in its source (an asset
	// register's Tags column): packs read them as item.tags, e.g. to
	// claim an exception such as s889-no-user-data. One attribute per
	// tag.
	Tag Field = "tags"
	// Image is a container image reference (registry/org/name:tag).
	Image Field = "image"
	// AI models: a Hugging Face repository id (org/name) and an Ollama
	// model reference (name:tag).
	ModelRepo   Field = "model_repo"
	OllamaModel Field = "ollama_model"
)

// Attr is one raw attribute of an item.
type Attr struct {
	Field Field  `json:"field"`
	Value string `json:"value"`
}

// Type says what sort of thing an item is. Name patterns are applied to
// applications only, never to library packages.
type Type string

// Item types.
const (
	Application Type = "application" // an installed program, an app bundle
	Package     Type = "package"     // an OS package (deb, rpm, apk)
	Library     Type = "library"     // a language-ecosystem dependency
	Extension   Type = "extension"   // a browser extension
	File        Type = "file"
	Device      Type = "device"      // hardware or firmware
	Certificate Type = "certificate" // a CA certificate in a trust store
	Model       Type = "model"       // machine-learning model weights
	Other       Type = "other"
)

// Location says where an item was found: the input, and where within it.
type Location struct {
	Source string `json:"source"`           // file or target as the user named it
	Ref    string `json:"ref,omitempty"`    // position inside: JSON pointer, bom-ref, table
	Line   int    `json:"line,omitempty"`   // 1-based line when the input is line-oriented
	Offset int64  `json:"offset,omitempty"` // byte offset when known
	Host   string `json:"host,omitempty"`   // host the item was seen on
	Reader string `json:"reader,omitempty"` // reader that produced it
}

func (l Location) String() string {
	s := l.Source
	if l.Line > 0 {
		s += fmt.Sprintf(":%d", l.Line)
	}
	if l.Ref != "" {
		s += " " + l.Ref
	}
	return s
}

// Item is one piece of software found in an inventory.
type Item struct {
	ID        string   `json:"id"`
	Type      Type     `json:"type"`
	Ecosystem string   `json:"ecosystem,omitempty"` // deb, rpm, apk, npm, maven, windows, macos, chrome, ...
	Name      string   `json:"name"`
	Version   string   `json:"version,omitempty"`
	Location  Location `json:"location"`
	Attrs     []Attr   `json:"attributes,omitempty"`
	// DependencyPath is how the item came to be there when it is a
	// dependency: the top-level component first, down to the one that
	// pulled the item in (not the item itself). Empty for a top-level
	// item or when the source gives no graph.
	DependencyPath []string `json:"dependency_path,omitempty"`
	// Index is the item's position among the items its source produced,
	// which writers that return the input document use to find it again.
	Index int `json:"-"`
}

// Get returns the first value of field f, or "".
func (it *Item) Get(f Field) string {
	for _, a := range it.Attrs {
		if a.Field == f {
			return a.Value
		}
	}
	return ""
}

// Add appends an attribute when its value is not empty.
func (it *Item) Add(f Field, v string) {
	if v != "" {
		it.Attrs = append(it.Attrs, Attr{f, v})
	}
}

// Identifiable reports whether the item has anything attribution can use.
func (it *Item) Identifiable() bool { return it.Name != "" || len(it.Attrs) > 0 }

// SetID gives the item an id that is stable across runs: a digest of
// where it was found and what it is.
func (it *Item) SetID() {
	// Built in one buffer rather than with fmt: a 100,000-component SBOM
	// sets 100,000 ids.
	var stack [512]byte
	b := append(stack[:0], it.Location.Host...)
	for _, s := range [...]string{it.Location.Source, it.Location.Ref, string(it.Type), it.Name, it.Version} {
		b = append(append(b, 0), s...)
	}
	// Where on the host it lives tells apart two copies of one program
	// (two browser profiles, the 32- and 64-bit registry views).
	for _, a := range it.Attrs {
		switch a.Field {
		case PURL, Path, ExtensionID, BundleID, RegistryKey, Service:
			b = append(append(append(append(b, 0), a.Field...), '='), a.Value...)
		}
	}
	sum := sha256.Sum256(b)
	it.ID = "I-" + hex.EncodeToString(sum[:6])
}
