package ipa

import (
	"context"
	"fmt"
	"path"
	"strings"

	"github.com/embargo-dev/embargo/inventory"
)

// Collector finds the IPA files of a target (*.ipa: a download folder,
// an iTunes or Apple Configurator library, a build server's output) and
// identifies the apps in each by content, as Reader does.
type Collector struct{}

// Name implements inventory.Collector.
func (Collector) Name() string { return "ios-ipa" }

// Tags implements inventory.Collector.
func (Collector) Tags() []string { return []string{"ios", "application", "signer"} }

// Requirements implements inventory.Collector: files only.
func (Collector) Requirements() inventory.Requirements { return inventory.Requirements{} }

// Wants implements inventory.Collector.
func (Collector) Wants(p string) bool { return strings.EqualFold(path.Ext(p), ".ipa") }

// Collect implements inventory.Collector. The archive is read at offsets,
// never whole.
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
	items, unknowns, err := readIPA(ctx, name, ra, size, lim, "/"+f.Path)
	if err != nil {
		return nil, nil, err
	}
	for i := range items {
		items[i].Location.Host = t.Host
	}
	return items, unknowns, nil
}
