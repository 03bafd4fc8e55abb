package dhcp

import (
	"encoding/hex"
	"fmt"
	"strings"
)

// normalMAC reads a 6-octet MAC address written with colons, each octet
// one or two hex digits ("c0:56:e3:0:0:1"), as the servers print them,
// and returns it in lower-case colon form.
func normalMAC(s string) (string, error) {
	parts := strings.Split(s, ":")
	if len(parts) != 6 {
		return "", fmt.Errorf("hardware address %s is not a 6-octet MAC", clip(s))
	}
	var b [6]byte
	for i, p := range parts {
		if len(p) == 1 {
			p = "0" + p
		}
		if len(p) != 2 {
			return "", fmt.Errorf("hardware address %s is not a 6-octet MAC", clip(s))
		}
		if _, err := hex.Decode(b[i:i+1], []byte(p)); err != nil {
			return "", fmt.Errorf("hardware address %s is not a 6-octet MAC", clip(s))
		}
	}
	return macString(b[:]), nil
}

// macString writes 6 octets in lower-case colon form.
func macString(b []byte) string {
	const digits = "0123456789abcdef"
	out := make([]byte, 0, 17)
	for i, x := range b {
		if i > 0 {
			out = append(out, ':')
		}
		out = append(out, digits[x>>4], digits[x&0xf])
	}
	return string(out)
}

// duidMAC returns the MAC inside a DUID-LLT (type 1: hardware type, time,
// link-layer address) or DUID-LL (type 3: hardware type, link-layer
// address) of hardware type 1, Ethernet (RFC 8415 sections 11.2 and
// 11.4); "" for any other DUID.
func duidMAC(duid []byte) string {
	if len(duid) < 4 || duid[0] != 0 || duid[2] != 0 || duid[3] != 1 {
		return ""
	}
	switch {
	case duid[1] == 1 && len(duid) == 2+2+4+6:
		return macString(duid[8:])
	case duid[1] == 3 && len(duid) == 2+2+6:
		return macString(duid[4:])
	}
	return ""
}

// hexBytes reads colon-separated hex octets ("00:01:00:01:..."), as Kea
// and dnsmasq write DUIDs and client ids; nil when s is not that.
func hexBytes(s string) []byte {
	if s == "" {
		return nil
	}
	parts := strings.Split(s, ":")
	b := make([]byte, len(parts))
	for i, p := range parts {
		if len(p) == 1 {
			p = "0" + p
		}
		if len(p) != 2 {
			return nil
		}
		if _, err := hex.Decode(b[i:i+1], []byte(p)); err != nil {
			return nil
		}
	}
	return b
}
