package workspaceone

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/embargo-dev/embargo/inventory"
	"github.com/embargo-dev/embargo/inventory/internal/jsonwalk"
)

// entry is one listed app as read; bad says why an entry that is not an
// app object could not be read.
type entry struct {
	name, version, build, status, id, device, platform string
	loc                                                inventory.Location
	bad                                                string
	notes                                              []inventory.Unknown
}

// appKeys names the members of an app object of one shape.
type appKeys struct {
	name, version, build, status, id, platform string
	device                                     []string // where an app names its device, in order of preference
}

var (
	// deviceApp is an app of GET /api/mdm/devices/{id}/apps. Some clients
	// list a per-app device id (Deviceid) among its fields.
	deviceApp = appKeys{"ApplicationName", "Version", "BuildVersion", "Status", "ApplicationIdentifier", "Platform",
		[]string{"DeviceId/Id/Value", "DeviceId", "Deviceid/Id/Value", "Deviceid"}}
	// appItem is an app of GET /api/mdm/devices/{uuid}/apps/search.
	appItem = appKeys{"name", "installed_version", "", "installed_status", "bundle_id", "platform", nil}
)

func (k appKeys) want() map[string]bool {
	return jsonwalk.Paths(slices.DeleteFunc(append([]string{k.name, k.version, k.build, k.status, k.id, k.platform}, k.device...), func(s string) bool { return s == "" })...)
}

// readApps reads an app list into list. It reports whether there was a
// list: null or a value of another type is none.
func (b *builder) readApps(w *jsonwalk.Walker, root *jsonwalk.Record, list *[]entry, ptr string, off int64, keys appKeys) (bool, error) {
	if k, _ := w.Peek(); k != '[' {
		if k != 'n' {
			root.Note(jsonwalk.At(root.Loc, off), "", fmt.Sprintf("the app list is a JSON %s, not an array", jsonwalk.KindName(k)))
		}
		return false, w.Skip()
	}
	want := keys.want()
	return true, w.Array(func(i int, off int64) error {
		loc := inventory.Location{Source: b.source, Ref: ptr + "/" + strconv.Itoa(i), Offset: off}
		b.pending++
		if len(b.inv.Items)+b.pending > b.lim.MaxItems {
			return &inventory.InputError{Source: b.source, Offset: off, Err: fmt.Errorf("more than %d apps (the item limit)", b.lim.MaxItems)}
		}
		if k, _ := w.Peek(); k != '{' {
			*list = append(*list, entry{loc: loc, bad: fmt.Sprintf("an app that is a JSON %s, not an object", jsonwalk.KindName(k))})
			return w.Skip()
		}
		a := jsonwalk.NewRecord(loc)
		if err := w.Fields(a, want, nil, "", loc.Ref, nil); err != nil {
			return err
		}
		e := entry{name: a.Vals[keys.name], version: a.Vals[keys.version], status: a.Vals[keys.status], id: a.Vals[keys.id],
			platform: a.Vals[keys.platform], loc: loc, notes: a.Notes}
		if keys.build != "" {
			e.build = a.Vals[keys.build]
		}
		for _, k := range keys.device {
			if e.device = strings.TrimSpace(a.Vals[k]); e.device != "" {
				break
			}
		}
		*list = append(*list, e)
		return nil
	})
}

// group is the apps of one device listed by one document, added once the
// whole input is read: a device record in the same input gives their
// platform.
type group struct {
	id       string // the device's, or ""
	platform string // the document's Platform, if it has one
	entries  []entry
	loc      inventory.Location
	unlisted bool // the document's app list could not be read
}

// finishApps groups the apps of a document by device: an app's device is
// its own DeviceId, else the document's, else the file name's. A document
// whose list could not be read gives its device without apps.
func (b *builder) finishApps(root *jsonwalk.Record, list []entry, ref string, listed bool) {
	envelope := b.pick(root, "DeviceId/Id/Value", "DeviceId/Value", "DeviceId")
	if envelope != "" && !inventory.ValidDeviceID(envelope) {
		root.Note(root.Loc, "", fmt.Sprintf("the document's DeviceId %q is not an id", inventory.Clip(envelope)))
		envelope = ""
	}
	if envelope == "" {
		envelope = b.fileID
	}
	loc := root.Loc
	loc.Ref = ref
	at := map[string]int{}
	for _, e := range list {
		id := e.device
		if id != "" && !inventory.ValidDeviceID(id) {
			e.notes = append(e.notes, inventory.Unknown{Location: e.loc, Reason: fmt.Sprintf("the app's DeviceId %q is not an id", inventory.Clip(id))})
			id = ""
		}
		if id == "" {
			id = envelope
		}
		i, ok := at[id]
		if !ok {
			i, at[id] = len(b.groups), len(b.groups)
			b.groups = append(b.groups, group{id: id, platform: root.Vals["Platform"], loc: loc})
		}
		b.groups[i].entries = append(b.groups[i].entries, e)
	}
	if len(list) == 0 && envelope != "" { // an empty list: the device has no apps
		b.groups = append(b.groups, group{id: envelope, loc: loc, unlisted: !listed})
	}
	host := ""
	if envelope != "" {
		host = inventory.DeviceHost(mdm, envelope)
	}
	b.notes(root.Notes, host)
}

// flush adds the apps grouped, a device at a time.
func (b *builder) flush() error {
	platforms := map[string]string{}
	for _, d := range b.inv.Devices {
		platforms[d.Host] = d.Platform
	}
	for _, g := range b.groups {
		if err := b.appsOf(g, platforms); err != nil {
			return err
		}
	}
	return nil
}

// appsOf adds the apps of group g: the device's platform is the one a
// device record of the input gives, else the document's or the app's.
func (b *builder) appsOf(g group, platforms map[string]string) error {
	host := ""
	if g.id != "" {
		host = inventory.DeviceHost(mdm, g.id)
	}
	listed, left := 0, map[string]int{}
	for _, e := range g.entries {
		b.notes(e.notes, host)
		at := e.loc
		at.Host = host
		p := platforms[host]
		if p == "" {
			p = platform(cmp.Or(strings.TrimSpace(e.platform), g.platform), "")
		}
		switch {
		case e.bad != "":
			listed++
			b.unknown(at, "", e.bad)
		case presence(e.status) == absent:
			left[strings.TrimSpace(e.status)]++
		case presence(e.status) == unsure:
			listed++
			b.unknown(at, strings.TrimSpace(e.name), fmt.Sprintf("status %q: not known to be installed, so not read as installed (identifier %q)",
				inventory.Clip(e.status), inventory.Clip(strings.TrimSpace(e.id))))
		default:
			listed++
			b.item(e, host, ecosystem(p))
		}
	}
	loc := g.loc
	loc.Host = host
	if g.unlisted {
		listed = -1
	}
	if g.id != "" {
		if err := b.add(inventory.ManagedDevice{Host: host, MDM: mdm, ID: g.id, Apps: listed, Location: loc}); err != nil {
			return err
		}
	} else if len(g.entries) > 0 {
		b.unknown(loc, "", fmt.Sprintf("the device of these %d apps is not named: the document has no DeviceId and its file name is not ws1-device-<id>-apps*.json", len(g.entries)))
	}
	if n := sum(left); n > 0 {
		var parts []string
		for _, s := range slices.Sorted(maps.Keys(left)) {
			parts = append(parts, fmt.Sprintf("%s: %d", inventory.Clip(s), left[s]))
		}
		b.unknown(loc, "", fmt.Sprintf("%d listed apps are not installed (%s) and were left out", n, strings.Join(parts, ", ")))
	}
	return nil
}

func sum(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// Whether a listed app is on the device, by its status.
const (
	present = iota
	absent
	unsure
)

// presence reads an app's status: Installed (or no status: the list is
// of installed apps) and a pending removal are on the device; Removed,
// NotInstalled and Uninstalled are not; anything else may or may not be.
func presence(status string) int {
	switch squash(status) {
	case "", "installed", "pendingremoval", "removalpending", "pendinguninstall", "uninstallpending":
		return present
	case "removed", "notinstalled", "uninstalled", "deleted":
		return absent
	}
	return unsure
}

// item adds app e of the device host, of ecosystem eco, as an item, or
// as an unknown when it cannot be one. Its identifier is a bundle id on
// Apple platforms and a package name on Android; when the platform is
// not known it is recorded as each it is valid as. An identifier valid as
// none is an unknown beside the item; Windows identifiers are not read.
func (b *builder) item(e entry, host, eco string) {
	loc := e.loc
	loc.Host = host
	name, id := strings.TrimSpace(e.name), strings.TrimSpace(e.id)
	for _, v := range [...]string{e.name, e.version, e.build, e.id} {
		if len(v) > b.lim.MaxString {
			if id == "" || len(id) > b.lim.MaxString {
				id = name
			}
			b.unknown(loc, id, fmt.Sprintf("an app with a value longer than %d bytes", b.lim.MaxString))
			return
		}
	}
	apple := eco == "ios" || eco == "macos"
	bundle := (apple || eco == "") && inventory.ValidBundleID(id)
	pkg := (eco == "android" || eco == "") && inventory.ValidAndroidPackage(id)
	if name == "" {
		if !bundle && !pkg {
			b.unknown(loc, id, "an app with no name and no valid identifier")
			return
		}
		name = id
	}
	version := strings.TrimSpace(e.version)
	if version == "" {
		version = strings.TrimSpace(e.build)
	}
	it := inventory.Item{Type: inventory.Application, Ecosystem: eco, Name: name, Version: version, Location: loc, Index: len(b.inv.Items)}
	if bundle {
		it.Add(inventory.BundleID, id)
	}
	if pkg {
		it.Add(inventory.AndroidID, id)
	}
	if id != "" && !bundle && !pkg && eco != "windows" {
		kind := map[string]string{"ios": "a bundle id", "macos": "a bundle id", "android": "an Android package name"}[eco]
		if kind == "" {
			kind = "a bundle id or an Android package name"
		}
		b.unknown(loc, name, fmt.Sprintf("identifier %q is not %s", inventory.Clip(id), kind))
	}
	it.SetID()
	b.inv.Items = append(b.inv.Items, it)
}
