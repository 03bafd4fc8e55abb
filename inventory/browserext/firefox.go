package browserext

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/embargo-dev/embargo/inventory"
)

// addon is one entry of a Firefox profile's extensions.json, the add-on
// database that Firefox's XPIProvider writes (toolkit/mozapps/extensions/
// internal/XPIDatabase.sys.mjs).
type addon struct {
	ID            text `json:"id"`
	Version       text `json:"version"`
	Type          text `json:"type"`
	Location      text `json:"location"`
	Path          text `json:"path"`
	SourceURI     text `json:"sourceURI"`
	DefaultLocale *struct {
		Name        text `json:"name"`
		Creator     text `json:"creator"`
		HomepageURL text `json:"homepageURL"`
	} `json:"defaultLocale"`
}

// mozillaLocations hold the add-ons that Firefox itself ships (built-in
// themes, system add-ons and their updates): part of the browser, not
// something a user or another program installed. Every other location is
// kept: the profile (user installs), and the system-wide and registry
// locations through which other programs side-load add-ons.
var mozillaLocations = map[string]bool{
	"app-builtin": true, "app-builtin-addons": true, "app-system-defaults": true, "app-system-addons": true,
}

// firefoxItems reads the add-ons of a Firefox profile. Only extensions
// are items: themes, language packs, dictionaries and site permissions
// run no code of their supplier. An entry that is not an object is an
// Unknown.
func firefoxItems(ctx context.Context, t *inventory.Target, p string, lim inventory.Limits) ([]inventory.Item, []inventory.Unknown, error) {
	name := t.Display(p)
	data, err := readFile(t.FS, p, name, maxExtensions, lim)
	if err != nil {
		return nil, nil, err
	}
	var db struct {
		Addons *[]json.RawMessage `json:"addons"`
	}
	if err := decodeJSON(name, data, &db, false); err != nil {
		return nil, nil, err
	}
	if db.Addons == nil {
		return nil, nil, &inventory.InputError{Source: name, Offset: -1, Err: errors.New(`no "addons" list: not a Firefox extensions.json`)}
	}
	if lim.MaxItems > 0 && len(*db.Addons) > lim.MaxItems {
		return nil, nil, &inventory.InputError{Source: name, Offset: -1, Err: fmt.Errorf("%d add-ons, more than the limit of %d", len(*db.Addons), lim.MaxItems)}
	}
	var items []inventory.Item
	var unknowns []inventory.Unknown
	for i, raw := range *db.Addons {
		if i%1024 == 0 && ctx.Err() != nil {
			return nil, nil, ctx.Err()
		}
		loc := inventory.Location{Source: name, Ref: fmt.Sprintf("/addons/%d", i), Host: t.Host}
		var a addon
		if err := json.Unmarshal(raw, &a); err != nil {
			unknowns = append(unknowns, inventory.Unknown{Location: loc, Reason: "add-on entry is not an object: " + err.Error()})
			continue
		}
		if typ := string(a.Type); typ != "extension" && typ != "webextension" || mozillaLocations[string(a.Location)] {
			continue
		}
		it := inventory.Item{Type: inventory.Extension, Ecosystem: "firefox", Version: strings.TrimSpace(string(a.Version)), Location: loc}
		it.Add(inventory.ExtensionID, strings.TrimSpace(string(a.ID)))
		if l := a.DefaultLocale; l != nil {
			it.Name = strings.TrimSpace(string(l.Name))
			it.Add(inventory.Author, strings.TrimSpace(string(l.Creator)))
			it.Add(inventory.URL, strings.TrimSpace(string(l.HomepageURL)))
		}
		if it.Name == "" {
			it.Name = it.Get(inventory.ExtensionID)
		}
		it.Add(inventory.URL, strings.TrimSpace(string(a.SourceURI)))
		it.Add(inventory.Path, strings.TrimSpace(string(a.Path)))
		if reason := inventory.CheckItem(&it, lim); reason != "" {
			unknowns = append(unknowns, inventory.Unknown{Location: loc, Name: inventory.Clip(it.Name), Reason: reason})
			continue
		}
		items = append(items, it)
	}
	return items, unknowns, nil
}
