package browserext

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"strings"

	"github.com/embargo-dev/embargo/inventory"
)

// manifest is the part of a Chromium extension's manifest.json that
// names it (developer.chrome.com/docs/extensions/reference/manifest).
type manifest struct {
	Name          text   `json:"name"`
	Version       text   `json:"version"`
	DefaultLocale text   `json:"default_locale"`
	Author        author `json:"author"`
	HomepageURL   text   `json:"homepage_url"`
	UpdateURL     text   `json:"update_url"`
}

// chromiumItem reads the manifest at p (relative to the target) of the
// extension id installed in browser.
func chromiumItem(t *inventory.Target, p, browser, id string, lim inventory.Limits) (inventory.Item, []inventory.Unknown, error) {
	name := t.Display(p)
	data, err := readFile(t.FS, p, name, maxManifest, lim)
	if err != nil {
		return inventory.Item{}, nil, err
	}
	var m manifest
	if err := decodeJSON(name, data, &m, true); err != nil {
		return inventory.Item{}, nil, err
	}
	dir := path.Dir(p)
	it := inventory.Item{
		Type:      inventory.Extension,
		Ecosystem: browser,
		Name:      strings.TrimSpace(string(m.Name)),
		Version:   strings.TrimSpace(string(m.Version)),
		Location:  inventory.Location{Source: name, Host: t.Host},
	}
	var unknowns []inventory.Unknown
	if strings.Contains(it.Name, "__MSG_") {
		resolved, err := localize(t, dir, string(m.DefaultLocale), it.Name, lim)
		if err != nil {
			unknowns = append(unknowns, inventory.Unknown{Location: it.Location, Name: inventory.Clip(it.Name),
				Reason: "extension name not resolved: " + err.Error()})
		} else {
			it.Name = resolved
		}
	}
	it.Add(inventory.ExtensionID, id)
	it.Add(inventory.Author, strings.TrimSpace(string(m.Author)))
	it.Add(inventory.URL, strings.TrimSpace(string(m.HomepageURL)))
	it.Add(inventory.URL, strings.TrimSpace(string(m.UpdateURL)))
	it.Add(inventory.Path, "/"+dir)
	return it, unknowns, nil
}

// maxPlaceholders bounds the __MSG_x__ references resolved in one name.
const maxPlaceholders = 16

// localize replaces each __MSG_key__ in s with the message of that key
// (keys ignore case, as in Chromium) from the extension's default
// locale, _locales/<default_locale>/messages.json.
func localize(t *inventory.Target, dir, locale, s string, lim inventory.Limits) (string, error) {
	if locale == "" {
		return "", fmt.Errorf("the manifest names messages but no default_locale")
	}
	if strings.ContainsAny(locale, `/\`) || strings.HasPrefix(locale, ".") {
		return "", fmt.Errorf("default_locale %q is not a folder name", inventory.Clip(locale))
	}
	p := path.Join(dir, "_locales", locale, "messages.json")
	if !fs.ValidPath(p) {
		return "", fmt.Errorf("default_locale %q is not a folder name", inventory.Clip(locale))
	}
	name := t.Display(p)
	data, err := readFile(t.FS, p, name, maxMessages, lim)
	if err != nil {
		return "", err
	}
	var catalogue map[string]json.RawMessage
	if err := decodeJSON(name, data, &catalogue, true); err != nil {
		return "", err
	}
	var out strings.Builder
	for n := 0; ; n++ {
		start := strings.Index(s, "__MSG_")
		if start < 0 {
			break
		}
		end := strings.Index(s[start+6:], "__")
		if end < 0 || n == maxPlaceholders {
			return "", fmt.Errorf("%q: malformed or too many __MSG_ references", inventory.Clip(s))
		}
		key := s[start+6 : start+6+end]
		msg, ok := message(catalogue, key)
		if !ok {
			return "", fmt.Errorf("%s: no message %q", name, key)
		}
		out.WriteString(s[:start])
		out.WriteString(msg)
		s = s[start+6+end+2:]
	}
	out.WriteString(s)
	return strings.TrimSpace(out.String()), nil
}

// message returns the text of a catalogue entry, matching the key
// without regard to case.
func message(catalogue map[string]json.RawMessage, key string) (string, bool) {
	raw, ok := catalogue[key]
	if !ok {
		// The first of the keys that differ only in case, for the same
		// answer every run.
		best := ""
		for k, v := range catalogue {
			if strings.EqualFold(k, key) && (!ok || k < best) {
				raw, ok, best = v, true, k
			}
		}
	}
	if !ok {
		return "", false
	}
	var entry struct {
		Message text `json:"message"`
	}
	if json.Unmarshal(raw, &entry) != nil || entry.Message == "" {
		return "", false
	}
	return string(entry.Message), true
}
