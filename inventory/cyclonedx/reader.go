// Package cyclonedx reads CycloneDX SBOMs (1.2 to 1.6, and 1.7; JSON and
// XML) into inventory items, keeping the decoded BOM so that the
// CycloneDX writer can return it annotated.
package cyclonedx

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"

	cdx "github.com/CycloneDX/cyclonedx-go"

	"github.com/embargo-dev/embargo/inventory"
)

// Reader reads CycloneDX documents.
type Reader struct{}

// Name implements inventory.Reader.
func (Reader) Name() string { return "cyclonedx" }

// Sniff implements inventory.Reader: a JSON object with a bomFormat key,
// or XML in a CycloneDX namespace.
func (Reader) Sniff(_ string, head []byte) bool {
	h := bytes.TrimLeft(head, " \t\r\n\xef\xbb\xbf")
	if len(h) == 0 {
		return false
	}
	if h[0] == '{' {
		return bytes.Contains(head, []byte(`"bomFormat"`))
	}
	return h[0] == '<' && bytes.Contains(head, []byte("cyclonedx.org/schema/bom"))
}

// Read implements inventory.Reader.
func (r Reader) Read(ctx context.Context, name string, in io.Reader, lim inventory.Limits) (*inventory.Inventory, error) {
	data, err := inventory.ReadAll(in, lim.MaxBytes)
	if err != nil {
		return nil, &inventory.InputError{Source: name, Offset: -1, Err: err}
	}
	bom, format, err := decode(name, data)
	if err != nil {
		return nil, err
	}
	inv := &inventory.Inventory{Source: name, Format: format, Document: bom}
	if err := collect(ctx, inv, bom, lim); err != nil {
		return nil, err
	}
	return inv, nil
}

// Decode decodes a CycloneDX document, JSON or XML by its first byte.
// Errors name the input and the line and column.
func decode(name string, data []byte) (*cdx.BOM, string, error) {
	h := bytes.TrimLeft(data, " \t\r\n")
	h = bytes.TrimPrefix(h, []byte("\xef\xbb\xbf"))
	if len(h) == 0 {
		return nil, "", &inventory.InputError{Source: name, Offset: 0, Err: errors.New("empty document")}
	}
	bom := new(cdx.BOM)
	if h[0] == '<' {
		if err := decodeXML(name, data, bom); err != nil {
			return nil, "", err
		}
		return bom, fmt.Sprintf("CycloneDX %s XML", bom.SpecVersion), nil
	}
	if err := inventory.CheckUTF8(name, data); err != nil {
		return nil, "", err
	}
	if err := json.Unmarshal(data, bom); err != nil {
		return nil, "", inventory.JSONError(name, data, err)
	}
	if bom.BOMFormat != cdx.BOMFormat {
		return nil, "", &inventory.InputError{Source: name, Offset: -1, Err: fmt.Errorf("bomFormat is %q, not %q", bom.BOMFormat, cdx.BOMFormat)}
	}
	if bom.SpecVersion == 0 {
		return nil, "", &inventory.InputError{Source: name, Offset: -1, Err: errors.New("specVersion is missing")}
	}
	return bom, fmt.Sprintf("CycloneDX %s JSON", bom.SpecVersion), nil
}

func decodeXML(name string, data []byte, bom *cdx.BOM) error {
	dec := xml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(bom); err != nil {
		line, col := inventory.LineCol(data, dec.InputOffset())
		var se *xml.SyntaxError
		if errors.As(err, &se) {
			line, col = se.Line, 0
		}
		return &inventory.InputError{Source: name, Line: line, Column: col, Offset: dec.InputOffset(), Err: err}
	}
	const ns = "http://cyclonedx.org/schema/bom/"
	if !strings.HasPrefix(bom.XMLNS, ns) {
		return &inventory.InputError{Source: name, Line: 1, Offset: -1, Err: fmt.Errorf("namespace %q is not a CycloneDX BOM namespace", bom.XMLNS)}
	}
	v, err := parseSpecVersion(strings.TrimPrefix(bom.XMLNS, ns))
	if err != nil {
		return &inventory.InputError{Source: name, Line: 1, Offset: -1, Err: err}
	}
	bom.SpecVersion = v
	return nil
}

func parseSpecVersion(s string) (cdx.SpecVersion, error) {
	var v cdx.SpecVersion
	err := v.UnmarshalJSON([]byte(`"` + s + `"`))
	if err != nil || v == 0 {
		return 0, fmt.Errorf("CycloneDX version %q is not supported", s)
	}
	return v, nil
}
