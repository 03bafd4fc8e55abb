// Package spdx reads SPDX 2.2 and 2.3 documents (JSON and tag-value; 2.1
// tag-value as well) into inventory items, with
// github.com/spdx/tools-golang's model. Every package becomes an item;
// every file becomes a File item whose path catalogue path globs can
// match. The decoded document is kept, in the library's latest model
// (spdx.Document), for a writer that returns it annotated.
//
// Parts that cannot be read become unknowns rather than failing the
// document: a JSON package or file that does not decode (a supplier
// without "Organization:" or "Person:", a number where a string belongs)
// and a tag-value line the library rejects (an unknown tag, a malformed
// checksum) are listed with their position and the rest is read.
package spdx

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spdx/tools-golang/spdx"

	"github.com/embargo-dev/embargo/inventory"
)

// Reader reads SPDX documents.
type Reader struct{}

// Name implements inventory.Reader.
func (Reader) Name() string { return "spdx" }

// Sniff implements inventory.Reader: a JSON object with an spdxVersion
// key, or tag-value text whose first tag is SPDXVersion.
func (Reader) Sniff(_ string, head []byte) bool {
	h := trimStart(head)
	if len(h) == 0 {
		return false
	}
	if h[0] == '{' {
		return bytes.Contains(head, []byte(`"spdxVersion"`))
	}
	for len(h) > 0 {
		line := h
		if i := bytes.IndexByte(h, '\n'); i >= 0 {
			line, h = h[:i], h[i+1:]
		} else {
			h = nil
		}
		line = bytes.TrimSpace(line)
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		return bytes.HasPrefix(line, []byte("SPDXVersion:"))
	}
	return false
}

// Read implements inventory.Reader.
func (r Reader) Read(ctx context.Context, name string, in io.Reader, lim inventory.Limits) (*inventory.Inventory, error) {
	data, err := inventory.ReadAll(in, lim.MaxBytes)
	if err != nil {
		return nil, &inventory.InputError{Source: name, Offset: -1, Err: err}
	}
	blankBOM(data)
	h := trimStart(data)
	if len(h) == 0 {
		return nil, &inventory.InputError{Source: name, Offset: 0, Err: errors.New("empty document")}
	}
	if err := inventory.CheckUTF8(name, data); err != nil {
		return nil, err
	}
	var (
		doc      *spdx.Document
		format   string
		unknowns []inventory.Unknown
		lines    map[string]int
	)
	if h[0] == '{' {
		doc, unknowns, err = decodeJSON(name, data)
		format = "JSON"
	} else {
		doc, lines, unknowns, err = decodeTagValue(ctx, name, data)
		format = "tag-value"
	}
	if err != nil {
		return nil, err
	}
	inv := &inventory.Inventory{
		Source:   name,
		Format:   fmt.Sprintf("SPDX %s %s", strings.TrimPrefix(doc.SPDXVersion, "SPDX-"), format),
		Document: doc,
		Unknowns: unknowns,
	}
	if err := collect(ctx, inv, doc, lines, lim); err != nil {
		return nil, err
	}
	return inv, nil
}

// supported reports whether v is an SPDX version this reader decodes.
func supported(v string) bool {
	switch v {
	case "SPDX-2.1", "SPDX-2.2", "SPDX-2.3":
		return true
	}
	return false
}

func trimStart(b []byte) []byte {
	b = bytes.TrimLeft(b, " \t\r\n")
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	return bytes.TrimLeft(b, " \t\r\n")
}

// blankBOM overwrites a leading byte order mark with spaces, which keeps
// every offset as it is in the input.
func blankBOM(data []byte) {
	i := len(data) - len(bytes.TrimLeft(data, " \t\r\n"))
	if bytes.HasPrefix(data[i:], []byte("\xef\xbb\xbf")) {
		copy(data[i:], "   ")
	}
}
