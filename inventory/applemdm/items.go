package applemdm

import (
	"context"
	"errors"
	"fmt"

	"github.com/embargo-dev/embargo/inventory"
)

// finish turns the responses read into items and devices. The apps of a
// device take its ecosystem from a DeviceInformation answer for the same
// device anywhere in the input; a document that held no app list and no
// device information is an error saying what it held instead.
func (r *reading) finish(ctx context.Context) (*inventory.Inventory, error) {
	if r.answered == 0 {
		if len(r.inv.Unknowns) > 0 {
			first := r.inv.Unknowns[0]
			return nil, &inventory.InputError{Source: r.name, Line: first.Location.Line, Offset: 0,
				Err: fmt.Errorf("no InstalledApplicationList or DeviceInformation response could be read (first, %s: %s)", where(first.Location.Ref), first.Reason)}
		}
		return nil, &inventory.InputError{Source: r.name, Line: 0, Offset: 0,
			Err: fmt.Errorf("no InstalledApplicationList or DeviceInformation response (%d responses to other commands or status checks)", r.skipped)}
	}
	platform := map[string]string{}
	for _, resp := range r.resps {
		if resp.dev.Platform != "" && resp.dev.Host != "" {
			platform[resp.dev.Host] = resp.dev.Platform
		}
	}
	for _, resp := range r.resps {
		if resp.list {
			if err := r.apps(ctx, resp, ecosystemOf(platform[resp.dev.Host])); err != nil {
				return nil, err
			}
		}
		if resp.dev.Host != "" {
			r.inv.Devices = append(r.inv.Devices, resp.dev)
		}
	}
	r.inv.Devices = inventory.MergeDevices(r.inv.Devices)
	return r.inv, nil
}

// apps turns the entries of an InstalledApplicationList into items. An
// entry that is not a dictionary, has a value of the wrong type or too
// long, or has neither a valid Identifier nor a Name is an unknown; an
// invalid Identifier is an unknown, and the entry is kept by its name.
func (r *reading) apps(ctx context.Context, resp *response, ecosystem string) error {
	for i, e := range resp.apps {
		if i%256 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		loc := inventory.Location{Source: r.name, Ref: fmt.Sprintf("%s/InstalledApplicationList/%d", resp.ref, i), Line: resp.line, Host: resp.dev.Host}
		app, ok := e.(map[string]any)
		if !ok {
			r.unknown(loc, "", fmt.Sprintf("app entry is %s, not a dictionary", kindOf(e)))
			continue
		}
		var vals [4]string
		var bad error
		for k, key := range [...]string{"Identifier", "Name", "ShortVersion", "Version"} {
			v, err := text(app, key)
			vals[k], bad = v, errors.Join(bad, err)
		}
		id, name, short, version := vals[0], vals[1], vals[2], vals[3]
		if bad != nil {
			r.unknown(loc, firstOf(name, id), "app not read: "+bad.Error())
			continue
		}
		if id != "" && !inventory.ValidBundleID(id) {
			r.unknown(loc, id, fmt.Sprintf("Identifier %q is not a bundle identifier (letters, digits, '.' and '-')", inventory.Clip(id)))
			id = ""
			if name == "" {
				continue
			}
		}
		if id == "" && name == "" {
			r.unknown(loc, "", "app entry with neither an Identifier nor a Name")
			continue
		}
		it := inventory.Item{
			Type:      inventory.Application,
			Ecosystem: ecosystem,
			Name:      firstOf(name, id),
			Version:   firstOf(short, version),
			Location:  loc,
		}
		it.Add(inventory.BundleID, id)
		if reason := inventory.CheckItem(&it, r.lim); reason != "" {
			r.unknown(loc, it.Name, reason)
			continue
		}
		if len(r.inv.Items) >= r.lim.MaxItems {
			return &inventory.InputError{Source: r.name, Line: resp.line, Offset: 0,
				Err: fmt.Errorf("more than %d apps (the item limit), %s", r.lim.MaxItems, where(loc.Ref))}
		}
		it.Index = len(r.inv.Items)
		it.SetID()
		r.inv.Items = append(r.inv.Items, it)
	}
	return nil
}

// where names a place in the input for a message.
func where(ref string) string {
	if ref == "" {
		return "in the top dictionary"
	}
	return "at " + ref
}
