package enforce

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/miekg/dns"
)

// TestRPZNamedCheckzone loads each zone with BIND's own parser.
func TestRPZNamedCheckzone(t *testing.T) {
	checkzone := tool(t, "named-checkzone", "bind9-utils")
	cases := []struct {
		name string
		t    *Targets
	}{
		{"sample", sampleTargets()},
		{"empty", &Targets{AllowEmpty: true}},
		{"embedded catalogue", embeddedTargets(t)},
		{"semicolons in comments", &Targets{Domains: []Domain{ // written as \059: see rpzComment
			{Name: "example.com", Entity: "a;b", Source: strings.Repeat(";", 300)}}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := writeTemp(t, "rpz.zone", emit(t, &RPZ{}, c.t))
			out, err := exec.Command(checkzone, "rpz.embargo", path).CombinedOutput()
			if err != nil || !bytes.Contains(out, []byte("OK")) {
				t.Fatalf("named-checkzone rejected the zone: %v\n%s", err, out)
			}
		})
	}
}

// TestRPZParsesBack reads the zone with miekg/dns and checks the records
// a subtree and a plain name give.
func TestRPZParsesBack(t *testing.T) {
	zone := emit(t, &RPZ{}, sampleTargets())
	zp := dns.NewZoneParser(bytes.NewReader(zone), "", "rpz.zone")
	var cnames []string
	for rr, ok := zp.Next(); ok; rr, ok = zp.Next() {
		if c, isCNAME := rr.(*dns.CNAME); isCNAME {
			if c.Target != "." {
				t.Errorf("%s points to %s, not . (NXDOMAIN)", c.Hdr.Name, c.Target)
			}
			cnames = append(cnames, c.Hdr.Name)
		}
	}
	if err := zp.Err(); err != nil {
		t.Fatal(err)
	}
	want := "kaspersky.com.rpz.embargo. *.kaspersky.com.rpz.embargo. cm.k.kaspersky-labs.com.rpz.embargo. " +
		"tiktok.com.rpz.embargo. *.tiktok.com.rpz.embargo. _dmarc.example.net.rpz.embargo."
	if got := strings.Join(cnames, " "); got != want {
		t.Errorf("owners:\n got %s\nwant %s", got, want)
	}
}

// TestRPZSemicolonComments checks zones whose comments quote text with
// ';' parse with miekg/dns, which refused a ';' that came when its comment
// buffer had one byte left (see rpzComment); each case put one there.
func TestRPZSemicolonComments(t *testing.T) {
	fuzzed := "\xdd" + strings.Repeat(";", 200) // found by FuzzEmit
	// A written name of 199 bytes, then 155 ';' in its entity: the line's
	// "; " and " (" make 203 bytes, and each ';' counts twice, so the
	// 155th came after 511.
	long := strings.Repeat("a", 63) + "." + strings.Repeat("b", 63) + "." + strings.Repeat("c", 63) + "." + strings.Repeat("d", 7)
	// A zone name whose ';' do the same in the line for an entry too long
	// to write below it: the line's first 44 bytes, then three labels of
	// 63 ';' and their dots, make 425, and the last label's 44th ';' came
	// after 511.
	semiZone := strings.Repeat(strings.Repeat(";", 63)+".", 3) + strings.Repeat(";", 44) + "."
	cases := []struct {
		name   string
		rpz    *RPZ
		t      *Targets
		owners []string // the CNAMEs the zone must still hold
	}{
		{"fuzzed name, entity and source", &RPZ{},
			&Targets{Catalog: fuzzed, Note: fuzzed, Entities: []string{fuzzed}, AllowEmpty: true,
				Domains: []Domain{{Name: fuzzed, Entity: fuzzed, Source: fuzzed}}}, nil},
		{"entity of a written name", &RPZ{},
			&Targets{Domains: []Domain{{Name: long, Entity: strings.Repeat(";", 155)}}},
			[]string{long + ".rpz.embargo."}},
		{"zone name", &RPZ{Origin: semiZone},
			&Targets{Domains: []Domain{{Name: long, Entity: "e"}, {Name: "example.com", Entity: "e"}}},
			[]string{"example.com." + strings.ReplaceAll(semiZone, ";", `\;`)}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			zone := emit(t, c.rpz, c.t)
			zp := dns.NewZoneParser(bytes.NewReader(zone), "", "rpz.zone")
			var owners []string
			for rr, ok := zp.Next(); ok; rr, ok = zp.Next() {
				if cn, isCNAME := rr.(*dns.CNAME); isCNAME {
					owners = append(owners, cn.Hdr.Name)
				}
			}
			if err := zp.Err(); err != nil {
				t.Fatalf("%v\n%s", err, zone)
			}
			if got, want := strings.Join(owners, " "), strings.Join(c.owners, " "); got != want {
				t.Errorf("owners:\n got %s\nwant %s", got, want)
			}
		})
	}
}

// TestRPZUnbound serves the zone derived from the embedded catalogue for
// BOD 17-01 from a real Unbound on loopback, whose only upstream is a
// small authoritative server in this test (it answers every name, so a
// name Unbound does not rewrite is visibly answered): Kaspersky's names
// must come back NXDOMAIN by the policy, other names answered.
func TestRPZUnbound(t *testing.T) {
	unbound := tool(t, "unbound", "unbound")
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "rpz.zone"), emit(t, &RPZ{}, embeddedTargets(t, "us-bod-17-01")), 0o644); err != nil {
		t.Fatal(err)
	}
	upstream, seen := startUpstream(t)
	port := freePort(t)
	conf := fmt.Sprintf(`server:
	interface: 127.0.0.1
	port: %d
	do-ip6: no
	do-daemonize: no
	username: ""
	chroot: ""
	directory: %q
	pidfile: %q
	logfile: %q
	use-syslog: no
	verbosity: 1
	num-threads: 1
	access-control: 127.0.0.0/8 allow
	do-not-query-localhost: no
	qname-minimisation: no
	module-config: "respip iterator"
	# Unbound answers test. itself (RFC 6761); let it reach upstream.
	local-zone: "test." nodefault
rpz:
	name: rpz.embargo.
	zonefile: %q
	rpz-log: yes
	rpz-log-name: embargo
	rpz-signal-nxdomain-ra: yes
forward-zone:
	name: "."
	forward-addr: %s
`, port, dir, filepath.Join(dir, "unbound.pid"), filepath.Join(dir, "unbound.log"),
		filepath.Join(dir, "rpz.zone"), strings.Replace(upstream, ":", "@", 1))
	confPath := filepath.Join(dir, "unbound.conf")
	if err := os.WriteFile(confPath, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(unbound+"-checkconf", confPath).CombinedOutput(); err != nil {
		t.Fatalf("unbound-checkconf: %v\n%s", err, out)
	}
	cmd := exec.Command(unbound, "-d", "-c", confPath)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	resolver := fmt.Sprintf("127.0.0.1:%d", port)
	ask := func(name string) *dns.Msg {
		t.Helper()
		m := new(dns.Msg).SetQuestion(dns.Fqdn(name), dns.TypeA)
		c := &dns.Client{Timeout: 2 * time.Second}
		// Unbound takes a moment to start: retry, for at most 10 s.
		for deadline := time.Now().Add(10 * time.Second); ; {
			r, _, err := c.Exchange(m, resolver)
			if err == nil {
				return r
			}
			if time.Now().After(deadline) {
				t.Fatalf("no answer from unbound for %s: %v\nstderr: %s\nlog: %s", name, err, stderr.String(), readLog(dir))
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	for _, name := range []string{"www.kaspersky.com", "kaspersky.com", "s00.upd.kaspersky.com", "ksn-file-geo.kaspersky-labs.com", "cm.k.kaspersky-labs.com"} {
		r := ask(name)
		if r.Rcode != dns.RcodeNameError || len(r.Answer) != 0 {
			t.Errorf("%s: got %s with %d answers, want NXDOMAIN", name, dns.RcodeToString[r.Rcode], len(r.Answer))
		}
		// rpz-signal-nxdomain-ra: the policy, not the upstream, said NXDOMAIN.
		if r.RecursionAvailable {
			t.Errorf("%s: RA is set, so the NXDOMAIN was not the policy's", name)
		}
	}
	for _, name := range []string{"example.test", "notkaspersky.com", "www.tiktok.com"} {
		r := ask(name)
		if r.Rcode != dns.RcodeSuccess || len(r.Answer) != 1 {
			t.Errorf("%s: got %s with %d answers, want the upstream's answer", name, dns.RcodeToString[r.Rcode], len(r.Answer))
		}
	}
	if n := seen("www.kaspersky.com."); n != 0 {
		t.Errorf("unbound asked upstream for www.kaspersky.com %d times; the policy should answer first", n)
	}
	if log := readLog(dir); !strings.Contains(log, "rpz: applied [embargo] *.kaspersky.com. rpz-nxdomain") ||
		!strings.Contains(log, "www.kaspersky.com. A IN") {
		t.Errorf("the unbound log does not show the policy applied to www.kaspersky.com:\n%s", log)
	}
}

func readLog(dir string) string {
	b, _ := os.ReadFile(filepath.Join(dir, "unbound.log"))
	return string(b)
}

// startUpstream runs an authoritative server on loopback that answers
// every A question with 192.0.2.53, and returns its address and a count
// of the questions it received by name.
func startUpstream(t *testing.T) (addr string, seen func(string) int) {
	t.Helper()
	var mu sync.Mutex
	asked := map[string]int{}
	h := dns.HandlerFunc(func(w dns.ResponseWriter, q *dns.Msg) {
		r := new(dns.Msg).SetReply(q)
		r.Authoritative = true
		if len(q.Question) == 1 {
			name := strings.ToLower(q.Question[0].Name)
			mu.Lock()
			asked[name]++
			mu.Unlock()
			if q.Question[0].Qtype == dns.TypeA {
				r.Answer = append(r.Answer, &dns.A{Hdr: dns.RR_Header{Name: q.Question[0].Name, Rrtype: dns.TypeA,
					Class: dns.ClassINET, Ttl: 60}, A: net.IPv4(192, 0, 2, 53)})
			}
		}
		_ = w.WriteMsg(r)
	})
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", pc.LocalAddr().String())
	if err != nil {
		t.Fatal(err)
	}
	udp, tcp := &dns.Server{PacketConn: pc, Handler: h}, &dns.Server{Listener: ln, Handler: h}
	go func() { _ = udp.ActivateAndServe() }()
	go func() { _ = tcp.ActivateAndServe() }()
	t.Cleanup(func() { _ = udp.Shutdown(); _ = tcp.Shutdown() })
	return pc.LocalAddr().String(), func(name string) int {
		mu.Lock()
		defer mu.Unlock()
		return asked[name]
	}
}

// freePort finds a loopback port free for both UDP and TCP.
func freePort(t *testing.T) int {
	t.Helper()
	for range 20 {
		pc, err := net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		port := pc.LocalAddr().(*net.UDPAddr).Port
		ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
		pc.Close()
		if err == nil {
			ln.Close()
			return port
		}
	}
	t.Fatal("no free loopback port for both UDP and TCP")
	return 0
}
