package intune

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/embargo-dev/embargo/inventory"
)

// GraphReader reads Microsoft Graph JSON of Intune's managedDevices and
// detectedApps.
type GraphReader struct{}

// Name implements inventory.Reader.
func (GraphReader) Name() string { return "intune-graph" }

// graphFormat is Inventory.Format of what GraphReader reads.
const graphFormat = "Microsoft Graph Intune managedDevices/detectedApps JSON"

// Markers of Graph documents of Intune, looked for in the head: names
// only, since PowerShell's ConvertTo-Json puts two spaces after a colon.
var (
	contextMarker = []byte(`"@odata.context"`)
	metadataHash  = []byte(`$metadata#`)
	typeMarkers   = [][]byte{[]byte(`#microsoft.graph.detectedApp"`), []byte(`ManagedDevice"`), []byte(`#microsoft.graph.managedDevice"`)}
	ownerMarker   = []byte(`"managedDeviceOwnerType"`)
	sizeMarker    = []byte(`"sizeInByte"`)
	nameMarker    = []byte(`"displayName"`)
)

// Sniff implements inventory.Reader: a JSON object or array whose
// context URL names managedDevices or detectedApps, or whose first
// resource has a property or type only these resources have.
func (GraphReader) Sniff(_ string, head []byte) bool {
	h := bytes.TrimLeft(headText(head), " \t\r\n")
	if len(h) == 0 || h[0] != '{' && h[0] != '[' {
		return false
	}
	if i := bytes.Index(h, contextMarker); i >= 0 {
		rest := bytes.TrimLeft(h[i+len(contextMarker):], " \t\r\n:")
		url, _, _ := bytes.Cut(bytes.TrimPrefix(rest, []byte(`"`)), []byte(`"`)) // or as much as the head holds
		if bytes.Contains(url, metadataHash) {
			if k := parseContext(string(url)).kind; k == kindDevice || k == kindApp {
				return true
			}
		}
	}
	if bytes.Contains(h, []byte(`"@odata.type"`)) {
		for _, m := range typeMarkers {
			if bytes.Contains(h, m) {
				return true
			}
		}
	}
	return bytes.Contains(h, ownerMarker) || bytes.Contains(h, sizeMarker) && bytes.Contains(h, nameMarker)
}

// Read implements inventory.Reader. Resources are decoded one at a time
// from the token stream, so memory is bounded by the largest resource
// and by what is kept of each, not by the document.
//
// A document that ends early (a download or a copy cut short) is an
// InputError, even when whole resources were read before the cut: a
// saved page that is cut gives no sign of how much of it is missing,
// which of a tenant's devices and apps go unseen, and an error makes the
// user save it again where an unknown among thousands of files would
// let a partial inventory pass for a whole one. The same holds for any
// document that is not JSON. Resources that are JSON but not what the
// Graph docs describe (a property of the wrong type, a string past the
// limit) are unknowns, and reading goes on.
func (GraphReader) Read(ctx context.Context, name string, in io.Reader, lim inventory.Limits) (*inventory.Inventory, error) {
	return readGraph(ctx, name, in, lim, false)
}

// readGraph is Read; slow turns off the fast path for apps, for tests to
// compare.
func readGraph(ctx context.Context, name string, in io.Reader, lim inventory.Limits, slow bool) (*inventory.Inventory, error) {
	text, wide, err := utf8Text(inventory.LimitReader(in, lim.MaxBytes))
	if err != nil {
		return nil, &inventory.InputError{Source: name, Offset: 0, Err: err}
	}
	w := newWalker(ctx, name, text, lim, slow)
	defer w.release()
	if err := w.run(); err != nil {
		if ctx.Err() != nil && errors.Is(err, ctx.Err()) {
			return nil, err
		}
		return nil, w.inputError(err, wide)
	}
	if w.next != nil {
		w.incomplete()
	}
	switch {
	case w.docs == 0:
		return nil, &inventory.InputError{Source: name, Offset: 0, Err: errors.New("the document is empty")}
	case w.found:
	case w.foreign != "":
		return nil, &inventory.InputError{Source: name, Line: 1, Offset: 0,
			Err: fmt.Errorf("a page of %s, not of managedDevices or detectedApps", clip(w.foreign))}
	case w.gerr != "":
		return nil, &inventory.InputError{Source: name, Line: 1, Offset: 0,
			Err: fmt.Errorf("a Graph error response, not a page of managedDevices or detectedApps: %s", clip(w.gerr))}
	case len(w.inv.Unknowns) > 0:
		u := w.inv.Unknowns[0]
		return nil, &inventory.InputError{Source: name, Line: u.Location.Line, Offset: -1,
			Err: fmt.Errorf("no Graph page, managedDevice or detectedApp (first: %s at %q)", u.Reason, u.Location.Ref)}
	}
	inv := *w.inv
	inv.Items = exact(inv.Items)
	inv.Devices = inventory.MergeDevices(inv.Devices)
	return &inv, nil
}

// Walkers are pooled with their decoder and scratch space, which a tenant
// of thousands of files would otherwise make afresh for each.
var walkers = sync.Pool{New: func() any {
	w := &walker{lines: &lineCounter{}}
	w.dec = jsontext.NewDecoder(w.lines, jsontext.AllowDuplicateNames(true))
	return w
}}

// noInput is what a pooled walker's decoder reads, so as not to hold on
// to an input.
var noInput = bytes.NewReader(nil)

func newWalker(ctx context.Context, name string, text io.Reader, lim inventory.Limits, slow bool) *walker {
	w := walkers.Get().(*walker)
	*w.lines = lineCounter{r: text, nl: w.lines.nl[:0]}
	w.dec.Reset(w.lines, jsontext.AllowDuplicateNames(true))
	*w = walker{
		ctx: ctx, dec: w.dec, lines: w.lines, src: name, lim: lim, slow: slow,
		inv:    &inventory.Inventory{Source: name, Format: graphFormat, Items: getItems()},
		levels: w.levels, pend: w.pend[:0], key: w.key[:0], ref: w.ref[:0], buf: w.buf[:0],
		slab: w.slab, slabSize: w.slabSize, // the rest of a block is no item's
	}
	return w
}

// release gives the walker back to the pool, its items list to theirs.
func (w *walker) release() {
	putItems(w.inv.Items)
	w.lines.r = nil
	w.dec.Reset(noInput)
	w.ctx, w.inv = nil, nil
	walkers.Put(w)
}

// Items are gathered in a list from a pool and handed out in one of
// their number: a list grown by doubling would allocate twice as much.
var itemLists = sync.Pool{New: func() any { return new([]inventory.Item) }}

// maxPooled is the longest item list kept in the pool (1.4 MB).
const maxPooled = 1 << 13

func getItems() []inventory.Item { return (*itemLists.Get().(*[]inventory.Item))[:0] }

func putItems(l []inventory.Item) {
	if cap(l) > maxPooled {
		return
	}
	clear(l) // beyond its length a pooled list is still zero
	l = l[:0]
	itemLists.Put(&l)
}

// exact is a copy of the items in a list of their length, or the list
// itself when it is too long to go back to the pool.
func exact(l []inventory.Item) []inventory.Item {
	switch {
	case len(l) == 0:
		return nil
	case cap(l) > maxPooled:
		return l
	}
	return append(make([]inventory.Item, 0, len(l)), l...)
}

// inputError places a decoding error in the input. Offsets are of the
// UTF-8 text, so a UTF-16 input's error gives only the line.
func (w *walker) inputError(err error, wide bool) error {
	var ie *inventory.InputError
	if errors.As(err, &ie) {
		return ie
	}
	off := w.dec.InputOffset()
	var se *jsontext.SyntacticError
	if errors.As(err, &se) {
		off = se.ByteOffset
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		err = fmt.Errorf("the document ends early, cut short at byte %d of its text: %w", off, err)
	}
	e := &inventory.InputError{Source: w.src, Line: w.lines.line(off), Offset: off, Err: err}
	if wide {
		e.Offset = -1
	}
	return e
}
