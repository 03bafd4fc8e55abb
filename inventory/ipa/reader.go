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
	"context"
	"io"
	"strings"

	"github.com/embargo-dev/embargo/inventory"
	"github.com/embargo-dev/embargo/inventory/internal/zipapp"
)

// Reader reads one IPA given as a document.
type Reader struct{}

// Name implements inventory.Reader.
func (Reader) Name() string { return "ipa-file" }

// Sniff implements inventory.Reader: a ZIP archive that is named *.ipa,
// or one of whose local file headers in head names an entry under
// Payload/ (Xcode and the App Store write Payload/ first).
func (Reader) Sniff(name string, head []byte) bool {
	return zipapp.Sniff(name, head, ".ipa", func(entry string) bool { return strings.HasPrefix(entry, "Payload/") })
}

// Read implements inventory.Reader. The whole IPA is read into memory,
// within lim.MaxBytes.
func (Reader) Read(ctx context.Context, name string, r io.Reader, lim inventory.Limits) (*inventory.Inventory, error) {
	items, unknowns, err := zipapp.Read(ctx, name, r, lim, readIPA)
	if err != nil {
		return nil, err
	}
	return &inventory.Inventory{Source: name, Format: "iOS IPA", Items: items, Unknowns: unknowns}, nil
}
