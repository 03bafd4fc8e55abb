package spdx

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/spdx/tools-golang/spdx"

	"github.com/embargo-dev/embargo/inventory"
)

// decodeJSON decodes an SPDX JSON document into the library's latest
// model. SPDX 2.3 JSON is a superset of 2.2 JSON for reading, so both
// decode into it directly, and spdxVersion keeps the version as read.
// When the document is well-formed but some element does not decode, the
// elements that do are kept and the others become unknowns.
func decodeJSON(name string, data []byte) (*spdx.Document, []inventory.Unknown, error) {
	var head struct {
		Version *string `json:"spdxVersion"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return nil, nil, inventory.JSONError(name, data, err)
	}
	if head.Version == nil {
		return nil, nil, &inventory.InputError{Source: name, Offset: -1, Err: errors.New("spdxVersion is missing")}
	}
	if !supported(*head.Version) {
		return nil, nil, &inventory.InputError{Source: name, Offset: -1, Err: fmt.Errorf("SPDX version %q is not supported (SPDX-2.2, SPDX-2.3)", *head.Version)}
	}
	doc, err := unmarshal(data)
	if err == nil {
		return doc, nil, nil
	}
	if _, ok := errors.AsType[*json.SyntaxError](err); ok {
		return nil, nil, inventory.JSONError(name, data, err)
	}
	return decodeLenient(name, data)
}

// element kinds whose members are checked one by one when a document does
// not decode whole; items are the kinds that become inventory items.
var elements = map[string]struct {
	noun  string
	item  bool
	check func([]byte) error
}{
	"packages":                   {"package", true, checkAs[spdx.Package]},
	"files":                      {"file", true, checkAs[spdx.File]},
	"relationships":              {"relationship", false, checkAs[spdx.Relationship]},
	"annotations":                {"annotation", false, checkAs[spdx.Annotation]},
	"snippets":                   {"snippet", false, checkAs[spdx.Snippet]},
	"hasExtractedLicensingInfos": {"licence", false, checkAs[spdx.OtherLicense]},
	"externalDocumentRefs":       {"external document reference", false, checkAs[spdx.ExternalDocumentRef]},
	"documentDescribes":          {"described element", false, checkAs[spdx.DocElementID]},
}

// checkAs checks that an element decodes as a T. A null element is an
// error: the library's document decoder dereferences its packages.
func checkAs[T any](raw []byte) error {
	if string(bytes.TrimSpace(raw)) == "null" {
		return errors.New("null element")
	}
	var v T
	return json.Unmarshal(raw, &v)
}

// unmarshal decodes a document with the library, turning a panic in its
// decoders into an error.
func unmarshal(data []byte) (doc *spdx.Document, err error) {
	defer func() {
		if r := recover(); r != nil {
			doc, err = nil, fmt.Errorf("the SPDX JSON decoder failed: %v", r)
		}
	}()
	doc = new(spdx.Document)
	if err := json.Unmarshal(data, doc); err != nil {
		return nil, err
	}
	return doc, nil
}

// span is one array element: where it is and whether it decodes.
type span struct {
	start, end int64
	err        error
}

// decodeLenient walks the top-level arrays of a well-formed document,
// blanks out (with spaces, so that offsets do not move) every element
// that does not decode, and decodes what is left.
func decodeLenient(name string, data []byte) (*spdx.Document, []inventory.Unknown, error) {
	rest := bytes.Clone(data)
	var unknowns []inventory.Unknown
	dec := json.NewDecoder(bytes.NewReader(data))
	if _, err := dec.Token(); err != nil {
		return nil, nil, inventory.JSONError(name, data, err)
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, nil, inventory.JSONError(name, data, err)
		}
		key, _ := tok.(string)
		start := skipSep(data, dec.InputOffset())
		el, ok := elements[key]
		if !ok || start >= int64(len(data)) || data[start] != '[' {
			var raw json.RawMessage
			if err := dec.Decode(&raw); err != nil {
				return nil, nil, inventory.JSONError(name, data, err)
			}
			continue
		}
		spans, err := walkArray(dec, data, el.check)
		if err != nil {
			return nil, nil, inventory.JSONError(name, data, err)
		}
		unknowns = append(unknowns, blank(rest, data, name, key, start, spans)...)
	}
	doc, err := unmarshal(rest)
	if err != nil {
		return nil, nil, locate(name, data, err)
	}
	return doc, unknowns, nil
}

// walkArray reads one array with dec and checks each element.
func walkArray(dec *json.Decoder, data []byte, check func([]byte) error) ([]span, error) {
	if _, err := dec.Token(); err != nil {
		return nil, err
	}
	var spans []span
	for dec.More() {
		s := skipSep(data, dec.InputOffset())
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, err
		}
		spans = append(spans, span{start: s, end: dec.InputOffset(), err: check(raw)})
	}
	_, err := dec.Token()
	return spans, err
}

// blank removes the elements that failed from rest, with the commas that
// separated them, and returns unknowns for them; data is the input as
// read, for names and line numbers.
func blank(rest, data []byte, name, key string, open int64, spans []span) []inventory.Unknown {
	el := elements[key]
	var out []inventory.Unknown
	lastGood := open + 1
	failed := 0
	for i, sp := range spans {
		if sp.err == nil {
			lastGood = sp.end
			continue
		}
		from, to := sp.start, sp.end
		if i+1 < len(spans) {
			to = spans[i+1].start
		} else {
			from = lastGood
		}
		for j := from; j < to; j++ {
			rest[j] = ' '
		}
		off := sp.start
		if te, ok := errors.AsType[*json.UnmarshalTypeError](sp.err); ok && te.Offset >= 0 && te.Offset < sp.end-sp.start {
			off += te.Offset
		}
		if failed++; el.item || failed == 1 {
			line, _ := inventory.LineCol(data, off)
			out = append(out, inventory.Unknown{
				Location: inventory.Location{Source: name, Ref: fmt.Sprintf("/%s/%d", key, i), Line: line, Offset: off, Reader: "spdx"},
				Name:     inventory.Clip(elementName(data, sp)),
				Reason:   fmt.Sprintf("%s not read: %v", el.noun, sp.err),
			})
		}
	}
	if !el.item && failed > 1 {
		out[len(out)-1].Reason += fmt.Sprintf(" (and %d more %s elements)", failed-1, key)
	}
	return out
}

// elementName is the name or SPDX id of an element that did not decode.
func elementName(data []byte, sp span) string {
	var v struct {
		Name   any `json:"name"`
		FName  any `json:"fileName"`
		SPDXID any `json:"SPDXID"`
	}
	_ = json.Unmarshal(data[sp.start:sp.end], &v)
	for _, x := range []any{v.Name, v.FName, v.SPDXID} {
		if s, ok := x.(string); ok && s != "" {
			return s
		}
	}
	return ""
}

// skipSep moves an offset past whitespace, commas and colons to the start
// of the next value.
func skipSep(data []byte, off int64) int64 {
	for off < int64(len(data)) {
		switch data[off] {
		case ' ', '\t', '\r', '\n', ',', ':':
			off++
		default:
			return off
		}
	}
	return off
}

// locate names where a document that still fails went wrong: the offset
// the decoder gives, else the start of the top-level member that fails
// on its own.
func locate(name string, data []byte, err error) error {
	if te, ok := errors.AsType[*json.UnmarshalTypeError](err); ok && te.Offset > 0 {
		return inventory.JSONError(name, data, err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if _, e := dec.Token(); e == nil {
		for dec.More() {
			tok, e := dec.Token()
			if e != nil {
				break
			}
			key, _ := tok.(string)
			start := skipSep(data, dec.InputOffset())
			var raw json.RawMessage
			if dec.Decode(&raw) != nil {
				break
			}
			one, _ := json.Marshal(map[string]json.RawMessage{key: raw})
			if _, err := unmarshal(one); err != nil {
				line, col := inventory.LineCol(data, start)
				return &inventory.InputError{Source: name, Line: line, Column: col, Offset: start, Err: fmt.Errorf("%s: %w", key, err)}
			}
		}
	}
	return &inventory.InputError{Source: name, Offset: -1, Err: err}
}
