package apk

import (
	"context"

	"github.com/embargo-dev/embargo/inventory"
)

// Collector reads the apk installed database of a target.
type Collector struct{}

// Name implements inventory.Collector.
func (Collector) Name() string { return "apk" }

// Tags implements inventory.Collector.
func (Collector) Tags() []string { return []string{"linux", "package", "alpine"} }

// Requirements implements inventory.Collector: files only.
func (Collector) Requirements() inventory.Requirements { return inventory.Requirements{} }

// Wants implements inventory.Collector: Alpine's database, and the /usr
// one of merged-/usr systems (where lib is a symbolic link, which the
// walk does not follow: one copy is read).
func (Collector) Wants(p string) bool {
	return p == "lib/apk/db/installed" || p == "usr/lib/apk/db/installed"
}

// Collect implements inventory.Collector.
func (Collector) Collect(ctx context.Context, t *inventory.Target, f inventory.TargetFile, lim inventory.Limits) ([]inventory.Item, []inventory.Unknown, error) {
	return t.CollectWith(ctx, f, lim, Read)
}
