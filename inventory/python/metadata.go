package python

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/embargo-dev/embargo/internal/pkgname"
	"github.com/embargo-dev/embargo/inventory"
)

// Metadata is what attribution uses of a distribution's core metadata.
type Metadata struct {
	Name, Version string
	// Author and Maintainer are "Name <address>" as the fields and their
	// -email companions give them.
	Author, Maintainer string
}

// maxHeader bounds the header of a metadata file: the fields before the
// first blank line (the description follows).
const maxHeader = 1 << 20

// ParseMetadata reads the header of a METADATA or PKG-INFO file:
// "Field: value" lines, continuation lines starting with white space, up
// to the first blank line.
func ParseMetadata(name string, data []byte) (Metadata, error) {
	var md Metadata
	var authorEmail, maintainerEmail string
	var key string
	var val strings.Builder
	set := func() {
		v := strings.TrimSpace(val.String())
		switch strings.ToLower(key) {
		case "name":
			md.Name = v
		case "version":
			md.Version = v
		case "author":
			md.Author = v
		case "author-email":
			authorEmail = v
		case "maintainer":
			md.Maintainer = v
		case "maintainer-email":
			maintainerEmail = v
		}
		key = ""
		val.Reset()
	}
	line, off := 0, 0
	for off < len(data) {
		line++
		end := bytes.IndexByte(data[off:], '\n')
		var l []byte
		if end < 0 {
			l, off = data[off:], len(data)
		} else {
			l, off = data[off:off+end], off+end+1
		}
		if off > maxHeader {
			return md, &inventory.InputError{Source: name, Line: line, Offset: -1, Err: fmt.Errorf("metadata header longer than %d bytes", maxHeader)}
		}
		l = bytes.TrimSuffix(l, []byte("\r"))
		if len(bytes.TrimSpace(l)) == 0 {
			break // the description follows
		}
		if !utf8.Valid(l) {
			return md, &inventory.InputError{Source: name, Line: line, Offset: -1, Err: errors.New("metadata is not UTF-8")}
		}
		if l[0] == ' ' || l[0] == '\t' {
			if key == "" {
				return md, &inventory.InputError{Source: name, Line: line, Offset: -1, Err: errors.New("continuation line before any field")}
			}
			val.WriteByte(' ')
			val.Write(bytes.TrimSpace(l))
			continue
		}
		set()
		k, v, ok := bytes.Cut(l, []byte(":"))
		if !ok || len(k) == 0 || bytes.ContainsAny(k, " \t") {
			return md, &inventory.InputError{Source: name, Line: line, Offset: -1, Err: fmt.Errorf("%q is not a \"Field: value\" line", clip(string(l)))}
		}
		key = string(k)
		val.Write(v)
	}
	set()
	md.Author = party(md.Author, authorEmail)
	md.Maintainer = party(md.Maintainer, maintainerEmail)
	return md, nil
}

// party joins a name and an e-mail field. Core metadata allows the e-mail
// field alone to carry "Name <address>", and either may list several.
func party(name, email string) string {
	switch {
	case email == "":
		return name
	case name == "" || strings.Contains(email, "<"):
		return email
	}
	return name + " <" + email + ">"
}

func clip(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}

// Item is the distribution as an inventory item, with its package URL;
// dist is where it is installed (its dist-info, egg-info or egg).
func (md Metadata) Item(loc inventory.Location, dist string) inventory.Item {
	it := inventory.Item{Type: inventory.Library, Ecosystem: "pypi", Name: md.Name, Version: md.Version, Location: loc}
	if md.Name != "" {
		purl := "pkg:pypi/" + pkgname.PyPI(md.Name)
		if md.Version != "" {
			purl += "@" + md.Version
		}
		it.Add(inventory.PURL, purl)
	}
	it.Add(inventory.Author, md.Author)
	it.Add(inventory.Maintainer, md.Maintainer)
	it.Add(inventory.Path, dist)
	return it
}
