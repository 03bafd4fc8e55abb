// Package macapp finds macOS software on a mounted or live macOS volume:
// application bundles, by the Info.plist of each *.app, and launchd jobs,
// by the property lists in the LaunchDaemons and LaunchAgents folders.
// Property lists are read in XML, binary and OpenStep form.
package macapp

import (
	"context"
	"errors"
	"fmt"
	"path"
	"strings"

	hplist "howett.net/plist"

	"github.com/embargo-dev/embargo/internal/plist"
	"github.com/embargo-dev/embargo/inventory"
)

// Collector reads the Info.plist of every application bundle on the
// target, wherever it lies (/Applications, ~/Applications, inside
// another bundle, an installer's payload).
type Collector struct{}

// Name implements inventory.Collector.
func (Collector) Name() string { return "macapp" }

// Tags implements inventory.Collector.
func (Collector) Tags() []string { return []string{"macos", "application"} }

// Requirements implements inventory.Collector: files only.
func (Collector) Requirements() inventory.Requirements { return inventory.Requirements{} }

const infoPlistSuffix = ".app/Contents/Info.plist"

// Wants implements inventory.Collector.
func (Collector) Wants(p string) bool { return strings.HasSuffix(p, infoPlistSuffix) }

// bundleInfo is the part of an Info.plist that names the application.
type bundleInfo struct {
	ID           plistString `plist:"CFBundleIdentifier"`
	Name         plistString `plist:"CFBundleName"`
	DisplayName  plistString `plist:"CFBundleDisplayName"`
	ShortVersion plistString `plist:"CFBundleShortVersionString"`
	Version      plistString `plist:"CFBundleVersion"`
	Executable   plistString `plist:"CFBundleExecutable"`
}

// Collect implements inventory.Collector. The item's paths are the bundle
// folder and its executable, as they are on the scanned system, so that
// path globs and process names match. NSHumanReadableCopyright is not
// read: it is free text ("Copyright © 2024 Example Ltd. All rights
// reserved."), not an organisation name.
func (Collector) Collect(ctx context.Context, t *inventory.Target, f inventory.TargetFile, lim inventory.Limits) ([]inventory.Item, []inventory.Unknown, error) {
	name := t.Display(f.Path)
	data, err := readPlist(t, f, lim)
	if err != nil {
		return nil, nil, err
	}
	var info bundleInfo
	if err := plist.Decode(name, data, &info, lim); err != nil {
		return nil, nil, err
	}
	bundle := strings.TrimSuffix(f.Path, "/Contents/Info.plist")
	it := inventory.Item{
		Type:      inventory.Application,
		Ecosystem: "macos",
		Name:      firstOf(string(info.DisplayName), string(info.Name), strings.TrimSuffix(path.Base(bundle), ".app")),
		Version:   firstOf(string(info.ShortVersion), string(info.Version)),
		Location:  inventory.Location{Source: name, Host: t.Host},
	}
	it.Add(inventory.BundleID, string(info.ID))
	it.Add(inventory.Path, "/"+bundle)
	var unknowns []inventory.Unknown
	if exe := string(info.Executable); exe != "" && !strings.Contains(exe, "/") {
		it.Add(inventory.Path, "/"+bundle+"/Contents/MacOS/"+exe)
		if reason := addSignature(t, bundle+"/Contents/MacOS/"+exe, &it); reason != "" {
			unknowns = append(unknowns, inventory.Unknown{Location: inventory.Location{Source: t.Display(bundle + "/Contents/MacOS/" + exe), Host: t.Host},
				Name: it.Name, Reason: reason})
		}
	}
	items, more, err := keep(it, lim)
	return items, append(unknowns, more...), err
}

// addSignature reads the code signature of a bundle's executable: the
// Team ID that a certificate backs and the signer's organisation. It
// returns why the signature could not be read, or "" (an unsigned or
// missing executable is nothing to report).
func addSignature(t *inventory.Target, exe string, it *inventory.Item) string {
	ra, size, err := t.OpenAt(exe)
	if err != nil {
		return ""
	}
	defer ra.Close()
	sig, err := ReadSignature(ra, size)
	switch {
	case errors.Is(err, errUnsigned):
		it.Add(inventory.SignatureStatus, "unsigned")
		return ""
	case err != nil:
		return "code signature unreadable: " + err.Error()
	}
	it.Add(inventory.TeamID, sig.TeamID)
	if sig.Subject != "" {
		it.Add(inventory.Signer, "O="+sig.Subject)
	}
	switch {
	case sig.AdHoc:
		it.Add(inventory.SignatureStatus, "ad-hoc (no certificate)")
	case sig.TeamID != "":
		it.Add(inventory.SignatureStatus, "Team ID in the code directory matches the signing certificate; its chain to Apple is not verified")
	default:
		it.Add(inventory.SignatureStatus, "signed, but the certificate does not back the code directory's Team ID")
	}
	return ""
}

// keep returns the item, or an Unknown saying why it cannot be kept.
func keep(it inventory.Item, lim inventory.Limits) ([]inventory.Item, []inventory.Unknown, error) {
	if reason := inventory.CheckItem(&it, lim); reason != "" {
		return nil, []inventory.Unknown{{Location: it.Location, Name: inventory.Clip(it.Name), Reason: reason}}, nil
	}
	return []inventory.Item{it}, nil, nil
}

// readPlist reads a wanted property list within the size limit.
func readPlist(t *inventory.Target, f inventory.TargetFile, lim inventory.Limits) ([]byte, error) {
	limit := min(lim.MaxBytes, plist.MaxSize)
	if limit <= 0 {
		limit = plist.MaxSize
	}
	if f.Size > limit {
		return nil, &inventory.InputError{Source: t.Display(f.Path), Offset: -1, Err: fmt.Errorf("%w: %d bytes, at most %d read", inventory.ErrTooLarge, f.Size, limit)}
	}
	fh, err := t.FS.Open(f.Path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	data, err := inventory.ReadAll(fh, limit)
	if err != nil {
		return nil, &inventory.InputError{Source: t.Display(f.Path), Offset: -1, Err: err}
	}
	return data, nil
}

// plistString is a string value that is left empty, rather than failing
// the whole document, when the property list holds another type there.
type plistString string

// UnmarshalPlist implements plist.Unmarshaler.
func (s *plistString) UnmarshalPlist(unmarshal func(any) error) error {
	var v string
	if unmarshal(&v) == nil {
		*s = plistString(v)
	}
	return nil
}

var _ hplist.Unmarshaler = (*plistString)(nil)

func firstOf(vs ...string) string {
	for _, v := range vs {
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return ""
}
