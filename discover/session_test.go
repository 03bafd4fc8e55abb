package discover

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/inventory"
	"github.com/embargo-dev/embargo/inventory/discovery"
)

// pipeNet answers every dial with one end of a pipe, recording where it
// was asked to dial: the core's own logic is under test here, the
// probers' exchanges are tested against real services in the lab.
type pipeNet struct {
	mu     sync.Mutex
	dialed []string
}

func (n *pipeNet) DialContext(_ context.Context, network, address string) (net.Conn, error) {
	n.mu.Lock()
	n.dialed = append(n.dialed, network+" "+address)
	n.mu.Unlock()
	a, b := net.Pipe()
	go b.Close()
	return a, nil
}

// stray dials its target, then an address it was told of that lies
// outside the targets.
type stray struct{ outside netip.Addr }

func (stray) Name() string { return "stray" }

func (p stray) Probe(ctx context.Context, s *Session, a netip.Addr) (discovery.Observation, error) {
	var ob discovery.Observation
	c, err := s.Dial(ctx, Probe{Prober: "stray", Target: netip.AddrPortFrom(a, 80), Transport: "tcp", What: "GET /"})
	if err != nil {
		return ob, err
	}
	c.Close()
	ob.Answered = true
	ob.Add(inventory.HTTPServer, "x")
	if a.As4()[3] == 2 {
		if _, err := s.Dial(ctx, Probe{Prober: "stray", Target: netip.AddrPortFrom(p.outside, 80), Transport: "tcp", What: "GET /desc.xml"}); err != nil {
			return ob, err
		}
	}
	return ob, nil
}

// TestRunStaysInTargets: a probe of an address outside the targets is
// refused and logged, never dialled; hosts come sorted with the MAC the
// neighbour table gave.
func TestRunStaysInTargets(t *testing.T) {
	pn := &pipeNet{}
	var log []string
	var mu sync.Mutex
	doc, err := Run(context.Background(), Options{
		Targets: []netip.Prefix{netip.MustParsePrefix("10.9.0.0/30")},
		Probers: []Prober{stray{outside: netip.MustParseAddr("10.9.9.9")}},
		Rate:    -1, Network: pn,
		Log: func(r Record) {
			mu.Lock()
			defer mu.Unlock()
			log = append(log, r.Probe.Target.String()+" "+map[bool]string{true: "sent", false: "not sent"}[r.Sent]+" "+r.Refused)
		},
		Neighbours: func() (map[netip.Addr]string, error) {
			return map[netip.Addr]string{netip.MustParseAddr("10.9.0.1"): "44:47:cc:00:00:01"}, nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]string{"tcp 10.9.0.1:80", "tcp 10.9.0.2:80"}, sorted(pn.dialed)); d != "" {
		t.Errorf("dialled (-want +got):\n%s", d)
	}
	wantLog := []string{"10.9.0.1:80 sent ", "10.9.0.2:80 sent ", "10.9.9.9:80 not sent address outside the targets"}
	if d := cmp.Diff(wantLog, sorted(log)); d != "" {
		t.Errorf("log (-want +got):\n%s", d)
	}
	if len(doc.Hosts) != 2 || doc.Hosts[0].Addr.String() != "10.9.0.1" || doc.Hosts[0].MAC != "44:47:cc:00:00:01" || doc.Hosts[1].MAC != "" {
		t.Fatalf("hosts %+v", doc.Hosts)
	}
	if e := doc.Hosts[1].Errors["stray"]; !strings.Contains(e, "10.9.9.9: address outside the targets") {
		t.Errorf("error of the stray probe: %q", e)
	}
	if doc.Probes != 2 || doc.Addresses != 2 || doc.Format != discovery.Format {
		t.Errorf("probes %d addresses %d format %q", doc.Probes, doc.Addresses, doc.Format)
	}
}

// TestDryRun sends nothing and logs every probe as not sent.
func TestDryRun(t *testing.T) {
	pn := &pipeNet{}
	n := 0
	doc, err := Run(context.Background(), Options{
		Targets: []netip.Prefix{netip.MustParsePrefix("10.9.0.0/29")},
		Probers: []Prober{stray{}}, DryRun: true, Network: pn,
		Log: func(r Record) {
			if r.Sent {
				t.Errorf("sent in a dry run: %v", r.Probe)
			}
			n++
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(pn.dialed) != 0 || n != 6 || len(doc.Hosts) != 0 || doc.Probes != 0 {
		t.Errorf("dialled %v, logged %d, hosts %d, probes %d", pn.dialed, n, len(doc.Hosts), doc.Probes)
	}
}

func TestRunRefuses(t *testing.T) {
	for _, c := range []struct {
		o    Options
		want string
	}{
		{Options{Probers: []Prober{stray{}}}, "no targets"},
		{Options{Targets: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}, Probers: []Prober{stray{}}}, "more than 65536 addresses"},
		{Options{Targets: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/24")}, MaxTargets: 10, Probers: []Prober{stray{}}}, "more than 10 addresses"},
		{Options{Targets: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/24")}}, "no probers"},
	} {
		if _, err := Run(context.Background(), c.o); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("error %v, want %q", err, c.want)
		}
	}
}

// TestLimiter spaces probes by the interval across callers, on a fake
// clock, and gives up when the context ends.
func TestLimiter(t *testing.T) {
	now := time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)
	var waits []time.Duration
	l := newLimiter(4) // 250 ms apart
	l.now = func() time.Time { return now }
	l.sleep = func(_ context.Context, d time.Duration) error { waits = append(waits, d); return nil }
	for range 3 {
		if err := l.wait(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	now = now.Add(2 * time.Second) // idle: the next probe goes at once
	l.wait(context.Background())
	if d := cmp.Diff([]time.Duration{250 * time.Millisecond, 500 * time.Millisecond}, waits); d != "" {
		t.Errorf("waits (-want +got):\n%s", d)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	l.sleep = sleepCtx
	l.wait(ctx)
	if err := l.wait(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled wait: %v", err)
	}
}

func TestParseProcARP(t *testing.T) {
	in := `IP address       HW type     Flags       HW address            Mask     Device
10.250.0.10      0x1         0x2         44:47:cc:4e:4c:0a     *        eth0
10.250.0.11      0x1         0x0         00:00:00:00:00:00     *        eth0
10.250.0.12      0x1         0x6         02:4E:4C:00:00:0C     *        eth0
bogus
`
	want := map[netip.Addr]string{
		netip.MustParseAddr("10.250.0.10"): "44:47:cc:4e:4c:0a",
		netip.MustParseAddr("10.250.0.12"): "02:4e:4c:00:00:0c",
	}
	if d := cmp.Diff(want, parseProcARP([]byte(in))); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

func sorted(s []string) []string { return slices.Sorted(slices.Values(s)) }

// byProber orders probe log lines by prober, keeping each prober's own
// sequence: probers of one address run at the same time, so only the
// order within a prober is defined.
func byProber(lines []string) []string {
	out := slices.Clone(lines)
	slices.SortStableFunc(out, func(a, b string) int {
		pa, _, _ := strings.Cut(a, " ")
		pb, _, _ := strings.Cut(b, " ")
		return strings.Compare(pa, pb)
	})
	return out
}
