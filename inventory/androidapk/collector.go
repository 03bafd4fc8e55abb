package androidapk

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/embargo-dev/embargo/inventory"
	"github.com/embargo-dev/embargo/inventory/internal/zipapp"
)

// Collector finds the APK files of a target (*.apk, wherever they lie:
// a download folder, a backup, an emulator image, an app store cache)
// and identifies each by its content, as Reader does.
type Collector struct{}

// Name implements inventory.Collector ("apk" is Alpine's package
// database).
func (Collector) Name() string { return "android-apk" }

// Tags implements inventory.Collector.
func (Collector) Tags() []string { return []string{"android", "application", "signer"} }

// Requirements implements inventory.Collector: files only.
func (Collector) Requirements() inventory.Requirements { return inventory.Requirements{} }

// Wants implements inventory.Collector.
func (Collector) Wants(p string) bool { return strings.EqualFold(path.Ext(p), ".apk") }

// Collect implements inventory.Collector. The archive is read at offsets,
// never whole. An Alpine package (a gzip stream, or apk v3's "ADB"
// format) is no Android app and is passed over; any other *.apk that is
// not an APK is an error naming it.
func (Collector) Collect(ctx context.Context, t *inventory.Target, f inventory.TargetFile, lim inventory.Limits) ([]inventory.Item, []inventory.Unknown, error) {
	return zipapp.Collect(ctx, t, f, lim, readFound)
}

// readFound reads a *.apk file found on a target, passing over an Alpine
// package.
func readFound(ctx context.Context, name string, ra io.ReaderAt, size int64, lim inventory.Limits, filePath string) ([]inventory.Item, []inventory.Unknown, error) {
	magic := make([]byte, 4)
	if _, err := ra.ReadAt(magic, 0); err != nil {
		return nil, nil, &inventory.InputError{Source: name, Offset: 0, Err: fmt.Errorf("not an APK: %w", err)}
	}
	if bytes.HasPrefix(magic, []byte{0x1f, 0x8b}) || bytes.HasPrefix(magic, []byte("ADB")) {
		return nil, nil, nil // an Alpine package (v2 gzip, v3 ADB)
	}
	return readAPK(ctx, name, ra, size, lim, filePath)
}
