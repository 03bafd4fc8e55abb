// Package ipa identifies iOS and iPadOS apps from their IPA files: the
// app's bundle identifier and versions from its Info.plist, and the
// Apple Developer team that signed it, from the code signature of its
// main executable and from its provisioning profile.
//
// An IPA is a ZIP archive holding Payload/<Name>.app/. Of each app
// bundle directly in Payload/ (extensions and watch apps inside it are
// not read) this package reads:
//
//   - Info.plist, XML or binary (CFBundleIdentifier,
//     CFBundleShortVersionString, CFBundleVersion, CFBundleDisplayName,
//     CFBundleName, CFBundleExecutable; Apple's Information Property
//     List reference);
//   - embedded.mobileprovision, the provisioning profile: a CMS
//     SignedData (RFC 5652; DER or BER) whose content is a
//     property list naming the team (TeamIdentifier, TeamName,
//     Entitlements' application-identifier and
//     com.apple.developer.team-identifier), the profile's Name and
//     ExpirationDate. App Store downloads have none;
//   - the main executable's code signature: the CodeDirectory's Team ID,
//     kept when the signing certificate in its CMS blob names the same
//     team (its subject's OU), as inventory/macapp does for Mac apps.
//
// The Team ID comes from the code signature when its certificate agrees,
// else from the provisioning profile; the item's signature status says
// which. When the two name different teams the signature's is kept and an
// Unknown says so. Nothing is verified cryptographically — not Apple's
// signature on the profile, not the code signature, not the
// certificates' chain to Apple — so the team is what the file claims.
package ipa

import (
	"bytes"
	"context"
	"io"
	"path"
	"strings"

	"github.com/embargo-dev/embargo/inventory"
)

// Reader reads one IPA given as a document.
type Reader struct{}

// Name implements inventory.Reader.
func (Reader) Name() string { return "ipa-file" }

const zipMagic = "PK\x03\x04"

// Sniff implements inventory.Reader: a ZIP archive that is named *.ipa,
// or one of whose local file headers in head names an entry under
// Payload/ (Xcode and the App Store write Payload/ first).
func (Reader) Sniff(name string, head []byte) bool {
	if !bytes.HasPrefix(head, []byte(zipMagic)) {
		return false
	}
	if strings.EqualFold(path.Ext(name), ".ipa") {
		return true
	}
	for i := 0; ; {
		j := bytes.Index(head[i:], []byte(zipMagic))
		if j < 0 {
			return false
		}
		h := head[i+j:]
		if len(h) >= 30 {
			n := int(uint16(h[26]) | uint16(h[27])<<8)
			if len(h) >= 30+n && strings.HasPrefix(string(h[30:30+n]), "Payload/") {
				return true
			}
		}
		i += j + len(zipMagic)
	}
}

// Read implements inventory.Reader. The whole IPA is read into memory,
// within lim.MaxBytes.
func (Reader) Read(ctx context.Context, name string, r io.Reader, lim inventory.Limits) (*inventory.Inventory, error) {
	data, err := inventory.ReadAll(r, lim.MaxBytes)
	if err != nil {
		return nil, &inventory.InputError{Source: name, Offset: -1, Err: err}
	}
	items, unknowns, err := readIPA(ctx, name, bytes.NewReader(data), int64(len(data)), lim, name)
	if err != nil {
		return nil, err
	}
	return &inventory.Inventory{Source: name, Format: "iOS IPA", Items: items, Unknowns: unknowns}, nil
}
