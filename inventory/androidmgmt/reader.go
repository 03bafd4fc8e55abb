// Package androidmgmt reads Android devices and their apps as Google's
// Android Management API reports them: enterprises.devices resources
// (https://developers.google.com/android/management/reference/rest/v1/enterprises.devices),
// saved as a devices.list page ({"devices": [...], "nextPageToken":
// "..."}; an empty page is {}), a single Device, an array of pages or
// devices, or one page or device a line (NDJSON).
//
// A device is a ManagedDevice on the host DeviceHost("android-management",
// name), where name is the device's full resource name,
// enterprises/{enterpriseId}/devices/{deviceId}: the device id alone is
// unique only within its enterprise. managementMode PROFILE_OWNER means
// Android Device Policy manages a work profile only, so the apps listed
// are the work profile's (Scope ScopeWorkProfile); ownership
// COMPANY_OWNED and PERSONALLY_OWNED are Corporate and Personal, anything
// else unknown. The device's model, manufacturer and serial number come
// from hardwareInfo (a serial number that is the enterpriseSpecificId, as
// personal devices on Android 12 and later report it, is not the
// hardware's and is left out), its Android version from softwareInfo, its IMEI (or
// MEID) from networkInfo, its user from userName (else
// user.accountIdentifier) and its group from policyName, as the policy
// id. Apps is the number of applicationReports that are not REMOVED, or
// -1 when the device has none (the policy does not enable app reports).
//
// Each ApplicationReport becomes an application item of the android
// ecosystem, identified by its packageName, named by displayName and
// versioned by versionName (else versionCode). The SHA-1 digests of its
// signing certificates (signingKeyCertFingerprints), the SHA-256 of its
// APK (packageSha256Hash), its installer (installerPackageName) and its
// applicationSource are kept as attributes (the fields below). A report
// in state REMOVED is an app that was on the device and is gone (the
// policy's includeRemovedApps): it is not an installed app and is left
// out, with no unknown, since nothing on the device is unseen.
//
// A page whose nextPageToken is set, when it is the last page of the
// input, is an unknown: the devices of the pages after it are not in the
// file. A Google API error saved in place of a page ({"error": {"code",
// "message", "status"}}, https://cloud.google.com/apis/design/errors) is
// an unknown saying what the API answered. Values of the wrong type are
// unknowns at their line, and reading goes on.
package androidmgmt

import (
	"bytes"
	"context"
	"fmt"
	"io"

	"github.com/embargo-dev/embargo/inventory"
	"github.com/embargo-dev/embargo/inventory/internal/jsonstream"
)

// MDM is the manager's name in device records and hosts.
const MDM = "android-management"

// Reader reads Android Management API device resources.
type Reader struct{}

// Name implements inventory.Reader.
func (Reader) Name() string { return "android-management" }

// markers are keys that only a Device carries among the JSON inputs read.
var markers = [][]byte{[]byte(`"applicationReports"`), []byte(`"managementMode"`), []byte(`"hardwareInfo"`), []byte(`"softwareInfo"`)}

// Sniff implements inventory.Reader: JSON naming a device resource, or
// holding a key of a Device.
func (Reader) Sniff(_ string, head []byte) bool {
	h := bytes.TrimLeft(head, " \t\r\n\xef\xbb\xbf")
	if len(h) == 0 || h[0] != '{' && h[0] != '[' {
		return false
	}
	if bytes.Contains(h, []byte(`"enterprises/`)) && bytes.Contains(h, []byte(`/devices/`)) {
		return true
	}
	for _, m := range markers {
		if bytes.Contains(h, m) {
			return true
		}
	}
	return false
}

// reading is the state of reading one input.
type reading struct {
	name   string
	lim    inventory.Limits
	inv    *inventory.Inventory
	ln     *jsonstream.Lines
	read   int       // pages and devices read
	last   *pageInfo // the last page read
	budget int       // values to go before the context is checked
}

// pageInfo is where a page is and the token it gives for the next one.
type pageInfo struct {
	loc   inventory.Location
	token string
}

// Read implements inventory.Reader.
func (Reader) Read(ctx context.Context, name string, in io.Reader, lim inventory.Limits) (*inventory.Inventory, error) {
	data, err := inventory.ReadAll(in, lim.MaxBytes)
	if err != nil {
		return nil, &inventory.InputError{Source: name, Offset: -1, Err: err}
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if err := inventory.CheckUTF8(name, data); err != nil {
		return nil, err
	}
	if err := jsonstream.CheckDepth(name, data, lim.MaxDepth); err != nil {
		return nil, err
	}
	r := &reading{name: name, lim: lim, ln: jsonstream.NewLines(data),
		inv: &inventory.Inventory{Source: name, Format: "Android Management API devices (JSON)"}}
	bad := func(line int, err error) {
		r.unknown(inventory.Location{Source: name, Line: line}, "", "line is not JSON: "+err.Error())
	}
	if err := jsonstream.Each(ctx, name, data, func(v jsonstream.Value) error { return r.object(ctx, v) }, bad); err != nil {
		return nil, err
	}
	if r.read == 0 && len(r.inv.Unknowns) > 0 {
		first := r.inv.Unknowns[0]
		return nil, &inventory.InputError{Source: name, Line: first.Location.Line, Offset: -1,
			Err: fmt.Errorf("no devices.list page or Device could be read (first: %s)", first.Reason)}
	}
	if r.last != nil && r.last.token != "" {
		r.unknown(r.last.loc, "", fmt.Sprintf("the export is incomplete: its last page has nextPageToken %q, and the devices of the pages after it are not in the input", inventory.Clip(r.last.token)))
	}
	r.inv.Devices = inventory.MergeDevices(r.inv.Devices)
	return r.inv, nil
}

func (r *reading) unknown(loc inventory.Location, name, reason string) {
	r.inv.Unknowns = append(r.inv.Unknowns, inventory.Unknown{Location: loc, Name: inventory.Clip(name), Reason: reason})
}

// tick checks the context every 256 values read.
func (r *reading) tick(ctx context.Context) error {
	if r.budget--; r.budget > 0 {
		return nil
	}
	r.budget = 256
	return ctx.Err()
}

// object reads one value of the input: a devices.list page, a Device or
// an API error.
func (r *reading) object(ctx context.Context, v jsonstream.Value) error {
	loc := inventory.Location{Source: r.name, Ref: v.Ref, Line: v.Line}
	if v.Raw[0] != '{' {
		r.unknown(loc, "", kind(v.Raw)+", not a devices.list page or a Device")
		return nil
	}
	keys := map[string]bool{}
	if err := jsonstream.Members(v.Raw, v.Off, func(name string, _ []byte, _ int64) error { keys[name] = true; return nil }); err != nil {
		return err
	}
	switch {
	case keys["devices"] || keys["nextPageToken"] || len(keys) == 0:
		return r.page(ctx, v, loc)
	case keys["error"] && len(keys) == 1:
		r.apiError(v, loc)
		return nil
	}
	for _, k := range deviceKeys {
		if keys[k] {
			return r.device(ctx, v.Raw, v.Off, v.Ref)
		}
	}
	r.unknown(loc, "", "an object with none of the keys of a Device (name, hardwareInfo, applicationReports, ...) or a devices.list page (devices, nextPageToken)")
	return nil
}

// page reads a devices.list page.
func (r *reading) page(ctx context.Context, v jsonstream.Value, loc inventory.Location) error {
	r.read++
	p := &pageInfo{loc: loc}
	r.last = p
	return jsonstream.Members(v.Raw, v.Off, func(name string, val []byte, off int64) error {
		switch name {
		case "nextPageToken":
			s, err := str(val)
			if err != nil {
				r.unknown(r.at(loc, off), "", "nextPageToken is "+err.Error())
				s = "(unreadable)"
			}
			p.token = s
		case "devices":
			if val[0] == 'n' {
				return nil
			}
			if val[0] != '[' {
				r.unknown(r.at(loc, off), "", "devices is "+kind(val)+", not an array")
				return nil
			}
			return jsonstream.Elements(val, off, func(i int, dev []byte, doff int64) error {
				if err := r.tick(ctx); err != nil {
					return err
				}
				ref := fmt.Sprintf("%s/devices/%d", v.Ref, i)
				if dev[0] != '{' {
					r.unknown(inventory.Location{Source: r.name, Ref: ref, Line: r.ln.At(doff)}, "", kind(dev)+", not a Device")
					return nil
				}
				return r.device(ctx, dev, doff, ref)
			})
		}
		return nil
	})
}

// apiError records a Google API error saved in place of a page.
func (r *reading) apiError(v jsonstream.Value, loc inventory.Location) {
	var e struct {
		Error struct {
			Code    any    `json:"code"`
			Message string `json:"message"`
			Status  string `json:"status"`
		} `json:"error"`
	}
	msg := "the API answered an error instead of devices"
	if unmarshal(v.Raw, &e) == nil {
		msg += fmt.Sprintf(": %v %s: %s", e.Error.Code, e.Error.Status, e.Error.Message)
	}
	r.unknown(loc, "", inventory.Clip(msg))
}

// at is loc moved to the line of offset off.
func (r *reading) at(loc inventory.Location, off int64) inventory.Location {
	loc.Line = r.ln.At(off)
	return loc
}
