package discover

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"os"
	"slices"
	"strings"
	"syscall"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/gosnmp/gosnmp"

	"github.com/embargo-dev/embargo/inventory"
	"github.com/embargo-dev/embargo/inventory/discovery"
)

// SNMP asks an agent on udp/161 for the system group's sysObjectID.0,
// sysDescr.0 and sysName.0 (SNMPv2-MIB, RFC 3418), trying its
// credentials in order until one gets the values. gosnmp encodes and
// decodes the messages; every datagram travels on a connection the
// Session opened, one connection per probe, so gosnmp never opens a
// socket itself. SNMPv3 first asks the agent's engine ID, boots and time
// with an empty unauthenticated GET (RFC 3414 section 4), once per
// address and only when a v3 credential is reached; that is a probe of
// its own.
//
// Silence is no answer. An ICMP port unreachable ends the probing of
// the address: it is there, without an agent. A USM report (a wrong
// digest, an unknown user) or an error-status is a note, and the next
// credential is tried. A datagram gosnmp cannot decode, or an SNMPv3
// answer that fails authentication, is an error.
type SNMP struct{ creds []Credential }

// NewSNMP returns the SNMP prober. With no credentials it sends nothing:
// leave it out of the run instead (discovery never guesses "public").
func NewSNMP(creds []Credential) *SNMP { return &SNMP{creds: slices.Clone(creds)} }

// Name is "snmp".
func (*SNMP) Name() string { return "snmp" }

// The objects asked, numeric as gosnmp writes them.
const (
	oidSysDescr    = ".1.3.6.1.2.1.1.1.0"
	oidSysObjectID = ".1.3.6.1.2.1.1.2.0"
	oidSysName     = ".1.3.6.1.2.1.1.5.0"
	snmpGetWhat    = "GET sysObjectID.0 sysDescr.0 sysName.0"
)

var systemPDUs = []gosnmp.SnmpPDU{
	{Name: oidSysObjectID, Type: gosnmp.Null}, {Name: oidSysDescr, Type: gosnmp.Null}, {Name: oidSysName, Type: gosnmp.Null},
}

// errPortClosed is an exchange's ICMP port unreachable.
var errPortClosed = errors.New("udp/161 port unreachable: no SNMP agent")

// Probe tries each credential until one gets the system group.
func (p *SNMP) Probe(ctx context.Context, s *Session, a netip.Addr) (discovery.Observation, error) {
	var (
		st       snmpState
		eng      *engine
		engAsked bool
	)
	for i, c := range p.creds {
		which := fmt.Sprintf("credential %d of %d, %s", i+1, len(p.creds), c)
		if c.Version == SNMPv3 && !engAsked {
			engAsked = true
			var (
				got bool
				err error
			)
			eng, got, err = askEngine(ctx, s, a)
			st.ob.Answered = st.ob.Answered || got
			if eng != nil {
				st.ob.Notes = append(st.ob.Notes, eng.String())
			}
			if stop, err := st.settle(ctx, wrap("SNMPv3 engine discovery", err)); stop {
				return st.ob, err
			}
		}
		var (
			pkt *gosnmp.SnmpPacket
			got bool
			err error
		)
		switch {
		case c.Version == SNMPv2c:
			pkt, got, err = getV2c(ctx, s, a, c, i, len(p.creds))
		case eng != nil || st.dry:
			pkt, got, err = getV3(ctx, s, a, c, eng, i, len(p.creds))
		default:
			continue // no engine answered: a v3 GET would go unanswered too
		}
		st.ob.Answered = st.ob.Answered || got
		if rep := (*report)(nil); errors.As(err, &rep) {
			st.ob.Notes = append(st.ob.Notes, which+": "+rep.what)
			continue
		}
		if stop, err := st.settle(ctx, wrap(which, err)); stop {
			return st.ob, err
		}
		if pkt != nil {
			st.ob.Notes = append(st.ob.Notes, "answered "+which)
			st.errs = append(st.errs, readSystem(pkt, &st.ob))
			return st.ob, errors.Join(st.errs...)
		}
	}
	if st.dry {
		return st.ob, ErrDryRun
	}
	return st.ob, errors.Join(st.errs...)
}

// snmpState is what the probe of one address has gathered.
type snmpState struct {
	ob   discovery.Observation
	errs []error
	dry  bool
}

// settle sorts an exchange's error: a dry run's refusal is remembered,
// a closed port or the end of the run ends the probe (with the error to
// return), another fault is kept and the next credential is tried.
func (st *snmpState) settle(ctx context.Context, err error) (bool, error) {
	switch {
	case err == nil:
		return false, nil
	case errors.Is(err, ErrDryRun):
		st.dry = true
		return false, nil
	case ctx.Err() != nil:
		return true, ctx.Err()
	case errors.Is(err, errPortClosed):
		st.ob.Notes = append(st.ob.Notes, errPortClosed.Error())
		return true, errors.Join(st.errs...)
	case errors.Is(err, ErrOutsideTargets):
		return true, err
	}
	st.errs = append(st.errs, err)
	return false, nil
}

// wrap prefixes err with what was being done; nil stays nil.
func wrap(what string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", what, err)
}

// exchange sends one request on a connection of its own and hands each
// datagram that comes back to accept, until accept takes one. got says
// a datagram came; silence until the session's timeout is no answer.
func exchange(ctx context.Context, s *Session, p Probe, request func() ([]byte, error), accept func([]byte) (bool, error)) (got bool, err error) {
	c, err := s.Dial(ctx, p)
	if err != nil {
		return false, err
	}
	defer c.Close()
	stop := context.AfterFunc(ctx, func() { c.SetDeadline(time.Now()) })
	defer stop()
	req, err := request()
	if err != nil {
		return false, err
	}
	if _, err := c.Write(req); err != nil {
		return false, err
	}
	buf := make([]byte, 1<<16)
	for {
		n, err := c.Read(buf)
		switch {
		case ctx.Err() != nil:
			return false, ctx.Err()
		case errors.Is(err, syscall.ECONNREFUSED):
			return true, errPortClosed
		case errors.Is(err, os.ErrDeadlineExceeded), errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH):
			return false, nil
		case err != nil:
			return false, err
		}
		if done, err := accept(buf[:n]); done || err != nil {
			return true, err
		}
	}
}

// getV2c asks with a community.
func getV2c(ctx context.Context, s *Session, a netip.Addr, c Credential, i, n int) (*gosnmp.SnmpPacket, bool, error) {
	g := &gosnmp.GoSNMP{Version: gosnmp.Version2c, Community: c.Community}
	base := rand.Uint32()
	g.SetRequestID(base)
	want := (base + 1) & 0x7fffffff // SnmpEncodePacket takes the next ID
	var pkt *gosnmp.SnmpPacket
	got, err := exchange(ctx, s, Probe{Prober: "snmp", Target: port(a, 161), Transport: "udp",
		What: fmt.Sprintf("SNMPv2c %s (credential %d of %d)", snmpGetWhat, i+1, n)},
		func() ([]byte, error) { return g.SnmpEncodePacket(gosnmp.GetRequest, systemPDUs, 0, 0) },
		func(b []byte) (bool, error) {
			r, done, err := readV2c(g, b, want)
			pkt = r
			return done, err
		})
	return pkt, got, err
}

// readV2c reads a datagram that may answer the request numbered want:
// done is false for an answer to another request, which is skipped.
func readV2c(g *gosnmp.GoSNMP, b []byte, want uint32) (pkt *gosnmp.SnmpPacket, done bool, err error) {
	r, err := decode(func() (*gosnmp.SnmpPacket, error) { return g.SnmpDecodePacket(b) })
	switch {
	case err != nil:
		return nil, true, fmt.Errorf("malformed answer (%d bytes): %w", len(b), withhold(err, g.Community))
	case r.RequestID != want:
		return nil, false, nil
	case r.PDUType != gosnmp.GetResponse:
		return nil, true, fmt.Errorf("answered with a %v, not a GetResponse", r.PDUType)
	case r.Error != gosnmp.NoError:
		return nil, true, &report{what: fmt.Sprintf("error-status %v", r.Error)}
	}
	return r, true, nil
}

// decode runs one of gosnmp's decoders, turning a panic on a hostile
// datagram into an error.
func decode(f func() (*gosnmp.SnmpPacket, error)) (pkt *gosnmp.SnmpPacket, err error) {
	defer func() {
		if r := recover(); r != nil {
			pkt, err = nil, fmt.Errorf("gosnmp: %v", r)
		}
	}()
	return f()
}

// withhold hides a decoding error that quotes the community, raw or in
// hex, as gosnmp's messages may quote the datagram (which echoes it).
func withhold(err error, secret string) error {
	m := err.Error()
	if secret != "" && (strings.Contains(m, secret) || strings.Contains(strings.ToLower(m), hex.EncodeToString([]byte(secret)))) {
		return errors.New("details withheld: they quote the community")
	}
	return err
}

// report is an answer that carries no values: a USM report or an
// error-status. It is a note, not a fault.
type report struct{ what string }

func (r *report) Error() string { return r.what }

// readSystem adds what the system group said; a value of the wrong type
// is an error, an object the agent lacks (noSuchObject) is skipped.
func readSystem(pkt *gosnmp.SnmpPacket, ob *discovery.Observation) error {
	var errs []error
	for _, v := range pkt.Variables {
		switch v.Type {
		case gosnmp.NoSuchObject, gosnmp.NoSuchInstance, gosnmp.EndOfMibView, gosnmp.Null:
			continue
		}
		name := "." + strings.TrimPrefix(v.Name, ".")
		switch name {
		case oidSysObjectID:
			oid, ok := v.Value.(string)
			oid = strings.TrimPrefix(oid, ".")
			if v.Type != gosnmp.ObjectIdentifier || !ok || !dottedOID(oid) {
				errs = append(errs, fmt.Errorf("sysObjectID.0 is a %v, not an OBJECT IDENTIFIER", v.Type))
				continue
			}
			ob.Add(inventory.SNMPObjectID, oid)
		case oidSysDescr, oidSysName:
			b, ok := v.Value.([]byte)
			if v.Type != gosnmp.OctetString || !ok {
				errs = append(errs, fmt.Errorf("%s is a %v, not an OCTET STRING", strings.TrimPrefix(name, "."), v.Type))
				continue
			}
			f := inventory.SNMPDescr
			if name == oidSysName {
				f = inventory.Hostname
			}
			ob.Add(f, displayText(b, maxDisplayText))
		}
	}
	return errors.Join(errs...)
}

// dottedOID reports whether s is numeric arcs joined by dots.
func dottedOID(s string) bool {
	if s == "" || len(s) > 1024 {
		return false
	}
	for _, arc := range strings.Split(s, ".") {
		if arc == "" || strings.Trim(arc, "0123456789") != "" {
			return false
		}
	}
	return true
}

// maxDisplayText bounds a text attribute read from a device, in bytes.
const maxDisplayText = 512

// displayText makes device-supplied bytes one line of valid UTF-8: runs
// of white space and control characters become one space, and the text
// is cut to at most max bytes on a character boundary.
func displayText(b []byte, max int) string {
	if len(b) > 4*max {
		b = b[:4*max]
	}
	s := strings.ToValidUTF8(string(b), "\uFFFD")
	s = strings.Join(strings.FieldsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }), " ")
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return strings.TrimSpace(s[:cut])
}
