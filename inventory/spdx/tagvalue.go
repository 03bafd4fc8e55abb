package spdx

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode"

	"github.com/spdx/tools-golang/convert"
	"github.com/spdx/tools-golang/spdx"
	v21reader "github.com/spdx/tools-golang/spdx/v2/v2_1/tagvalue/reader"
	v22reader "github.com/spdx/tools-golang/spdx/v2/v2_2/tagvalue/reader"
	v23reader "github.com/spdx/tools-golang/spdx/v2/v2_3/tagvalue/reader"
	"github.com/spdx/tools-golang/tagvalue/reader"

	"github.com/embargo-dev/embargo/inventory"
)

// maxDrops bounds how many tag-value lines the library rejects before the
// document is given up: finding each costs a few parses of the document.
const maxDrops = 16

// decodeTagValue reads tag-value pairs with the line each starts on, and
// parses them with the library's parser for the document's version. A
// pair the parser rejects is dropped and listed as an unknown, unless it
// is one that gives an element its identity (then the document fails).
// It returns the document and the line of each SPDX identifier.
func decodeTagValue(ctx context.Context, name string, data []byte) (*spdx.Document, map[string]int, []inventory.Unknown, error) {
	pairs, lines, err := readPairs(name, data)
	if err != nil {
		return nil, nil, nil, err
	}
	i := slices.IndexFunc(pairs, func(p reader.TagValuePair) bool { return p.Tag == "SPDXVersion" })
	if i < 0 {
		return nil, nil, nil, &inventory.InputError{Source: name, Offset: -1, Err: errors.New("SPDXVersion is missing")}
	}
	parse := parser(pairs[i].Value)
	if parse == nil {
		return nil, nil, nil, &inventory.InputError{Source: name, Line: lines[i], Offset: -1, Err: fmt.Errorf("SPDX version %q is not supported (SPDX-2.1, SPDX-2.2, SPDX-2.3)", pairs[i].Value)}
	}
	var unknowns []inventory.Unknown
	for drops := 0; ; drops++ {
		if err := ctx.Err(); err != nil {
			return nil, nil, nil, err
		}
		doc, err := parse(pairs)
		if err == nil {
			ids := map[string]int{}
			for j, p := range pairs {
				if p.Tag == "SPDXID" || p.Tag == "SnippetSPDXID" {
					if _, seen := ids[p.Value]; !seen {
						ids[p.Value] = lines[j]
					}
				}
			}
			return doc, ids, unknowns, nil
		}
		k := failing(parse, pairs, err)
		tag, end := pairs[k].Tag, k+1
		if tag == "SnippetSPDXID" {
			// The library takes snippets only after a file; a snippet
			// describes no software, so the whole snippet is dropped.
			for end < len(pairs) && snippetTag(pairs[end].Tag) {
				end++
			}
		} else if identity[tag] {
			drops = maxDrops
		}
		if drops >= maxDrops {
			return nil, nil, nil, &inventory.InputError{Source: name, Line: lines[k], Offset: -1, Err: fmt.Errorf("%s: %w", tag, err)}
		}
		unknowns = append(unknowns, inventory.Unknown{
			Location: inventory.Location{Source: name, Line: lines[k], Ref: tag, Reader: "spdx"},
			Name:     inventory.Clip(pairs[k].Value),
			Reason:   fmt.Sprintf("%s not read: %v", noun(tag), err),
		})
		pairs, lines = slices.Delete(pairs, k, end), slices.Delete(lines, k, end)
	}
}

func noun(tag string) string {
	if tag == "SnippetSPDXID" {
		return "snippet"
	}
	return tag
}

// snippetTag reports whether a tag belongs to a snippet section.
func snippetTag(t string) bool {
	return t != "SnippetSPDXID" && (strings.HasPrefix(t, "Snippet") || t == "LicenseInfoInSnippet")
}

// identity lists the tags that start an element or name it: dropping one
// would give its fields to another element.
var identity = map[string]bool{
	"SPDXVersion": true, "SPDXID": true, "PackageName": true, "FileName": true, "LicenseID": true,
}

type parseFunc func([]reader.TagValuePair) (*spdx.Document, error)

// parser returns the library's parser for an SPDX version, converting to
// the latest model, or nil. A panic in the parser becomes an error.
func parser(version string) parseFunc {
	var parse func([]reader.TagValuePair) (any, error)
	switch version {
	case "SPDX-2.1":
		parse = func(p []reader.TagValuePair) (any, error) { return v21reader.ParseTagValues(p) }
	case "SPDX-2.2":
		parse = func(p []reader.TagValuePair) (any, error) { return v22reader.ParseTagValues(p) }
	case "SPDX-2.3":
		parse = func(p []reader.TagValuePair) (any, error) { return v23reader.ParseTagValues(p) }
	default:
		return nil
	}
	return func(p []reader.TagValuePair) (doc *spdx.Document, err error) {
		defer func() {
			if r := recover(); r != nil {
				doc, err = nil, fmt.Errorf("the SPDX tag-value parser failed: %v", r)
			}
		}()
		d, err := parse(p)
		if err != nil {
			return nil, err
		}
		out := new(spdx.Document)
		if err := convert.Document(d, out); err != nil {
			return nil, fmt.Errorf("converting to SPDX 2.3: %w", err)
		}
		if out.SPDXVersion == "" {
			return nil, errors.New("no SPDX document")
		}
		out.SPDXVersion = version // as read, not as converted
		return out, nil
	}
}

// failing finds the pair a parse error comes from: the shortest prefix of
// the pairs that fails with the same error ends with it.
func failing(parse parseFunc, pairs []reader.TagValuePair, full error) int {
	msg := full.Error()
	lo, hi := 1, len(pairs)
	for lo < hi {
		mid := lo + (hi-lo)/2
		if _, err := parse(pairs[:mid]); err != nil && err.Error() == msg {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return lo - 1
}

// readPairs splits tag-value text into pairs the way the library's
// reader does, keeping the line on which each pair starts.
func readPairs(name string, data []byte) ([]reader.TagValuePair, []int, error) {
	var (
		pairs   []reader.TagValuePair
		lines   []int
		text    strings.Builder
		midtext bool
		tag     string
		start   int
	)
	for n := 1; len(data) > 0; n++ {
		line := data
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			data = nil
		}
		line = bytes.TrimSuffix(line, []byte("\r"))
		if midtext {
			before, _, closed := bytes.Cut(line, []byte("</text>"))
			text.Write(before)
			if !closed {
				text.WriteByte('\n')
				continue
			}
			pairs, lines = append(pairs, reader.TagValuePair{Tag: tag, Value: text.String()}), append(lines, start)
			midtext = false
			continue
		}
		l := bytes.TrimLeftFunc(line, unicode.IsSpace)
		if len(l) == 0 || l[0] == '#' {
			continue
		}
		t, v, ok := bytes.Cut(l, []byte(":"))
		if !ok {
			return nil, nil, &inventory.InputError{Source: name, Line: n, Column: 1, Offset: -1, Err: fmt.Errorf("no colon in %q", inventory.Clip(string(l)))}
		}
		tag = string(bytes.TrimSpace(t))
		if _, after, found := bytes.Cut(v, []byte("<text>")); found {
			if inner, _, closed := bytes.Cut(after, []byte("</text>")); closed {
				v = inner
			} else {
				text.Reset()
				text.Write(after)
				text.WriteByte('\n')
				midtext, start = true, n
				continue
			}
		} else {
			v = bytes.TrimSpace(v)
		}
		pairs, lines = append(pairs, reader.TagValuePair{Tag: tag, Value: string(v)}), append(lines, n)
	}
	if midtext {
		return nil, nil, &inventory.InputError{Source: name, Line: start, Offset: -1, Err: fmt.Errorf("%s: <text> is not closed", tag)}
	}
	return pairs, lines, nil
}
