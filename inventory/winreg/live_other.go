//go:build !windows

package winreg

import (
	"context"

	"github.com/embargo-dev/embargo/inventory"
)

// Live reads the running system's registry. Only Windows has one: on
// other systems it wants no file and finds nothing.
type Live struct{}

// Name implements inventory.Collector.
func (Live) Name() string { return "winreg-live" }

// Tags implements inventory.Collector.
func (Live) Tags() []string { return []string{"windows", "registry", "service"} }

// Requirements implements inventory.Collector.
func (Live) Requirements() inventory.Requirements {
	return inventory.Requirements{LiveOnly: true, OS: "windows"}
}

// Wants implements inventory.Collector.
func (Live) Wants(string) bool { return false }

// Collect implements inventory.Collector.
func (Live) Collect(context.Context, *inventory.Target, inventory.TargetFile, inventory.Limits) ([]inventory.Item, []inventory.Unknown, error) {
	return nil, nil, nil
}

// inUse reports whether opening a file failed because another process
// holds it; only Windows locks files so.
func inUse(error) bool { return false }
