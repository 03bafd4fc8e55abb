package dpkg

import (
	"context"
	"strings"

	"github.com/embargo-dev/embargo/inventory"
)

// Collector reads the dpkg database of a target: var/lib/dpkg/status and
// the status.d fragments that distroless images carry.
type Collector struct{}

// Name implements inventory.Collector.
func (Collector) Name() string { return "dpkg" }

// Tags implements inventory.Collector.
func (Collector) Tags() []string { return []string{"linux", "package", "debian"} }

// Requirements implements inventory.Collector: files only.
func (Collector) Requirements() inventory.Requirements { return inventory.Requirements{} }

// Wants implements inventory.Collector.
func (Collector) Wants(p string) bool {
	return p == "var/lib/dpkg/status" || strings.HasPrefix(p, "var/lib/dpkg/status.d/") && !strings.HasSuffix(p, ".md5sums")
}

// Collect implements inventory.Collector.
func (Collector) Collect(ctx context.Context, t *inventory.Target, f inventory.TargetFile, lim inventory.Limits) ([]inventory.Item, []inventory.Unknown, error) {
	return t.CollectWith(ctx, f, lim, Reader{}.Read)
}
