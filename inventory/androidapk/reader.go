// Package androidapk identifies an Android app from its APK file: the
// package name and versions that its compiled AndroidManifest.xml
// declares, and the certificates it is signed with. A renamed APK
// (holiday-photos.jpg) is known by its content.
//
// An APK is a ZIP archive. The manifest is Android's binary XML, read as
// AOSP's libs/androidfw/include/androidfw/ResourceTypes.h lays it out:
// the manifest element's package, android:versionCode (with
// android:versionCodeMajor as its high 32 bits) and android:versionName,
// and the application element's android:label. A versionName or label
// that is a resource reference is not resolved (resources.arsc is not
// read): the label is then left out and the versionName kept as the
// reference ("@0x7f0e0001"), with an Unknown saying so.
//
// The signers are read from the APK Signing Block before the central
// directory — the APK Signature Scheme v2 block (ID 0x7109871a,
// source.android.com/docs/security/features/apksigning/v2), the v3
// block (0xf05368c0, .../apksigning/v3) with its proof-of-rotation
// lineage, and the v3.1 block (0x1b93ad61) — and from the JAR (v1)
// signature block files META-INF/*.RSA, *.DSA and *.EC (PKCS#7
// SignedData). Each certificate becomes its SHA-256 and SHA-1 over its
// DER bytes, the digests `apksigner verify --print-certs` prints, and the
// subject's organisation (or common name) as the signer.
//
// Nothing is verified cryptographically: neither the signatures nor the
// digests of the APK's contents are checked, so a signer's digest is a
// claim the file makes and the package name what its manifest says. What
// is checked is that the scheme blocks parse and that the schemes name
// the same certificates (the v3 signer may differ from the older schemes'
// when its proof-of-rotation lists theirs); when they do not, every
// certificate is kept and an Unknown says so.
package androidapk

import (
	"context"
	"fmt"
	"io"

	"github.com/embargo-dev/embargo/inventory"
	"github.com/embargo-dev/embargo/inventory/internal/zipapp"
)

// Reader reads one APK given as a document.
type Reader struct{}

// Name implements inventory.Reader.
func (Reader) Name() string { return "apk-file" }

// Sniff implements inventory.Reader: a ZIP archive that is named *.apk,
// or that has, among the local file headers in head, one of the entries
// only an APK holds (AndroidManifest.xml, classes.dex, resources.arsc;
// aapt and the Android build write AndroidManifest.xml first). Alpine's
// *.apk packages are gzip streams, not ZIP archives.
func (Reader) Sniff(name string, head []byte) bool {
	return zipapp.Sniff(name, head, ".apk", func(entry string) bool {
		return entry == manifestName || entry == "classes.dex" || entry == "resources.arsc"
	})
}

// Read implements inventory.Reader. The whole APK is read into memory,
// within lim.MaxBytes.
func (Reader) Read(ctx context.Context, name string, r io.Reader, lim inventory.Limits) (*inventory.Inventory, error) {
	items, unknowns, err := zipapp.Read(ctx, name, r, lim, readAPK)
	if err != nil {
		return nil, err
	}
	if len(items) > lim.MaxItems {
		return nil, &inventory.InputError{Source: name, Offset: -1, Err: errItemLimit(lim)}
	}
	return &inventory.Inventory{Source: name, Format: "Android APK", Items: items, Unknowns: unknowns}, nil
}

// errItemLimit is the error of an input with more items than allowed.
func errItemLimit(lim inventory.Limits) error {
	return fmt.Errorf("more than %d items (the item limit)", lim.MaxItems)
}
