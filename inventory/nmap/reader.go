package nmap

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/embargo-dev/embargo/inventory"
)

// Reader reads Nmap XML output.
type Reader struct{}

// Name implements inventory.Reader.
func (Reader) Name() string { return "nmap-xml" }

// Sniff implements inventory.Reader: XML whose head names Nmap's root
// element, as its <!DOCTYPE nmaprun> or the <nmaprun> itself.
func (Reader) Sniff(_ string, head []byte) bool {
	h := bytes.TrimLeft(head, " \t\r\n\xef\xbb\xbf")
	return len(h) > 0 && h[0] == '<' &&
		(bytes.Contains(h, []byte("<!DOCTYPE nmaprun")) || bytes.Contains(h, []byte("<nmaprun")))
}

// run is the state of one read.
type run struct {
	ctx   context.Context
	name  string
	lim   inventory.Limits
	l     *lexer
	inv   *inventory.Inventory
	hosts int              // <host> elements seen
	h     host             // the host being read
	upnp  map[string]*upnp // broadcast-upnp-info answers by address
	order []string         // their addresses, in order
	ended bool             // <runstats> was read

	tables []string // scratch of script
	text   []byte
	// strs interns short attribute values and texts: a network's hosts
	// repeat the same vendors, products, script ids and certificate
	// fields, and one string for each saves the allocations.
	strs map[string]string
}

// Read implements inventory.Reader.
func (Reader) Read(ctx context.Context, name string, in io.Reader, lim inventory.Limits) (*inventory.Inventory, error) {
	rd := &run{ctx: ctx, name: name, lim: lim, l: newLexer(inventory.LimitReader(in, lim.MaxBytes), max(lim.MaxDepth, 1)),
		upnp: map[string]*upnp{}}
	if err := rd.root(); err != nil {
		return nil, rd.inputError(err)
	}
	rd.inv = &inventory.Inventory{Source: name, Format: "Nmap XML"}
	if v := rd.attr("version"); v != "" {
		rd.inv.Format = "Nmap " + inventory.Clip(v) + " XML"
	}
	err := rd.body()
	var se *syntaxError
	if errors.As(err, &se) && se.cut {
		if rd.h.open {
			rd.cutHost()
		}
		err = nil
	}
	if err != nil {
		return nil, rd.inputError(err)
	}
	if err := rd.broadcastHosts(); err != nil {
		return nil, rd.inputError(err)
	}
	if !rd.ended {
		rd.inv.Unknowns = append(rd.inv.Unknowns, inventory.Unknown{
			Location: inventory.Location{Source: name, Line: rd.l.line},
			Reason: fmt.Sprintf("the Nmap run is incomplete: the file ends at line %d without <runstats>, which Nmap writes when a scan ends; "+
				"hosts it had not reported yet are not listed", rd.l.line),
		})
	}
	return rd.inv, nil
}

// inputError places err in the input.
func (rd *run) inputError(err error) error {
	var se *syntaxError
	if errors.As(err, &se) {
		return &inventory.InputError{Source: rd.name, Line: se.line, Offset: -1, Err: errors.New(se.msg)}
	}
	var ie *inventory.InputError
	if errors.As(err, &ie) {
		return err
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return &inventory.InputError{Source: rd.name, Line: rd.l.line, Offset: -1, Err: err}
}

// root reads up to the <nmaprun> start tag.
func (rd *run) root() error {
	for {
		if err := rd.l.next(); err != nil {
			return err
		}
		switch rd.l.kind {
		case tokEOF:
			return &syntaxError{line: rd.l.line, msg: "no <nmaprun> element: not Nmap XML output"}
		case tokText:
			if len(bytes.TrimSpace(rd.l.text)) > 0 {
				return &syntaxError{line: rd.l.at, msg: "text before the root element: not Nmap XML output"}
			}
		case tokStart:
			if string(rd.l.name) != "nmaprun" {
				return &syntaxError{line: rd.l.at, msg: fmt.Sprintf("the root element is <%s>, not <nmaprun>: not Nmap XML output", clip(rd.l.name))}
			}
			return nil
		}
	}
}

// body reads the elements of <nmaprun> and what follows it.
func (rd *run) body() error {
	l := rd.l
	for {
		if err := l.next(); err != nil {
			return err
		}
		switch {
		case l.kind == tokEOF:
			return nil
		case l.kind == tokStart && l.depth() == 1:
			return &syntaxError{line: l.at, msg: fmt.Sprintf("a second root element <%s>", clip(l.name))}
		case l.kind == tokStart:
			if err := rd.element(); err != nil {
				return err
			}
		}
	}
}

// element reads one child of <nmaprun>.
func (rd *run) element() error {
	switch string(rd.l.name) {
	case "host":
		rd.hosts++
		if rd.hosts%256 == 0 {
			if err := rd.ctx.Err(); err != nil {
				return err
			}
		}
		if rd.hosts%4096 == 0 { // the devices so far are final: attribution may start
			inventory.ItemsReady(rd.ctx, rd.inv.Items)
		}
		return rd.host()
	case "prescript", "postscript":
		return rd.scripts()
	case "runstats":
		return rd.runstats()
	}
	return rd.skip()
}

// skip reads to the end of the element just started.
func (rd *run) skip() error {
	for d := rd.l.depth(); rd.l.depth() >= d; {
		if err := rd.l.next(); err != nil {
			return err
		}
	}
	return nil
}

// runstats reads <runstats>: the run ended, with an error if Nmap says so.
func (rd *run) runstats() error {
	for d := rd.l.depth(); ; {
		if err := rd.l.next(); err != nil {
			return err
		}
		if rd.l.depth() < d {
			break
		}
		if rd.l.kind == tokStart && string(rd.l.name) == "finished" && string(rd.attrBytes("exit")) == "error" {
			msg := rd.attr("errormsg")
			if msg == "" {
				msg = "no message"
			}
			rd.inv.Unknowns = append(rd.inv.Unknowns, inventory.Unknown{Location: inventory.Location{Source: rd.name, Ref: "runstats", Line: rd.l.at},
				Reason: "Nmap ended the run with an error: " + inventory.Clip(msg)})
		}
	}
	rd.ended = true
	return nil
}

// attr returns the value of an attribute of the current start tag.
func (rd *run) attr(name string) string { return rd.intern(rd.attrBytes(name)) }

// Bounds of the interned strings.
const (
	internMaxLen = 64
	internMax    = 1 << 13
)

// intern returns b as a string, the same string for the same short
// bytes.
func (rd *run) intern(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if len(b) > internMaxLen {
		return string(b)
	}
	if s, ok := rd.strs[string(b)]; ok {
		return s
	}
	s := string(b)
	if rd.strs == nil {
		rd.strs = map[string]string{}
	}
	if len(rd.strs) < internMax {
		rd.strs[s] = s
	}
	return s
}

// attrBytes returns the value of an attribute of the current start tag,
// valid until the next token.
func (rd *run) attrBytes(name string) []byte {
	for _, a := range rd.l.attrs {
		if string(a.name) == name {
			return a.value
		}
	}
	return nil
}
