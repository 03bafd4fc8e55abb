package discover

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"
)

// Network opens sockets. The zero Options use the host's own stack; tests
// pass a lab's namespace.
type Network interface {
	DialContext(ctx context.Context, network, address string) (net.Conn, error)
}

type hostNetwork struct{}

func (hostNetwork) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	var d net.Dialer
	return d.DialContext(ctx, network, address)
}

// Probe is one exchange a prober has with a target: what is sent, where.
type Probe struct {
	Prober string         `json:"prober"`
	Target netip.AddrPort `json:"target"`
	// Transport is "udp" or "tcp".
	Transport string `json:"transport"`
	// What says what is sent, for the log and the dry run
	// ("SNMPv2c GET sysObjectID.0 sysDescr.0 (community 1 of 2)").
	What string `json:"what"`
	// AnyPort (udp) takes answers from any port of the target, not only
	// the one probed.
	AnyPort bool `json:"any_port,omitempty"`
}

func (p Probe) String() string {
	return fmt.Sprintf("%s %s/%s %s", p.Prober, p.Target, p.Transport, p.What)
}

// Record is one line of the probe log.
type Record struct {
	Time  time.Time `json:"time"`
	Probe Probe     `json:"probe"`
	// Sent is false in a dry run and when the probe was refused.
	Sent bool `json:"sent"`
	// Refused says why a probe was not sent (outside the targets).
	Refused string `json:"refused,omitempty"`
}

// ErrOutsideTargets is returned for a probe of an address that is not a
// target; nothing is sent.
var ErrOutsideTargets = errors.New("address outside the targets")

// ErrDryRun is returned by a dry run's session instead of a connection.
var ErrDryRun = errors.New("dry run: not sent")

// Session is what a prober sends through: it checks each probe's address
// against the targets, waits for the rate limit and logs the probe
// before opening the socket. It is safe for concurrent use.
type Session struct {
	targets []netip.Prefix
	net     Network
	limit   *limiter
	log     func(Record)
	dryRun  bool
	now     func() time.Time
	// Timeout bounds each exchange (the prober applies it to its conn).
	Timeout time.Duration
	logMu   sync.Mutex
	sent    atomic.Int64
}

// Dial opens a connection for p after the scope check, the rate limit
// and the log line. The connection's deadline is the session's Timeout.
func (s *Session) Dial(ctx context.Context, p Probe) (net.Conn, error) {
	if err := s.admit(ctx, p); err != nil {
		return nil, err
	}
	var c net.Conn
	var err error
	if p.AnyPort && p.Transport == "udp" {
		c, err = s.dialAnyPort(ctx, p)
	} else {
		c, err = s.net.DialContext(ctx, p.Transport, p.Target.String())
	}
	if err != nil {
		return nil, err
	}
	if s.Timeout > 0 {
		c.SetDeadline(s.now().Add(s.Timeout))
	}
	return c, nil
}

// Allowed reports whether a may be probed: a prober checks an address it
// was told of (an SSDP LOCATION, an ONVIF XAddr) before planning a
// probe of it, and says so in its result when it may not.
func (s *Session) Allowed(a netip.Addr) bool { return Within(s.targets, a) }

// DryRun reports whether probes are only being listed.
func (s *Session) DryRun() bool { return s.dryRun }

func (s *Session) admit(ctx context.Context, p Probe) error {
	if p.Transport != "udp" && p.Transport != "tcp" {
		return fmt.Errorf("probe %s: transport %q", p, p.Transport)
	}
	rec := Record{Probe: p}
	if !Within(s.targets, p.Target.Addr()) {
		rec.Refused = ErrOutsideTargets.Error()
		s.record(rec)
		return fmt.Errorf("%s: %w", p.Target.Addr(), ErrOutsideTargets)
	}
	if s.dryRun {
		s.record(rec)
		return ErrDryRun
	}
	if err := s.limit.wait(ctx); err != nil {
		return err
	}
	rec.Sent = true
	s.sent.Add(1)
	s.record(rec)
	return nil
}

func (s *Session) record(r Record) {
	if s.log == nil {
		return
	}
	r.Time = s.now().UTC()
	s.logMu.Lock()
	defer s.logMu.Unlock()
	s.log(r)
}

// limiter lets one probe start every interval, across all workers.
type limiter struct {
	mu       sync.Mutex
	interval time.Duration
	next     time.Time
	now      func() time.Time
	// sleep waits d or until ctx ends.
	sleep func(ctx context.Context, d time.Duration) error
}

func newLimiter(perSecond float64) *limiter {
	l := &limiter{now: time.Now, sleep: sleepCtx}
	if perSecond > 0 {
		l.interval = time.Duration(float64(time.Second) / perSecond)
	}
	return l
}

func (l *limiter) wait(ctx context.Context) error {
	if l.interval == 0 {
		return ctx.Err()
	}
	l.mu.Lock()
	now := l.now()
	at := l.next
	if at.Before(now) {
		at = now
	}
	l.next = at.Add(l.interval)
	l.mu.Unlock()
	if d := at.Sub(now); d > 0 {
		if err := l.sleep(ctx, d); err != nil {
			return err
		}
	}
	return ctx.Err()
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// port builds a probe target.
func port(a netip.Addr, p uint16) netip.AddrPort { return netip.AddrPortFrom(a, p) }
