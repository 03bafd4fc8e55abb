package discover

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"os"
	"strings"
	"syscall"
	"time"

	"golang.org/x/net/html"
	"golang.org/x/net/html/charset"

	"github.com/embargo-dev/embargo/inventory"
	"github.com/embargo-dev/embargo/inventory/discovery"
)

// HTTP asks a device's web interface for its front page: GET / on tcp/80,
// and over TLS on tcp/443, each on a connection the Session opened, with
// "Connection: close". It reads the Server header, the page's <title>
// and the certificate's subject; the head and body read are bounded, and
// a redirect is noted, never followed. The certificate is read, not
// trusted: devices sign their own, and trust is not what is asked.
//
// A refused connection is an answer (the host is there, the port
// closed); silence is none. A TLS handshake that fails is a note; an
// answer that is not HTTP is an error.
type HTTP struct{}

// NewHTTP returns the HTTP prober.
func NewHTTP() *HTTP { return &HTTP{} }

// Name is "http".
func (*HTTP) Name() string { return "http" }

// Bounds of what is read of a web interface.
const (
	maxHTTPHead = 64 << 10
	maxHTTPBody = 64 << 10
	maxTitle    = 256
	maxSubject  = 1024
)

// Probe fetches / from tcp/80, then tcp/443 over TLS.
func (*HTTP) Probe(ctx context.Context, s *Session, a netip.Addr) (discovery.Observation, error) {
	var (
		ob   discovery.Observation
		errs []error
		dry  bool
		seen = map[inventory.Attr]bool{}
	)
	for _, web := range []struct {
		port uint16
		tls  bool
	}{{80, false}, {443, true}} {
		pg, err := fetchPage(ctx, s, a, web.port, web.tls)
		switch {
		case errors.Is(err, ErrDryRun):
			dry = true
			continue
		case ctx.Err() != nil:
			return ob, ctx.Err()
		case errors.Is(err, ErrOutsideTargets):
			return ob, err
		case err != nil:
			errs = append(errs, fmt.Errorf("tcp/%d: %w", web.port, err))
		}
		ob.Answered = ob.Answered || pg.answered
		ob.Notes = append(ob.Notes, pg.notes...)
		for _, at := range pg.attrs {
			if !seen[at] {
				seen[at] = true
				ob.Attrs = append(ob.Attrs, at)
			}
		}
	}
	if dry {
		return ob, ErrDryRun
	}
	return ob, errors.Join(errs...)
}

// page is what one port said.
type page struct {
	answered bool
	attrs    []inventory.Attr
	notes    []string
}

func (pg *page) add(f inventory.Field, v string) {
	if v != "" {
		pg.attrs = append(pg.attrs, inventory.Attr{Field: f, Value: v})
	}
}

func (pg *page) note(format string, args ...any) {
	pg.notes = append(pg.notes, fmt.Sprintf(format, args...))
}

// fetchPage asks one port.
func fetchPage(ctx context.Context, s *Session, a netip.Addr, p uint16, useTLS bool) (page, error) {
	var pg page
	what := "HTTP GET /"
	if useTLS {
		what = "HTTPS GET / (TLS handshake)"
	}
	c, err := s.Dial(ctx, Probe{Prober: "http", Target: port(a, p), Transport: "tcp", What: what})
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		pg.answered = true
		pg.note("tcp/%d closed", p)
		return pg, nil
	case errors.Is(err, syscall.ECONNRESET):
		pg.answered = true
		pg.note("tcp/%d: the connection was reset", p)
		return pg, nil
	case silent(err):
		return pg, nil
	case err != nil:
		return pg, err
	}
	defer c.Close()
	pg.answered = true
	stop := context.AfterFunc(ctx, func() { c.SetDeadline(time.Now()) })
	defer stop()
	conn := c
	if useTLS {
		tc := tls.Client(c, tlsConfig())
		if err := tc.HandshakeContext(ctx); err != nil {
			pg.note("tcp/%d: no TLS handshake: %v", p, err)
			return pg, ctx.Err()
		}
		if certs := tc.ConnectionState().PeerCertificates; len(certs) > 0 {
			if subj := certSubject(certs[0].Subject); len(subj) <= maxSubject {
				pg.add(inventory.TLSSubject, subj)
			} else {
				pg.note("tcp/%d: the certificate's subject is longer than %d bytes, not kept", p, maxSubject)
			}
		}
		conn = tc
	}
	host := a.String()
	if a.Is6() {
		host = "[" + host + "]"
	}
	req := "GET / HTTP/1.1\r\nHost: " + host + "\r\nUser-Agent: embargo-discover\r\nAccept: */*\r\nConnection: close\r\n\r\n"
	if _, err := io.WriteString(conn, req); err != nil {
		pg.note("tcp/%d: the request was not taken: %v", p, err)
		return pg, ctx.Err()
	}
	br := bufio.NewReader(io.LimitReader(conn, maxHTTPHead+maxHTTPBody))
	resp, err := http.ReadResponse(br, &http.Request{Method: http.MethodGet})
	switch {
	case ctx.Err() != nil:
		return pg, ctx.Err()
	case silent(err):
		pg.note("tcp/%d: no HTTP answer in time", p)
		return pg, nil
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, syscall.ECONNRESET):
		pg.note("tcp/%d: closed without an HTTP answer", p)
		return pg, nil
	case err != nil:
		return pg, fmt.Errorf("malformed HTTP answer: %v", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, maxHTTPBody)) // a cut body still has its title
	pg.add(inventory.HTTPServer, displayText([]byte(resp.Header.Get("Server")), maxDisplayText))
	if loc := resp.Header.Get("Location"); resp.StatusCode/100 == 3 && loc != "" {
		pg.note("tcp/%d: %s to %s, not followed", p, resp.Status, displayText([]byte(loc), maxTitle))
	}
	ctype := resp.Header.Get("Content-Type")
	if strings.Contains(strings.ToLower(ctype), "html") || ctype == "" && strings.HasPrefix(http.DetectContentType(body), "text/html") {
		pg.add(inventory.HTTPTitle, pageTitle(body, ctype))
	}
	return pg, nil
}

// silent reports whether a network error means nothing answered: a
// timeout, or no route because the address did not resolve.
func silent(err error) bool {
	var ne net.Error
	return errors.Is(err, os.ErrDeadlineExceeded) || errors.Is(err, syscall.EHOSTUNREACH) ||
		errors.Is(err, syscall.ENETUNREACH) || errors.As(err, &ne) && ne.Timeout()
}

// tlsConfig accepts any certificate and offers every cipher suite Go
// has, the insecure ones too, and TLS 1.0 and later: embedded web
// servers are old, and what is read is the certificate, not a secret.
func tlsConfig() *tls.Config {
	var suites []uint16
	for _, cs := range append(tls.CipherSuites(), tls.InsecureCipherSuites()...) {
		suites = append(suites, cs.ID)
	}
	return &tls.Config{InsecureSkipVerify: true, MinVersion: tls.VersionTLS10, CipherSuites: suites}
}

// certSubject writes a certificate's subject as inventory/nmap writes
// ssl-cert's: crypto/x509/pkix's RFC 2253 form of the attributes a
// pkix.Name names (CN, O, OU, C and the like), other attributes left
// out, so that the catalogue's tls_subject facts match both alike.
func certSubject(n pkix.Name) string {
	return pkix.Name{
		Country: n.Country, Organization: n.Organization, OrganizationalUnit: n.OrganizationalUnit,
		Locality: n.Locality, Province: n.Province, StreetAddress: n.StreetAddress, PostalCode: n.PostalCode,
		SerialNumber: n.SerialNumber, CommonName: n.CommonName,
	}.String()
}

// pageTitle returns the text of an HTML page's first <title> outside an
// <svg> (whose titles are tooltips), decoded from the page's character
// set, its white space collapsed and cut to maxTitle bytes.
func pageTitle(body []byte, contentType string) string {
	r, err := charset.NewReader(bytes.NewReader(body), contentType)
	if err != nil {
		r = bytes.NewReader(body)
	}
	z := html.NewTokenizer(r)
	z.SetMaxBuf(2 * maxHTTPBody)
	svg := 0
	for {
		switch z.Next() {
		case html.ErrorToken:
			return ""
		case html.StartTagToken:
			switch name, _ := z.TagName(); string(name) {
			case "svg":
				svg++
			case "title":
				if svg > 0 {
					continue
				}
				var text []byte
				for z.Next() == html.TextToken {
					text = append(text, z.Text()...)
				}
				return displayText(text, maxTitle)
			}
		case html.EndTagToken:
			if name, _ := z.TagName(); string(name) == "svg" && svg > 0 {
				svg--
			}
		}
	}
}
