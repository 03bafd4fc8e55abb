package androidapk

import (
	"bytes"
	"context"
	"fmt"
	"path"
	"strings"

	"github.com/embargo-dev/embargo/inventory"
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
	name := t.Display(f.Path)
	ra, size, err := t.OpenAt(f.Path)
	if err != nil {
		return nil, nil, err
	}
	defer ra.Close()
	if size > lim.MaxBytes {
		return nil, nil, &inventory.InputError{Source: name, Offset: -1, Err: fmt.Errorf("%w: %d bytes", inventory.ErrTooLarge, size)}
	}
	magic := make([]byte, 4)
	if _, err := ra.ReadAt(magic, 0); err != nil {
		return nil, nil, &inventory.InputError{Source: name, Offset: 0, Err: fmt.Errorf("not an APK: %w", err)}
	}
	if bytes.HasPrefix(magic, []byte{0x1f, 0x8b}) || bytes.HasPrefix(magic, []byte("ADB")) {
		return nil, nil, nil // an Alpine package (v2 gzip, v3 ADB)
	}
	items, unknowns, err := readAPK(ctx, name, ra, size, lim, "/"+f.Path)
	if err != nil {
		return nil, nil, err
	}
	for i := range items {
		items[i].Location.Host = t.Host
	}
	return items, unknowns, nil
}
