package discover

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"fmt"
	"html"
	"io"
	"math/big"
	"net"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/embargo-dev/embargo/inventory"
	"github.com/embargo-dev/embargo/inventory/nmap"
)

func TestPageTitle(t *testing.T) {
	gbk, err := simplifiedchinese.GBK.NewEncoder().String("网络摄像机 登录")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, ctype, body, want string
	}{
		{"plain", "text/html", "<html><head><title>Login</title></head></html>", "Login"},
		{"attributes and case", "", "<HTML><TITLE lang=en>Web  Client\n\t Login</TITLE>", "Web Client Login"},
		{"entities", "text/html", "<title>R&amp;D &lt;cam&gt; &#x4E2D;</title>", "R&D <cam> 中"},
		{"markup inside is text", "text/html", "<title>a <b>b</b></title>", "a <b>b</b>"},
		{"an svg's title is a tooltip", "text/html", "<svg><title>icon</title></svg><title>Page</title>", "Page"},
		{"self-closed svg", "text/html", "<svg/><title>Page</title>", "Page"},
		{"none", "text/html", "<html><body>no title</body></html>", ""},
		{"empty", "text/html", "<title></title><title>second</title>", ""},
		{"unclosed", "text/html", "<title>cut off", "cut off"},
		{"in a comment", "text/html", "<!-- <title>no</title> --><title>yes</title>", "yes"},
		{"GBK by meta", "text/html", `<meta http-equiv="Content-Type" content="text/html; charset=gbk"><title>` + gbk + "</title>", "网络摄像机 登录"},
		{"GBK by header", "text/html; charset=GB2312", "<title>" + gbk + "</title>", "网络摄像机 登录"},
		{"long", "text/html", "<title>" + strings.Repeat("ab ", 200) + "</title>", strings.Repeat("ab ", 85) + "a"},
		{"control characters", "text/html", "<title>a\x00b\x07c</title>", "a\uFFFDb c"},
	}
	for _, tt := range tests {
		if got := pageTitle([]byte(tt.body), tt.ctype); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}

// TestCertSubject checks that a certificate's subject is written as
// inventory/nmap writes the subject of Nmap's ssl-cert for the same
// attributes, whatever they hold.
func TestCertSubject(t *testing.T) {
	emailOID := asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 1}
	tests := []struct {
		name pkix.Name
		want string
		nmap [][2]string // ssl-cert's subject table, as Nmap names the keys
	}{
		{pkix.Name{CommonName: "IP Camera hik", Organization: []string{"Hikvision"}}, "CN=IP Camera hik,O=Hikvision",
			[][2]string{{"commonName", "IP Camera hik"}, {"organizationName", "Hikvision"}}},
		{pkix.Name{CommonName: "192.168.1.108", Organization: []string{"DAHUA"}, OrganizationalUnit: []string{"DAHUATECH"}, Country: []string{"CN"}},
			"CN=192.168.1.108,OU=DAHUATECH,O=DAHUA,C=CN",
			[][2]string{{"countryName", "CN"}, {"organizationName", "DAHUA"}, {"organizationalUnitName", "DAHUATECH"}, {"commonName", "192.168.1.108"}}},
		{pkix.Name{Organization: []string{"Hangzhou Hikvision Digital Technology Co.,Ltd."}, Locality: []string{"Hangzhou"}, Province: []string{"Zhejiang"}},
			`O=Hangzhou Hikvision Digital Technology Co.\,Ltd.,L=Hangzhou,ST=Zhejiang`,
			[][2]string{{"organizationName", "Hangzhou Hikvision Digital Technology Co.,Ltd."}, {"localityName", "Hangzhou"}, {"stateOrProvinceName", "Zhejiang"}}},
		{pkix.Name{CommonName: " #a+b \"q\" <x>;\\ ", OrganizationalUnit: []string{"One", "Two"}, SerialNumber: "S1"},
			`SERIALNUMBER=S1,CN=\ #a\+b \"q\" \<x\>\;\\\ ,OU=One+OU=Two`,
			[][2]string{{"serialNumber", "S1"}, {"commonName", ` #a+b "q" <x>;\ `}, {"organizationalUnitName", "One"}, {"organizationalUnitName", "Two"}}},
		{pkix.Name{CommonName: "海康威视", Names: []pkix.AttributeTypeAndValue{{Type: emailOID, Value: "a@b.c"}}}, "CN=海康威视",
			[][2]string{{"commonName", "海康威视"}, {"emailAddress", "a@b.c"}}},
	}
	var xml strings.Builder
	xml.WriteString(`<?xml version="1.0"?><nmaprun scanner="nmap" version="7.93">`)
	for i, tt := range tests {
		fmt.Fprintf(&xml, `<host><status state="up"/><address addr="192.0.2.%d" addrtype="ipv4"/><ports><port protocol="tcp" portid="443">`+
			`<state state="open"/><script id="ssl-cert" output=""><table key="subject">`, i+1)
		for _, kv := range tt.nmap {
			fmt.Fprintf(&xml, `<elem key="%s">%s</elem>`, kv[0], html.EscapeString(kv[1]))
		}
		xml.WriteString(`</table></script></port></ports></host>`)
	}
	xml.WriteString(`<runstats><finished time="1" exit="success"/></runstats></nmaprun>`)
	inv, err := nmap.Reader{}.Read(context.Background(), "subjects.xml", strings.NewReader(xml.String()), inventory.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	if len(inv.Items) != len(tests) {
		t.Fatalf("%d items: %+v", len(inv.Items), inv)
	}
	for i, tt := range tests {
		got := certSubject(tt.name)
		if got != tt.want {
			t.Errorf("%d: %q, want %q", i, got, tt.want)
		}
		if theirs := inv.Items[i].Get(inventory.TLSSubject); theirs != got {
			t.Errorf("%d: ours %q, inventory/nmap's %q", i, got, theirs)
		}
	}
}

// serve answers each connection to a loopback listener with answer.
func serve(t *testing.T, ln net.Listener, answer func(net.Conn)) uint16 {
	t.Helper()
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				c.SetDeadline(time.Now().Add(5 * time.Second))
				answer(c)
			}()
		}
	}()
	return uint16(ln.Addr().(*net.TCPAddr).Port)
}

// raw answers with fixed bytes once the request has been read.
func raw(resp string) func(net.Conn) {
	return func(c net.Conn) {
		buf := make([]byte, 4096)
		var req []byte
		for !bytes.Contains(req, []byte("\r\n\r\n")) {
			n, err := c.Read(buf)
			if err != nil {
				return
			}
			req = append(req, buf[:n]...)
		}
		io.WriteString(c, resp)
	}
}

func listen(t *testing.T) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return ln
}

// TestFetchPage asks real loopback servers that answer as odd devices do.
func TestFetchPage(t *testing.T) {
	lo := netip.MustParseAddr("127.0.0.1")
	s := newSession(Options{Targets: []netip.Prefix{netip.PrefixFrom(lo, 32)}, Rate: -1, Timeout: 5 * time.Second, Now: time.Now})
	big := "<html><head><title>Big</title></head><body>" + strings.Repeat("x", 2*maxHTTPBody) + "</body></html>"
	tests := []struct {
		name   string
		answer func(net.Conn)
		want   page
		err    string
	}{
		{"redirect", raw("HTTP/1.1 302 Found\r\nServer: GoAhead-Webs\r\nLocation: https://127.0.0.1/doc/page/login.asp\r\nContent-Length: 0\r\n\r\n"),
			page{answered: true, attrs: []inventory.Attr{{Field: inventory.HTTPServer, Value: "GoAhead-Webs"}},
				notes: []string{"tcp/%d: 302 Found to https://127.0.0.1/doc/page/login.asp, not followed"}}, ""},
		{"chunked, large, no content type", raw("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" +
			fmt.Sprintf("%x\r\n%s\r\n0\r\n\r\n", len(big), big)),
			page{answered: true, attrs: []inventory.Attr{{Field: inventory.HTTPTitle, Value: "Big"}}}, ""},
		{"not HTML", raw("HTTP/1.0 200 OK\r\nServer: lighttpd/1.4\r\nContent-Type: application/json\r\n\r\n{\"title\":\"<title>x</title>\"}"),
			page{answered: true, attrs: []inventory.Attr{{Field: inventory.HTTPServer, Value: "lighttpd/1.4"}}}, ""},
		{"a Latin-1 header", raw("HTTP/1.1 200 OK\r\nServer: Caf\xe9  Web\r\nContent-Length: 0\r\n\r\n"),
			page{answered: true, attrs: []inventory.Attr{{Field: inventory.HTTPServer, Value: "Caf\uFFFD Web"}}}, ""},
		{"a header of control characters", raw("HTTP/1.1 200 OK\r\nServer: \x01\x02\r\nContent-Length: 0\r\n\r\n"),
			page{answered: true}, "malformed HTTP answer"},
		{"not HTTP", raw("SSH-2.0-dropbear\r\n\r\n"), page{answered: true}, "malformed HTTP answer"},
		{"closed without a word", raw(""), page{answered: true, notes: []string{"tcp/%d: closed without an HTTP answer"}}, ""},
		{"reset", func(c net.Conn) { raw("")(c); c.(*net.TCPConn).SetLinger(0) }, page{answered: true, notes: []string{"tcp/%d: closed without an HTTP answer"}}, ""},
	}
	for _, tt := range tests {
		p := serve(t, listen(t), tt.answer)
		got, err := fetchPage(context.Background(), s, lo, p, false)
		for i := range tt.want.notes {
			tt.want.notes[i] = fmt.Sprintf(tt.want.notes[i], p)
		}
		if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(page{})); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, diff)
		}
		if got := errText(err); tt.err == "" && got != "" || !strings.HasPrefix(got, tt.err) {
			t.Errorf("%s: error %q, want %q", tt.name, got, tt.err)
		}
	}

	t.Run("closed port", func(t *testing.T) {
		ln := listen(t)
		p := uint16(ln.Addr().(*net.TCPAddr).Port)
		ln.Close()
		got, err := fetchPage(context.Background(), s, lo, p, true)
		want := page{answered: true, notes: []string{fmt.Sprintf("tcp/%d closed", p)}}
		if diff := cmp.Diff(want, got, cmp.AllowUnexported(page{})); diff != "" || err != nil {
			t.Errorf("(-want +got):\n%s%v", diff, err)
		}
	})

	t.Run("TLS", func(t *testing.T) {
		subj := pkix.Name{CommonName: "192.168.1.64", Organization: []string{"HIKVISION"}, Country: []string{"CN"}}
		ln := tls.NewListener(listen(t), &tls.Config{Certificates: []tls.Certificate{selfSigned(t, subj)}, MaxVersion: tls.VersionTLS12})
		p := serve(t, ln, raw("HTTP/1.1 200 OK\r\nServer: App-webs/\r\nContent-Type: text/html\r\n\r\n<title>login</title>"))
		got, err := fetchPage(context.Background(), s, lo, p, true)
		want := page{answered: true, attrs: []inventory.Attr{
			{Field: inventory.TLSSubject, Value: "CN=192.168.1.64,O=HIKVISION,C=CN"},
			{Field: inventory.HTTPServer, Value: "App-webs/"},
			{Field: inventory.HTTPTitle, Value: "login"},
		}}
		if diff := cmp.Diff(want, got, cmp.AllowUnexported(page{})); diff != "" || err != nil {
			t.Errorf("(-want +got):\n%s%v", diff, err)
		}
		// A plain HTTP server on the TLS port: a note, not a fault.
		p = serve(t, listen(t), func(c net.Conn) {
			c.Read(make([]byte, 512)) // the ClientHello, taken for a bad request
			io.WriteString(c, "HTTP/1.1 400 Bad Request\r\n\r\n")
		})
		got, err = fetchPage(context.Background(), s, lo, p, true)
		if err != nil || !got.answered || len(got.notes) != 1 || !strings.HasPrefix(got.notes[0], fmt.Sprintf("tcp/%d: no TLS handshake: ", p)) {
			t.Errorf("%+v %v", got, err)
		}
	})
}

// selfSigned makes a certificate for subject, signed by its own key.
func selfSigned(t *testing.T, subject pkix.Name) tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: subject, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}
