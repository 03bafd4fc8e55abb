package discover

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"strings"
	"time"

	"github.com/gosnmp/gosnmp"
)

// AuthProtocol is an SNMPv3 authentication protocol, as snmpd.conf(5)'s
// createUser spells it: MD5, SHA (SHA-1), SHA-224, SHA-256, SHA-384,
// SHA-512.
type AuthProtocol string

// PrivProtocol is an SNMPv3 privacy protocol: DES, AES (AES-128),
// AES-192 and AES-256 with the key extension of draft-blumenthal-aes-usm,
// AES-192-C and AES-256-C with Reeder's (the one Cisco uses), as gosnmp
// names them AES192/AES256 and AES192C/AES256C.
type PrivProtocol string

var (
	authProtocols = []AuthProtocol{"MD5", "SHA", "SHA-224", "SHA-256", "SHA-384", "SHA-512"}
	privProtocols = []PrivProtocol{"DES", "AES", "AES-192", "AES-256", "AES-192-C", "AES-256-C"}
)

// ParseAuthProtocol reads an authentication protocol's name, case and
// dashes aside ("sha256", "SHA-256"); "SHA1" is SHA.
func ParseAuthProtocol(s string) (AuthProtocol, error) {
	k := protoKey(s)
	if k == "SHA1" {
		return "SHA", nil
	}
	for _, p := range authProtocols {
		if protoKey(string(p)) == k {
			return p, nil
		}
	}
	return "", fmt.Errorf("v3: authentication protocol %q is not one of %v", key(s), authProtocols)
}

// ParsePrivProtocol reads a privacy protocol's name, case and dashes
// aside ("aes256", "AES-256"); "AES128" is AES.
func ParsePrivProtocol(s string) (PrivProtocol, error) {
	k := protoKey(s)
	if k == "AES128" {
		return "AES", nil
	}
	for _, p := range privProtocols {
		if protoKey(string(p)) == k {
			return p, nil
		}
	}
	return "", fmt.Errorf("v3: privacy protocol %q is not one of %v", key(s), privProtocols)
}

func protoKey(s string) string {
	return strings.ToUpper(strings.NewReplacer("-", "", "_", "").Replace(s))
}

// engine is what an SNMPv3 agent's discovery report gave: its engine ID,
// boots and time (RFC 3414 section 4), and when that was read.
type engine struct {
	id          string
	boots, time uint32
	at          time.Time
}

// String notes the engine ID and the enterprise number in its first
// four octets (SnmpEngineID, RFC 3411), which is not secret.
func (e *engine) String() string {
	s := "SNMPv3 engine ID " + hex.EncodeToString([]byte(e.id))
	if b := []byte(e.id); len(b) >= 4 {
		pen := uint32(b[0]&0x7f)<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
		s += fmt.Sprintf(" (enterprise %d)", pen)
	}
	return s
}

// decodeUnauthenticated decodes what needs no key: a discovery report,
// or a report of an authentication failure, which USM sends without
// authentication. gosnmp's decoder wants a user name in its settings,
// although none is checked when decoding.
func decodeUnauthenticated(b []byte) (*gosnmp.SnmpPacket, error) {
	g := &gosnmp.GoSNMP{
		Version: gosnmp.Version3, SecurityModel: gosnmp.UserSecurityModel, MsgFlags: gosnmp.NoAuthNoPriv,
		SecurityParameters: &gosnmp.UsmSecurityParameters{UserName: "unauthenticated"},
	}
	return decode(func() (*gosnmp.SnmpPacket, error) { return g.SnmpDecodePacket(b) })
}

// askEngine sends the empty, unauthenticated, reportable GET that an
// agent answers with a report naming its engine.
func askEngine(ctx context.Context, s *Session, a netip.Addr) (*engine, bool, error) {
	id := rand.Uint32() & 0x7fffffff
	var eng *engine
	got, err := exchange(ctx, s, Probe{Prober: "snmp", Target: port(a, 161), Transport: "udp",
		What: "SNMPv3 engine discovery (empty GET, noAuthNoPriv, no user)"},
		func() ([]byte, error) {
			return (&gosnmp.SnmpPacket{
				Version: gosnmp.Version3, MsgFlags: gosnmp.Reportable | gosnmp.NoAuthNoPriv,
				SecurityModel: gosnmp.UserSecurityModel, SecurityParameters: &gosnmp.UsmSecurityParameters{},
				PDUType: gosnmp.GetRequest, MsgID: id, RequestID: id,
			}).MarshalMsg()
		},
		func(b []byte) (bool, error) {
			e, done, err := readEngine(b, id)
			eng = e
			return done, err
		})
	return eng, got, err
}

// readEngine reads a datagram that may answer the discovery request
// numbered id.
func readEngine(b []byte, id uint32) (eng *engine, done bool, err error) {
	r, err := decodeUnauthenticated(b)
	if err != nil {
		return nil, true, fmt.Errorf("malformed answer (%d bytes): %w", len(b), err)
	}
	if r.MsgID != id {
		return nil, false, nil
	}
	usm, ok := r.SecurityParameters.(*gosnmp.UsmSecurityParameters)
	switch {
	case r.PDUType != gosnmp.Report:
		return nil, true, fmt.Errorf("answered with a %v, not a Report", r.PDUType)
	case !ok || len(usm.AuthoritativeEngineID) < 5 || len(usm.AuthoritativeEngineID) > 32:
		return nil, true, errors.New("the report has no engine ID of 5 to 32 octets")
	}
	return &engine{id: usm.AuthoritativeEngineID, boots: usm.AuthoritativeEngineBoots, time: usm.AuthoritativeEngineTime, at: time.Now()}, true, nil
}

// getV3 asks as a USM user of the engine eng (nil in a dry run).
func getV3(ctx context.Context, s *Session, a netip.Addr, c Credential, eng *engine, i, n int) (*gosnmp.SnmpPacket, bool, error) {
	var (
		g    *gosnmp.GoSNMP
		want uint32
		pkt  *gosnmp.SnmpPacket
	)
	request := func() ([]byte, error) {
		var err error
		g, err = v3Client(c, eng)
		if err != nil {
			return nil, err
		}
		base := rand.Uint32()
		g.SetMsgID(base)
		g.SetRequestID(base)
		want = (base + 1) & 0x7fffffff
		return g.SnmpEncodePacket(gosnmp.GetRequest, systemPDUs, 0, 0)
	}
	got, err := exchange(ctx, s, Probe{Prober: "snmp", Target: port(a, 161), Transport: "udp",
		What: fmt.Sprintf("SNMPv3 %s (credential %d of %d, %s)", snmpGetWhat, i+1, n, c.Level())},
		request,
		func(b []byte) (bool, error) {
			r, done, err := readV3(g, b, want)
			pkt = r
			return done, err
		})
	return pkt, got, err
}

// readV3 reads a datagram that may answer the request numbered want
// (its msgID). An answer must pass the user's authentication, except a
// report, which USM sends unauthenticated when authentication failed.
func readV3(g *gosnmp.GoSNMP, b []byte, want uint32) (pkt *gosnmp.SnmpPacket, done bool, err error) {
	// UnmarshalTrap is gosnmp's one exported decoder that checks an
	// answer's digest against the user's key; it reads any PDU.
	r, err := decode(func() (*gosnmp.SnmpPacket, error) { return g.UnmarshalTrap(b, false) })
	if err != nil {
		// An unauthenticated message may be a report; one that claims
		// authentication and fails it is no answer of the agent's.
		u, uerr := decodeUnauthenticated(b)
		switch {
		case uerr != nil:
			return nil, true, fmt.Errorf("an answer that fails authentication or is malformed (%d bytes): %w", len(b), err)
		case u.MsgID != want:
			return nil, false, nil
		case u.PDUType != gosnmp.Report:
			return nil, true, fmt.Errorf("an unauthenticated %v: %w", u.PDUType, err)
		}
		return nil, true, usmReport(u)
	}
	switch {
	case r.SecurityModel != gosnmp.UserSecurityModel:
		// gosnmp checks the digest of USM messages only.
		return nil, true, fmt.Errorf("an answer of security model %d, not USM", r.SecurityModel)
	case r.MsgID != want:
		return nil, false, nil
	case r.PDUType == gosnmp.Report:
		return nil, true, usmReport(r)
	case r.MsgFlags&gosnmp.AuthPriv != g.MsgFlags&gosnmp.AuthPriv:
		return nil, true, fmt.Errorf("a %v at security level %v, not the request's", r.PDUType, r.MsgFlags&gosnmp.AuthPriv)
	case r.PDUType != gosnmp.GetResponse:
		return nil, true, fmt.Errorf("answered with a %v, not a GetResponse", r.PDUType)
	case r.Error != gosnmp.NoError:
		return nil, true, &report{what: fmt.Sprintf("error-status %v", r.Error)}
	}
	return r, true, nil
}

// v3Client holds a user's keys, localised to the engine.
func v3Client(c Credential, eng *engine) (*gosnmp.GoSNMP, error) {
	usm := &gosnmp.UsmSecurityParameters{
		UserName:                 c.User,
		AuthoritativeEngineID:    eng.id,
		AuthoritativeEngineBoots: eng.boots,
		AuthoritativeEngineTime:  eng.time + uint32(time.Since(eng.at)/time.Second),
		AuthenticationProtocol:   gosnmp.NoAuth,
		PrivacyProtocol:          gosnmp.NoPriv,
	}
	flags := gosnmp.NoAuthNoPriv
	if c.Auth != "" {
		flags = gosnmp.AuthNoPriv
		usm.AuthenticationProtocol = authProtocolIDs[c.Auth]
		usm.AuthenticationPassphrase = c.AuthPass
	}
	if c.Priv != "" {
		flags = gosnmp.AuthPriv
		usm.PrivacyProtocol = privProtocolIDs[c.Priv]
		usm.PrivacyPassphrase = c.PrivPass
	}
	if err := usm.InitSecurityKeys(); err != nil {
		return nil, fmt.Errorf("deriving the keys: %w", err)
	}
	return &gosnmp.GoSNMP{
		Version: gosnmp.Version3, SecurityModel: gosnmp.UserSecurityModel, MsgFlags: flags,
		SecurityParameters: usm, ContextEngineID: eng.id, ContextName: c.Context,
	}, nil
}

var (
	authProtocolIDs = map[AuthProtocol]gosnmp.SnmpV3AuthProtocol{
		"MD5": gosnmp.MD5, "SHA": gosnmp.SHA, "SHA-224": gosnmp.SHA224,
		"SHA-256": gosnmp.SHA256, "SHA-384": gosnmp.SHA384, "SHA-512": gosnmp.SHA512,
	}
	privProtocolIDs = map[PrivProtocol]gosnmp.SnmpV3PrivProtocol{
		"DES": gosnmp.DES, "AES": gosnmp.AES, "AES-192": gosnmp.AES192,
		"AES-256": gosnmp.AES256, "AES-192-C": gosnmp.AES192C, "AES-256-C": gosnmp.AES256C,
	}
)

// usmReports name the counters a USM report carries (SNMP-USER-BASED-SM-MIB,
// RFC 3414, usmStats 1.3.6.1.6.3.15.1.1) and what they usually mean here.
var usmReports = map[string]string{
	".1.3.6.1.6.3.15.1.1.1.0": "usmStatsUnsupportedSecLevels (the user does not exist at this security level)",
	".1.3.6.1.6.3.15.1.1.2.0": "usmStatsNotInTimeWindows (the engine's clock moved)",
	".1.3.6.1.6.3.15.1.1.3.0": "usmStatsUnknownUserNames (no such user)",
	".1.3.6.1.6.3.15.1.1.4.0": "usmStatsUnknownEngineIDs",
	".1.3.6.1.6.3.15.1.1.5.0": "usmStatsWrongDigests (wrong authentication pass phrase or protocol)",
	".1.3.6.1.6.3.15.1.1.6.0": "usmStatsDecryptionErrors (wrong privacy pass phrase or protocol)",
}

// usmReport turns a report into a note.
func usmReport(r *gosnmp.SnmpPacket) error {
	if len(r.Variables) == 0 {
		return &report{what: "an empty report"}
	}
	name := "." + strings.TrimPrefix(r.Variables[0].Name, ".")
	if what, ok := usmReports[name]; ok {
		return &report{what: "the agent reported " + what}
	}
	if !dottedOID(strings.TrimPrefix(name, ".")) {
		name = "a malformed OID"
	}
	return &report{what: "the agent reported " + name}
}
