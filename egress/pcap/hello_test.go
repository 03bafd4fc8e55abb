package pcap

import (
	"bytes"
	"crypto/tls"
	"io"
	"net"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// clientHelloRecord is the first TLS record Go's client sends.
func clientHelloRecord(t testing.TB, serverName string) []byte {
	t.Helper()
	c, s := net.Pipe()
	defer s.Close()
	go func() {
		tls.Client(c, &tls.Config{ServerName: serverName, InsecureSkipVerify: true}).Handshake()
		c.Close()
	}()
	hdr := make([]byte, 5)
	if _, err := io.ReadFull(s, hdr); err != nil {
		t.Fatal(err)
	}
	body := make([]byte, be.Uint16(hdr[3:]))
	if _, err := io.ReadFull(s, body); err != nil {
		t.Fatal(err)
	}
	return append(hdr, body...)
}

// reframe splits a ClientHello record's handshake bytes into two records.
func reframe(rec []byte, at int) []byte {
	msg := rec[5:]
	one := append([]byte{22, 3, 1, byte(at >> 8), byte(at)}, msg[:at]...)
	n := len(msg) - at
	return append(append(one, 22, 3, 1, byte(n>>8), byte(n)), msg[at:]...)
}

func TestTLSRecordsSNI(t *testing.T) {
	rec := clientHelloRecord(t, "www.Example.org")
	noSNI := clientHelloRecord(t, "192.0.2.1") // Go sends no SNI for an address
	odd := bytes.Replace(clientHelloRecord(t, "xx.example.net"), []byte("xx.example"), []byte("x\x00.example"), 1)
	cut := append([]byte(nil), rec...)
	cut[5+4+2+32] = 0xff // a session ID longer than the message
	serverHello := append([]byte(nil), rec...)
	serverHello[5] = 2
	for _, tc := range []struct {
		desc string
		in   []byte
		name string
		st   status
		err  string
	}{
		{"whole", rec, "www.example.org", stDone, ""},
		{"first segment", rec[:200], "", stNeedMore, ""},
		{"header only", rec[:3], "", stNeedMore, ""},
		{"two records", reframe(rec, 100), "www.example.org", stDone, ""},
		{"two records, second missing", reframe(rec, 100)[:150], "", stNeedMore, ""},
		{"no sni", noSNI, "", stDone, ""},
		{"not a client hello", serverHello, "", stDone, ""},
		{"application data", append([]byte{23}, rec[1:]...), "", stDone, ""},
		{"odd name", odd, "", stDone, `TLS SNI "x\x00.example.net" is not a host name`},
		{"session id overrun", cut, "", stDone, "cut short"},
		{"interrupted", append(reframe(rec, 100)[:105], 21, 3, 3, 0, 2, 1, 0), "", stDone, "interrupted"},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			var scratch []byte
			name, st, err := tlsRecordsSNI(tc.in, &scratch)
			got := []any{name, st, errString(err)}
			if diff := cmp.Diff([]any{tc.name, tc.st, tc.err}, got, cmp.Comparer(errContains)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestHTTPHost(t *testing.T) {
	for _, tc := range []struct {
		in   string
		name string
		st   status
		err  string
	}{
		{"GET / HTTP/1.1\r\nHost: WWW.Example.com\r\n\r\n", "www.example.com", stDone, ""},
		{"POST /x HTTP/1.1\r\nUser-Agent: t\r\nhost:api.example.com:8443\r\n", "api.example.com", stDone, ""},
		{"GET / HTTP/1.1\r\nUser-Agent: t\r\nHo", "", stNeedMore, ""},
		{"GET / HTTP/1.0\r\n\r\nHost: late.example\r\n", "", stDone, ""},
		{"GET / HTTP/1.1\nHost: bare-lf.example\n\n", "bare-lf.example", stDone, ""},
		{"GET / HTTP/1.1\r\nHost: [2001:db8::1]:80\r\n", "", stDone, ""},
		{"GET / HTTP/1.1\r\nHost: 192.0.2.7\r\n", "", stDone, ""},
		{"GET / HTTP/1.1\r\nHost: a b.example\r\n", "", stDone, `HTTP Host "a b.example" is not a host name`},
		{"GET / HTTP/1.1\r\nHost: \r\n", "", stDone, "HTTP Host of 0 bytes"},
	} {
		name, st, err := httpHost([]byte(tc.in))
		got := []any{name, st, errString(err)}
		if diff := cmp.Diff([]any{tc.name, tc.st, tc.err}, got, cmp.Comparer(errContains)); diff != "" {
			t.Errorf("httpHost(%q) (-want +got):\n%s", tc.in, diff)
		}
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// errContains compares an expected error fragment with an error text.
func errContains(a, b string) bool {
	if a == "" || b == "" {
		return a == b
	}
	return strings.Contains(a, b) || strings.Contains(b, a)
}
