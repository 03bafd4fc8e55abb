package ipa

import (
	"context"
	"path"
	"strings"

	"github.com/embargo-dev/embargo/inventory"
	"github.com/embargo-dev/embargo/inventory/internal/zipapp"
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
	return zipapp.Collect(ctx, t, f, lim, readIPA)
}
