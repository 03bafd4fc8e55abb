// Package services finds the systemd services of a Linux target: the
// *.service unit files in the folders systemd loads units from, with the
// program each one starts. Windows services come from the registry's
// SYSTEM hive, read by the registry collector, not from here.
//
// Not read: drop-in overrides (foo.service.d/*.conf, which may replace
// ExecStart=) and units generated at boot; symbolic links (enablement
// links in *.wants/, aliases, units masked to /dev/null) are not followed
// by the walk, so each unit is reported once, from its file.
package services

import (
	"context"
	"strings"

	"github.com/embargo-dev/embargo/inventory"
)

// Collector reads systemd service units.
type Collector struct{}

// Name implements inventory.Collector.
func (Collector) Name() string { return "systemd" }

// Tags implements inventory.Collector.
func (Collector) Tags() []string { return []string{"linux", "service"} }

// Requirements implements inventory.Collector: files only.
func (Collector) Requirements() inventory.Requirements { return inventory.Requirements{} }

// unitDirs are systemd's system and user unit search paths
// (systemd.unit(5)), relative to the root. /lib is /usr/lib on merged-/usr
// systems, a link the walk does not follow, so no unit is seen twice.
var unitDirs = []string{
	"etc/systemd/system/",
	"run/systemd/system/",
	"usr/local/lib/systemd/system/",
	"usr/lib/systemd/system/",
	"lib/systemd/system/",
	"etc/systemd/user/",
	"usr/lib/systemd/user/",
	"lib/systemd/user/",
}

// Wants implements inventory.Collector: *.service directly in a unit
// folder, or in a user's ~/.config/systemd/user.
func (Collector) Wants(p string) bool {
	if !strings.HasSuffix(p, ".service") {
		return false
	}
	slash := strings.LastIndexByte(p, '/')
	if slash < 0 {
		return false
	}
	dir := p[:slash+1]
	for _, d := range unitDirs {
		if dir == d {
			return true
		}
	}
	if rest, ok := strings.CutPrefix(dir, "root/"); ok {
		return rest == ".config/systemd/user/"
	}
	if rest, ok := strings.CutPrefix(dir, "home/"); ok {
		user, sub, _ := strings.Cut(rest, "/")
		return user != "" && sub == ".config/systemd/user/"
	}
	return false
}

// Collect implements inventory.Collector. The item is named by the unit
// (kesl for kesl.service), which is also its service name; its path is
// the program that ExecStart= runs.
func (Collector) Collect(ctx context.Context, t *inventory.Target, f inventory.TargetFile, lim inventory.Limits) ([]inventory.Item, []inventory.Unknown, error) {
	name := t.Display(f.Path)
	fh, err := t.FS.Open(f.Path)
	if err != nil {
		return nil, nil, err
	}
	defer fh.Close()
	u, err := parseUnit(name, fh, lim)
	if err != nil {
		return nil, nil, err
	}
	unit := strings.TrimSuffix(f.Path[strings.LastIndexByte(f.Path, '/')+1:], ".service")
	it := inventory.Item{
		Type:      inventory.Application,
		Ecosystem: "systemd",
		Name:      unit,
		Location:  inventory.Location{Source: name, Line: u.execLine, Host: t.Host},
	}
	it.Add(inventory.Service, unit)
	it.Add(inventory.Path, u.program)
	if reason := inventory.CheckItem(&it, lim); reason != "" {
		return nil, []inventory.Unknown{{Location: it.Location, Name: inventory.Clip(it.Name), Reason: reason}}, nil
	}
	return []inventory.Item{it}, nil, nil
}
