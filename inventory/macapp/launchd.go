package macapp

import (
	"context"
	"strings"

	"github.com/embargo-dev/embargo/internal/plist"
	"github.com/embargo-dev/embargo/inventory"
)

// Launchd reads launchd job definitions: the daemons and agents that
// start a program at boot or log-in, which is how a security product's
// services run on macOS.
type Launchd struct{}

// Name implements inventory.Collector.
func (Launchd) Name() string { return "launchd" }

// Tags implements inventory.Collector.
func (Launchd) Tags() []string { return []string{"macos", "service"} }

// Requirements implements inventory.Collector: files only.
func (Launchd) Requirements() inventory.Requirements { return inventory.Requirements{} }

// launchdDirs are the folders launchd reads jobs from, relative to the
// volume root; users' own agents are in Users/<name>/Library/LaunchAgents.
var launchdDirs = []string{
	"Library/LaunchDaemons/",
	"Library/LaunchAgents/",
	"System/Library/LaunchDaemons/",
	"System/Library/LaunchAgents/",
}

// Wants implements inventory.Collector: *.plist directly in a launchd
// folder.
func (Launchd) Wants(p string) bool {
	if !strings.HasSuffix(p, ".plist") {
		return false
	}
	slash := strings.LastIndexByte(p, '/')
	if slash < 0 {
		return false
	}
	dir := p[:slash+1]
	for _, d := range launchdDirs {
		if dir == d {
			return true
		}
	}
	rest, ok := strings.CutPrefix(dir, "Users/")
	if !ok {
		return false
	}
	user, sub, _ := strings.Cut(rest, "/")
	return user != "" && sub == "Library/LaunchAgents/"
}

// job is the part of a launchd property list that names the job and its
// program (launchd.plist(5)).
type job struct {
	Label            plistString  `plist:"Label"`
	Program          plistString  `plist:"Program"`
	ProgramArguments plistStrings `plist:"ProgramArguments"`
}

// Collect implements inventory.Collector. The label goes in the bundle id
// field: labels are reverse-DNS names (com.kaspersky.kav.autoupdater),
// matched like bundle ids on dot boundaries. The program is Program, or
// else the first of ProgramArguments (launchd's own rule).
func (Launchd) Collect(ctx context.Context, t *inventory.Target, f inventory.TargetFile, lim inventory.Limits) ([]inventory.Item, []inventory.Unknown, error) {
	name := t.Display(f.Path)
	data, err := readPlist(t, f, lim)
	if err != nil {
		return nil, nil, err
	}
	var j job
	if err := plist.Decode(name, data, &j, lim); err != nil {
		return nil, nil, err
	}
	label := strings.TrimSpace(string(j.Label))
	it := inventory.Item{
		Type:      inventory.Application,
		Ecosystem: "launchd",
		Name:      label,
		Location:  inventory.Location{Source: name, Host: t.Host},
	}
	it.Add(inventory.BundleID, label)
	prog := string(j.Program)
	if prog == "" && len(j.ProgramArguments) > 0 {
		prog = string(j.ProgramArguments[0])
	}
	it.Add(inventory.Path, strings.TrimSpace(prog))
	return keep(it, lim)
}

// plistStrings is an array of strings, left empty when the property list
// holds another type there.
type plistStrings []plistString

// UnmarshalPlist implements plist.Unmarshaler.
func (s *plistStrings) UnmarshalPlist(unmarshal func(any) error) error {
	var v []plistString
	if unmarshal(&v) == nil {
		*s = v
	}
	return nil
}
