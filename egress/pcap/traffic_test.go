package pcap

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/miekg/dns"
)

// scenario is the servers on loopback and what the traffic to them
// should teach a reader.
type scenario struct {
	dnsIP     netip.Addr
	tls4      net.Listener
	tls6      net.Listener
	http4     net.Listener
	http6     net.Listener
	quic      *net.UDPConn
	end       *net.UDPConn
	dnsUDP    *dns.Server
	dnsTCP    *dns.Server
	marker    []byte
	dnsClient netip.Addr // the address DNS queries came from
}

// The zone the DNS server answers from.
var zone = map[string][]string{
	"a.embargo.test.":     {"a.embargo.test. 300 IN A 192.0.2.1", "a.embargo.test. 300 IN A 192.0.2.2"},
	"aaaa.embargo.test.":  {"aaaa.embargo.test. 60 IN AAAA 2001:db8::53"},
	"alias.embargo.test.": {"alias.embargo.test. 30 IN CNAME target.cdn.test.", "target.cdn.test. 120 IN A 198.51.100.7"},
}

func startServers() (*scenario, error) {
	sc := &scenario{dnsIP: randomLoopback(), marker: []byte(fmt.Sprintf("embargo-capture-end-%d", time.Now().UnixNano()))}
	cert, err := selfSigned()
	if err != nil {
		return nil, err
	}
	tlsConf := &tls.Config{Certificates: []tls.Certificate{cert}}
	if sc.tls4, err = tls.Listen("tcp", "127.0.0.1:0", tlsConf); err != nil {
		return nil, err
	}
	if sc.tls6, err = tls.Listen("tcp", "[::1]:0", tlsConf); err != nil {
		return nil, fmt.Errorf("listening on ::1 (is IPv6 loopback up?): %v", err)
	}
	for _, l := range []net.Listener{sc.tls4, sc.tls6} {
		go serveTLS(l)
	}
	if sc.http4, err = net.Listen("tcp", "127.0.0.1:0"); err != nil {
		return nil, err
	}
	if sc.http6, err = net.Listen("tcp", "[::1]:0"); err != nil {
		return nil, err
	}
	for _, l := range []net.Listener{sc.http4, sc.http6} {
		go http.Serve(l, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, "ok") }))
	}
	if sc.quic, err = net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)}); err != nil {
		return nil, err
	}
	if sc.end, err = net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)}); err != nil {
		return nil, err
	}
	return sc, sc.startDNS()
}

func (sc *scenario) startDNS() error {
	handler := dns.HandlerFunc(func(w dns.ResponseWriter, r *dns.Msg) {
		m := new(dns.Msg).SetReply(r)
		for _, q := range r.Question {
			for _, s := range zone[strings.ToLower(q.Name)] {
				rr, _ := dns.NewRR(s)
				if t := rr.Header().Rrtype; t == q.Qtype || t == dns.TypeCNAME {
					m.Answer = append(m.Answer, rr)
				}
			}
		}
		w.WriteMsg(m)
	})
	addr := netip.AddrPortFrom(sc.dnsIP, 53).String()
	for _, s := range []**dns.Server{&sc.dnsUDP, &sc.dnsTCP} {
		started := make(chan error, 1)
		net := "udp"
		if s == &sc.dnsTCP {
			net = "tcp"
		}
		*s = &dns.Server{Addr: addr, Net: net, Handler: handler, NotifyStartedFunc: func() { started <- nil }}
		go func(srv *dns.Server) { started <- srv.ListenAndServe() }(*s)
		if err := <-started; err != nil {
			return fmt.Errorf("DNS server on %s/%s: %v", addr, net, err)
		}
	}
	return nil
}

func (sc *scenario) close() {
	for _, c := range []interface{ Close() error }{sc.tls4, sc.tls6, sc.http4, sc.http6, sc.quic, sc.end} {
		if c != nil {
			c.Close()
		}
	}
	for _, s := range []*dns.Server{sc.dnsUDP, sc.dnsTCP} {
		if s != nil {
			s.Shutdown()
		}
	}
}

func port(a net.Addr) uint16 { return netip.MustParseAddrPort(a.String()).Port() }

// filter is the capture filter for the scenario's traffic only: other
// tests may be talking on loopback at the same time.
func (sc *scenario) filter() string {
	var ports []string
	for _, a := range []net.Addr{sc.tls4.Addr(), sc.tls6.Addr(), sc.http4.Addr(), sc.http6.Addr(), sc.quic.LocalAddr(), sc.end.LocalAddr()} {
		ports = append(ports, fmt.Sprintf("port %d", port(a)))
	}
	return fmt.Sprintf("((host 127.0.0.1 or host ::1) and (%s)) or host %s", strings.Join(ports, " or "), sc.dnsIP)
}

// traffic talks to every server.
func (sc *scenario) traffic() error {
	if err := sc.dnsQueries(); err != nil {
		return err
	}
	for _, c := range []struct {
		addr, name string
		split      int
	}{
		{sc.tls4.Addr().String(), "tls4.embargo.test", 0},
		{sc.tls6.Addr().String(), "tls6.embargo.test", 0},
		// The ClientHello (over 1 KB with post-quantum key shares) in
		// two segments, as on a network with a 1460-byte MSS.
		{sc.tls4.Addr().String(), "split.embargo.test", 700},
	} {
		if err := tlsClient(c.addr, c.name, c.split); err != nil {
			return err
		}
	}
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 10 * time.Second}
	for _, c := range []struct{ addr, host string }{
		{sc.http4.Addr().String(), "www.http4.embargo.test"},
		{sc.http6.Addr().String(), "http6.embargo.test:8080"},
	} {
		req, _ := http.NewRequest("GET", "http://"+c.addr+"/", nil)
		req.Host = c.host
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		resp.Body.Close()
	}
	if err := sc.quicInitials(); err != nil {
		return err
	}
	time.Sleep(300 * time.Millisecond) // the last FINs and ACKs
	return nil
}

func (sc *scenario) dnsQueries() error {
	server := netip.AddrPortFrom(sc.dnsIP, 53).String()
	q := func(name string, t uint16) *dns.Msg { return new(dns.Msg).SetQuestion(name, t) }
	udp := &dns.Client{Net: "udp", Timeout: 5 * time.Second}
	for _, m := range []*dns.Msg{q("a.embargo.test.", dns.TypeA), q("aaaa.embargo.test.", dns.TypeAAAA)} {
		co, err := udp.Dial(server)
		if err != nil {
			return err
		}
		sc.dnsClient = netip.MustParseAddrPort(co.LocalAddr().String()).Addr()
		_, _, err = udp.ExchangeWithConn(m, co)
		co.Close()
		if err != nil {
			return fmt.Errorf("DNS over UDP: %v", err)
		}
	}
	// Two queries pipelined on one TCP connection.
	co, err := dns.DialTimeout("tcp", server, 5*time.Second)
	if err != nil {
		return err
	}
	defer co.Close()
	co.SetDeadline(time.Now().Add(5 * time.Second))
	for _, m := range []*dns.Msg{q("alias.embargo.test.", dns.TypeA), q("aaaa.embargo.test.", dns.TypeAAAA)} {
		if err := co.WriteMsg(m); err != nil {
			return err
		}
	}
	for range 2 {
		if _, err := co.ReadMsg(); err != nil {
			return fmt.Errorf("DNS over TCP: %v", err)
		}
	}
	return nil
}

func serveTLS(l net.Listener) {
	for {
		c, err := l.Accept()
		if err != nil {
			return
		}
		go func() {
			defer c.Close()
			buf := make([]byte, 5)
			c.SetDeadline(time.Now().Add(10 * time.Second))
			if _, err := c.Read(buf); err == nil {
				c.Write([]byte("pong\n"))
			}
		}()
	}
}

// tlsClient makes a TLS connection naming name. A split above 0 sends
// the first write (the ClientHello) as two segments, cut there: loopback
// hands captures whole writes whatever the MSS, so the cut is made by
// writing twice (Go sets TCP_NODELAY).
func tlsClient(addr, name string, split int) error {
	raw, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return err
	}
	if split > 0 {
		raw = &splitConn{Conn: raw, at: split}
	}
	c := tls.Client(raw, &tls.Config{ServerName: name, InsecureSkipVerify: true})
	defer c.Close()
	if _, err := c.Write([]byte("ping\n")); err != nil {
		return fmt.Errorf("TLS to %s as %s: %v", addr, name, err)
	}
	return readAll(c)
}

// splitConn writes its first write in two.
type splitConn struct {
	net.Conn
	at   int
	done bool
}

func (c *splitConn) Write(b []byte) (int, error) {
	if c.done || len(b) <= c.at {
		return c.Conn.Write(b)
	}
	c.done = true
	n, err := c.Conn.Write(b[:c.at])
	if err != nil {
		return n, err
	}
	time.Sleep(20 * time.Millisecond)
	m, err := c.Conn.Write(b[c.at:])
	return n + m, err
}

// quicInitials sends a client's first flight as two Initials, the second
// half of the CRYPTO stream first.
func (sc *scenario) quicInitials() error {
	hello, err := quicHello("quic.embargo.test")
	if err != nil {
		return err
	}
	dcid := []byte{0xe1, 0xb0, 0xa2, 0x60, 0, 1, 2, 3}
	mid := len(hello) / 2
	c, err := net.DialUDP("udp", nil, sc.quic.LocalAddr().(*net.UDPAddr))
	if err != nil {
		return err
	}
	defer c.Close()
	for _, d := range [][]byte{
		sealInitial(dcid, 1, cryptoFrame(mid, hello[mid:])),
		sealInitial(dcid, 0, cryptoFrame(0, hello[:mid])),
	} {
		if _, err := c.Write(d); err != nil {
			return err
		}
	}
	return nil
}

func selfSigned() (tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, err
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "embargo.test"}, DNSNames: []string{"*.embargo.test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, err
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, nil
}
