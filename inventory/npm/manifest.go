package npm

import (
	"bytes"
	"encoding/json"
	"net/url"
	"strings"

	"github.com/embargo-dev/embargo/inventory"
)

// Manifest is what attribution uses of a package.json.
type Manifest struct {
	Name    string
	Version string
	// Author and Maintainers are "Name <address>" each.
	Author      string
	Maintainers []string
}

// person is a package.json person: "Name <mail> (url)" or an object.
type person struct{ text string }

func (p *person) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		p.text = strings.TrimSpace(s)
		if i := strings.Index(p.text, " ("); i > 0 && strings.HasSuffix(p.text, ")") {
			p.text = strings.TrimSpace(p.text[:i]) // the URL says nothing of who it is
		}
		return nil
	}
	if len(b) > 0 && b[0] == '{' {
		var o struct{ Name, Email string }
		if err := json.Unmarshal(b, &o); err != nil {
			return err
		}
		p.text = strings.TrimSpace(o.Name)
		if e := strings.TrimSpace(o.Email); e != "" {
			if p.text == "" {
				p.text = "<" + e + ">"
			} else {
				p.text += " <" + e + ">"
			}
		}
		return nil
	}
	return nil // null or another type: npm ignores it too
}

// text is a JSON string, or empty when the value is another type (npm
// itself tolerates a version or name that is not a string in old
// manifests; such a package is reported without it).
type text string

func (s *text) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		var v string
		if err := json.Unmarshal(b, &v); err != nil {
			return err
		}
		*s = text(strings.TrimSpace(v))
	}
	return nil
}

// ParseManifest decodes a package.json.
func ParseManifest(name string, data []byte) (Manifest, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	var raw struct {
		Name        text     `json:"name"`
		Version     text     `json:"version"`
		Author      person   `json:"author"`
		Maintainers []person `json:"maintainers"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return Manifest{}, inventory.JSONError(name, data, err)
	}
	m := Manifest{Name: string(raw.Name), Version: string(raw.Version), Author: raw.Author.text}
	for _, p := range raw.Maintainers {
		if p.text != "" {
			m.Maintainers = append(m.Maintainers, p.text)
		}
	}
	return m, nil
}

// Item is the package as an inventory item, with its package URL.
func (m Manifest) Item(loc inventory.Location) inventory.Item {
	it := inventory.Item{Type: inventory.Library, Ecosystem: "npm", Name: m.Name, Version: m.Version, Location: loc}
	if m.Name != "" {
		it.Add(inventory.PURL, PURL(m.Name, m.Version))
	}
	it.Add(inventory.Author, m.Author)
	for _, p := range m.Maintainers {
		it.Add(inventory.Maintainer, p)
	}
	it.Add(inventory.Path, strings.TrimSuffix(loc.Source, "/package.json"))
	return it
}

// PURL is the package URL of an npm package: pkg:npm/%40scope/name@v.
func PURL(name, version string) string {
	p := "pkg:npm/"
	if scope, rest, ok := strings.Cut(name, "/"); ok && strings.HasPrefix(scope, "@") {
		p += "%40" + url.PathEscape(scope[1:]) + "/" + url.PathEscape(rest)
	} else {
		p += url.PathEscape(name)
	}
	if version != "" {
		p += "@" + url.PathEscape(version)
	}
	return p
}
