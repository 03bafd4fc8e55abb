//go:build linux

package netlab

import (
	"bufio"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"html"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"time"
)

// HTTP configures a device's web interface on tcp/80 (and tcp/443).
type HTTP struct {
	// Server is the Server header's value; none is sent when empty. It
	// is written right after the status line, then Date, as embedded
	// camera servers do, so that nmap's service signatures can match.
	Server string
	// LoginMarker is shown as the login page's title and heading.
	LoginMarker string
	// DateLayout is the Go time layout of the Date header (UTC);
	// http.TimeFormat when empty.
	DateLayout string
	// TLS, when set, also serves HTTPS on 443 with a certificate made
	// for this subject and self-signed.
	TLS *Subject
}

// Subject is a certificate's subject (and, self-signed, its issuer).
type Subject struct {
	CommonName   string // CN
	Organization string // O
	Country      string // C, optional
}

// web is one device's HTTP(S) server: a deliberately small HTTP/1.1
// responder (not net/http's server) so that the header order is the
// device's, as a real camera's would be.
type web struct {
	http  *HTTP
	onvif *ONVIF
	dev   *Device
	wg    sync.WaitGroup
}

// startWeb opens the device's listeners inside its namespace, serves them
// on goroutines, and registers their stop.
func (l *Lab) startWeb(d *Device, h *HTTP, o *ONVIF) error {
	w := &web{http: h, onvif: o, dev: d}
	var lns []net.Listener
	err := inNetns(d.Namespace, func() error {
		ln, err := net.Listen("tcp4", netip.AddrPortFrom(d.Addr, 80).String())
		if err != nil {
			return err
		}
		lns = append(lns, ln)
		if h != nil && h.TLS != nil {
			ln, err := net.Listen("tcp4", netip.AddrPortFrom(d.Addr, 443).String())
			if err != nil {
				return err
			}
			lns = append(lns, ln)
		}
		return nil
	})
	closeAll := func() {
		for _, ln := range lns {
			ln.Close()
		}
	}
	if err != nil {
		closeAll()
		return err
	}
	if len(lns) == 2 {
		cert, err := selfSigned(h.TLS, d.Addr)
		if err != nil {
			closeAll()
			return err
		}
		d.Cert = cert.Leaf
		lns[1] = tls.NewListener(lns[1], &tls.Config{Certificates: []tls.Certificate{cert}})
	}
	if o != nil {
		d.XAddr = "http://" + d.Addr.String() + onvifDevicePath
	}
	for _, ln := range lns {
		w.wg.Add(1)
		go w.serve(ln)
	}
	l.onClose(func() { closeAll(); w.wg.Wait() })
	return nil
}

// serve accepts until the listener is closed.
func (w *web) serve(ln net.Listener) {
	defer w.wg.Done()
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		w.wg.Add(1)
		go func() {
			defer w.wg.Done()
			w.answer(c)
		}()
	}
}

// answer reads one request and writes one response, then closes.
func (w *web) answer(c net.Conn) {
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	req, err := http.ReadRequest(bufio.NewReader(c))
	if err != nil {
		return
	}
	body, _ := io.ReadAll(io.LimitReader(req.Body, 64<<10))
	status, ctype, out := w.route(req, body)
	bw := bufio.NewWriter(c)
	fmt.Fprintf(bw, "HTTP/1.1 %d %s\r\n", status, http.StatusText(status))
	layout := http.TimeFormat
	if w.http != nil {
		if w.http.Server != "" {
			fmt.Fprintf(bw, "Server: %s\r\n", oneLine(w.http.Server))
		}
		if w.http.DateLayout != "" {
			layout = w.http.DateLayout
		}
	}
	fmt.Fprintf(bw, "Date: %s\r\n", time.Now().UTC().Format(layout))
	fmt.Fprintf(bw, "Content-Type: %s\r\nContent-Length: %d\r\nConnection: close\r\n\r\n", ctype, len(out))
	if req.Method != http.MethodHead {
		bw.Write(out)
	}
	bw.Flush()
}

// route picks the answer: the ONVIF device service, or the login page.
func (w *web) route(req *http.Request, body []byte) (int, string, []byte) {
	switch {
	case req.URL.Path == onvifDevicePath && w.onvif != nil:
		if req.Method != http.MethodPost {
			return http.StatusMethodNotAllowed, "text/plain", nil
		}
		status, out := w.onvif.deviceService(body)
		return status, soapContentType, out
	case req.Method != http.MethodGet && req.Method != http.MethodHead:
		return http.StatusMethodNotAllowed, "text/plain", nil
	case w.http == nil:
		return http.StatusNotFound, "text/plain", nil
	}
	m := html.EscapeString(w.http.LoginMarker)
	page := "<!DOCTYPE html>\n<html><head><title>" + m + "</title></head>\n<body><h1>" + m +
		"</h1>\n<form method=\"post\" action=\"/login\"><input name=\"username\">" +
		"<input name=\"password\" type=\"password\"><button>Login</button></form></body></html>\n"
	return http.StatusOK, "text/html", []byte(page)
}

// oneLine drops what would break a header line.
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\r' || r == '\n' || r == 0 {
			return -1
		}
		return r
	}, s)
}

// selfSigned makes an ECDSA P-256 certificate for subject s, valid for
// the device's address and signed by its own key.
func selfSigned(s *Subject, addr netip.Addr) (tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 63))
	if err != nil {
		return tls.Certificate{}, err
	}
	name := pkix.Name{CommonName: s.CommonName}
	if s.Organization != "" {
		name.Organization = []string{s.Organization}
	}
	if s.Country != "" {
		name.Country = []string{s.Country}
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               name,
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(30 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IPAddresses:           []net.IP{addr.AsSlice()},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, err
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return tls.Certificate{}, err
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, nil
}
