package djicloud

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/embargo-dev/embargo/inventory"
	"github.com/embargo-dev/embargo/inventory/internal/jsonwalk"
)

// Reader reads DJI FlightHub 2 and Cloud API device lists.
type Reader struct{}

// Name implements inventory.Reader.
func (Reader) Name() string { return "dji-cloud" }

// Sniff implements inventory.Reader: a JSON object holding a list and
// DJI's device_model with its sub_type (or a device_model_key).
func (Reader) Sniff(_ string, head []byte) bool {
	h := bytes.TrimLeft(bytes.TrimPrefix(bytes.TrimLeft(head, " \t\r\n"), []byte("\xef\xbb\xbf")), " \t\r\n")
	return bytes.HasPrefix(h, []byte("{")) && bytes.Contains(h, []byte(`"list"`)) && bytes.Contains(h, []byte(`"device_model`)) &&
		(bytes.Contains(h, []byte(`"sub_type"`)) || bytes.Contains(h, []byte(`"device_model_key"`)))
}

var (
	rootFields = jsonwalk.Paths("code", "message",
		"data/pagination/page", "data/pagination/page_size", "data/pagination/total",
		"pagination/page", "pagination/page_size", "pagination/total")
	rootLists = map[string]bool{"data/list": true, "list": true}
)

// Read implements inventory.Reader.
func (Reader) Read(ctx context.Context, name string, in io.Reader, lim inventory.Limits) (*inventory.Inventory, error) {
	w := jsonwalk.New(ctx, name, in, lim)
	b := &builder{source: name, lim: lim, inv: &inventory.Inventory{Source: name}, at: map[string]int{}, shapes: map[string]bool{}}
	docs := 0
	err := w.Documents(func(doc string, off int64) error {
		docs++
		return b.document(w, doc, off)
	})
	if err == nil && docs == 0 {
		err = &inventory.InputError{Source: name, Offset: 0, Err: errors.New("the input is empty")}
	}
	if err != nil {
		return nil, w.Fail(err)
	}
	b.emit()
	var shapes []string
	for s := range b.shapes {
		shapes = append(shapes, s)
	}
	slices.Sort(shapes)
	if len(shapes) == 0 {
		shapes = []string{"device list"}
	}
	b.inv.Format = "DJI " + strings.Join(shapes, " and ") + " JSON"
	if u := w.BadUTF8(); u != nil {
		b.inv.Unknowns = append(b.inv.Unknowns, *u)
	}
	return b.inv, nil
}

// document reads one response: its code, its list and its page.
func (b *builder) document(w *jsonwalk.Walker, doc string, off int64) error {
	root := jsonwalk.NewRecord(inventory.Location{Source: b.source, Ref: doc, Offset: off})
	listed := false
	err := w.Fields(root, rootFields, rootLists, "", doc, func(_, ptr string, off int64) error {
		listed = true
		return b.list(w, ptr, off)
	})
	if err != nil {
		return err
	}
	if code := strings.TrimSpace(root.Vals["code"]); code != "" && code != "0" {
		return &inventory.InputError{Source: b.source, Offset: off,
			Err: fmt.Errorf("DJI's API answered with error %s (%q): the response holds no device list", inventory.Clip(code), inventory.Clip(root.Vals["message"]))}
	}
	if !listed {
		return &inventory.InputError{Source: b.source, Offset: off, Err: errors.New("not a DJI device list: no data.list")}
	}
	b.notes(root.Notes, "")
	b.page(root, doc, off)
	return nil
}

// page records where a page of a paged listing stands, and says when
// devices of later pages are not in the input.
func (b *builder) page(root *jsonwalk.Record, doc string, off int64) {
	prefix := "data/pagination/"
	if root.Vals[prefix+"total"] == "" {
		prefix = "pagination/"
	}
	num := func(k string) (int, bool) {
		n, err := strconv.Atoi(strings.TrimSpace(root.Vals[prefix+k]))
		return n, err == nil && n >= 0
	}
	page, ok1 := num("page")
	size, ok2 := num("page_size")
	total, ok3 := num("total")
	if !ok1 || !ok2 || !ok3 || size == 0 {
		return
	}
	loc := inventory.Location{Source: b.source, Ref: doc + "/" + strings.TrimSuffix(prefix, "/"), Offset: off}
	p := inventory.Page{Collection: fmt.Sprintf("DJI device list of %d devices in pages of %d", total, size), Location: loc}
	if int64(page)*int64(size) < int64(total) {
		p.Next = "page " + strconv.Itoa(page+1)
		b.unknown(loc, "", fmt.Sprintf("page %d of a listing of %d devices in pages of %d: the devices of the pages after it are not in this input", page, total, size))
	}
	b.inv.Pages = append(b.inv.Pages, p)
}

// list reads a response's list of devices or groups of devices.
func (b *builder) list(w *jsonwalk.Walker, ptr string, off int64) error {
	switch k, _ := w.Peek(); k {
	case 'n':
		return w.Skip()
	case '[':
	default:
		b.unknown(inventory.Location{Source: b.source, Ref: ptr, Offset: off}, "", fmt.Sprintf("list is a JSON %s, not an array", jsonwalk.KindName(k)))
		return w.Skip()
	}
	return w.Array(func(i int, off int64) error {
		loc := inventory.Location{Source: b.source, Ref: ptr + "/" + strconv.Itoa(i), Offset: off}
		if k, _ := w.Peek(); k != '{' {
			b.unknown(loc, "", fmt.Sprintf("an entry of the list that is a JSON %s, not an object", jsonwalk.KindName(k)))
			return w.Skip()
		}
		return b.entry(w, loc)
	})
}

func (b *builder) unknown(loc inventory.Location, name, reason string) {
	b.inv.Unknowns = append(b.inv.Unknowns, inventory.Unknown{Location: loc, Name: inventory.Clip(name), Reason: reason})
}

// notes adds what could not be read of a record, on host.
func (b *builder) notes(us []inventory.Unknown, host string) {
	for _, u := range us {
		u.Location.Host = host
		b.inv.Unknowns = append(b.inv.Unknowns, u)
	}
}
