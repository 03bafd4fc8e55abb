package discover

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/text/encoding/htmlindex"
)

// askDatagram sends req on the connected datagram socket c and reads
// answers (of at most size bytes) until keep accepts one or returns an
// error, the deadline passes or ctx ends. No answer is not an error:
// reply is nil, and refused says whether the port was closed (ICMP port
// unreachable).
func askDatagram(ctx context.Context, c net.Conn, req []byte, size int, keep func([]byte) (bool, error)) (reply []byte, refused bool, err error) {
	stop := context.AfterFunc(ctx, func() { c.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	if _, err := c.Write(req); err != nil {
		return nil, errors.Is(err, syscall.ECONNREFUSED), ignoreRefused(err)
	}
	buf := make([]byte, size+1)
	for {
		n, err := c.Read(buf)
		switch {
		case ctx.Err() != nil:
			return nil, false, ctx.Err()
		case deadlinePassed(err), errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH):
			return nil, false, nil
		case err != nil:
			return nil, errors.Is(err, syscall.ECONNREFUSED), ignoreRefused(err)
		case n > size:
			return nil, false, fmt.Errorf("a datagram of more than %d bytes", size)
		}
		ok, err := keep(buf[:n])
		if err != nil || ok {
			return buf[:n:n], false, err
		}
	}
}

// ignoreRefused drops a "connection refused", which on a datagram
// socket means the port is closed.
func ignoreRefused(err error) error {
	if errors.Is(err, syscall.ECONNREFUSED) {
		return nil
	}
	return err
}

// fetchDocument sends an HTTP/1.1 request on a connection of its own
// opened through s for p, and returns the response's status, Server
// header and body; a body longer than limit is an error. An https URL's
// certificate is not checked: only what the device says of itself is
// read, and nothing is sent that needs protecting.
func fetchDocument(ctx context.Context, s *Session, p Probe, req *http.Request, limit int64) (status int, server string, body []byte, err error) {
	c, err := s.Dial(ctx, p)
	if err != nil {
		return 0, "", nil, err
	}
	defer c.Close()
	stop := context.AfterFunc(ctx, func() { c.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	if req.URL.Scheme == "https" {
		c = tls.Client(c, &tls.Config{InsecureSkipVerify: true})
	}
	req.Close = true
	req.Header.Set("User-Agent", "embargo-discover")
	if err := req.Write(c); err != nil {
		return 0, "", nil, err
	}
	resp, err := http.ReadResponse(bufio.NewReader(io.LimitReader(c, limit+64<<10)), req)
	if err != nil {
		return 0, "", nil, err
	}
	defer resp.Body.Close()
	body, err = io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return 0, "", nil, err
	}
	if int64(len(body)) > limit {
		return 0, "", nil, fmt.Errorf("the answer is longer than %d bytes", limit)
	}
	return resp.StatusCode, strings.TrimSpace(resp.Header.Get("Server")), body, nil
}

// documentTarget checks a URL a device gave (an SSDP LOCATION, an ONVIF
// XAddr) and returns its address and port; why says what is wrong with
// it otherwise. Only http and https URLs whose host is an IP address are
// taken: a name would have to be resolved, and could point anywhere.
func documentTarget(raw string) (u *url.URL, ap netip.AddrPort, why string) {
	if len(raw) > 2048 {
		return nil, ap, "is too long"
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, ap, "is not an http(s) URL"
	}
	a, err := netip.ParseAddr(u.Hostname())
	if err != nil || a.Zone() != "" {
		return nil, ap, "names a host, not an address"
	}
	n := uint64(80)
	if u.Scheme == "https" {
		n = 443
	}
	if ps := u.Port(); ps != "" {
		if n, err = strconv.ParseUint(ps, 10, 16); err != nil || n == 0 {
			return nil, ap, "has a bad port"
		}
	}
	return u, netip.AddrPortFrom(a.Unmap(), uint16(n)), ""
}

// unreachable says how the network failed an exchange (no answer in
// time, a refused or reset connection, no route): a note, not a fault
// of what the device said. It is "" for any other error.
func unreachable(err error) string {
	var op *net.OpError
	switch {
	case err == nil:
		return ""
	case deadlinePassed(err):
		return "no answer"
	case errors.As(err, &op):
		return op.Err.Error()
	}
	return ""
}

// deadlinePassed reports whether err is a deadline passing.
func deadlinePassed(err error) bool {
	var ne net.Error
	return errors.Is(err, os.ErrDeadlineExceeded) || errors.As(err, &ne) && ne.Timeout()
}

// newXMLDecoder reads b, decoding declared charsets other than UTF-8.
func newXMLDecoder(b []byte) *xml.Decoder {
	d := xml.NewDecoder(bytes.NewReader(b))
	d.CharsetReader = xmlCharset
	return d
}

// xmlCharset decodes a document declared in an encoding other than
// UTF-8, by its WHATWG label.
func xmlCharset(label string, in io.Reader) (io.Reader, error) {
	enc, err := htmlindex.Get(label)
	if err != nil {
		return nil, fmt.Errorf("unknown encoding %q", label)
	}
	return enc.NewDecoder().Reader(in), nil
}
