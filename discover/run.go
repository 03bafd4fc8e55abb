package discover

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"sort"
	"sync"
	"time"

	"github.com/embargo-dev/embargo/inventory/discovery"
)

// Options configure a run.
type Options struct {
	// Targets are the only addresses probed; there is no default.
	Targets []netip.Prefix
	// MaxTargets refuses a run of more addresses (0: MaxTargets).
	MaxTargets int
	// Probers ask the questions, in this order, of every address.
	Probers []Prober
	// Rate is the most probes started per second across the run
	// (0: DefaultRate; negative: unlimited, for tests).
	Rate float64
	// Timeout bounds each exchange (0: DefaultTimeout).
	Timeout time.Duration
	// Workers is how many addresses are probed at once (0:
	// DefaultWorkers); each address's probers run at the same time.
	Workers int
	// Network opens the sockets (nil: the host's stack).
	Network Network
	// Log receives every probe, sent or not; calls are serialised.
	Log func(Record)
	// DryRun logs the probes and sends nothing.
	DryRun bool
	// Neighbours reads the MAC addresses the kernel resolved (nil: the
	// host's neighbour table where the platform has one).
	Neighbours func() (map[netip.Addr]string, error)
	// Now is the clock (nil: time.Now).
	Now func() time.Time
}

// Defaults.
const (
	DefaultRate    = 50
	DefaultTimeout = 2 * time.Second
	DefaultWorkers = 64
)

// Run probes every target address with every prober and returns what
// answered. A cancelled ctx ends the run early with the hosts found so
// far and Interrupted set.
func Run(ctx context.Context, o Options) (*discovery.Document, error) {
	if len(o.Targets) == 0 {
		return nil, errors.New("no targets: discovery probes only the ranges it is given")
	}
	if len(o.Probers) == 0 {
		return nil, errors.New("no probers selected")
	}
	limit := o.MaxTargets
	if limit <= 0 {
		limit = MaxTargets
	}
	n := Count(o.Targets, limit)
	if n > limit {
		return nil, fmt.Errorf("the targets hold more than %d addresses: split the run or raise the limit", limit)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	s := newSession(o)
	doc := &discovery.Document{Format: discovery.Format, Started: o.Now().UTC(), Targets: o.Targets, Addresses: n}
	for _, p := range o.Probers {
		doc.Probers = append(doc.Probers, p.Name())
	}
	var mu sync.Mutex
	addrs := make(chan netip.Addr)
	var wg sync.WaitGroup
	workers := o.Workers
	if workers <= 0 {
		workers = DefaultWorkers
	}
	for range workers {
		wg.Go(func() {
			for a := range addrs {
				if h, ok := probeHost(ctx, s, o.Probers, a); ok {
					mu.Lock()
					doc.Hosts = append(doc.Hosts, h)
					mu.Unlock()
				}
			}
		})
	}
	Hosts(o.Targets, func(a netip.Addr) bool {
		select {
		case addrs <- a:
			return true
		case <-ctx.Done():
			return false
		}
	})
	close(addrs)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		doc.Interrupted = err.Error()
	}
	doc.Probes = int(s.sent.Load())
	sort.Slice(doc.Hosts, func(i, j int) bool { return doc.Hosts[i].Addr.Less(doc.Hosts[j].Addr) })
	if !o.DryRun {
		addMACs(doc, o.Neighbours)
	}
	doc.Finished = o.Now().UTC()
	return doc, nil
}

func newSession(o Options) *Session {
	s := &Session{targets: o.Targets, net: o.Network, log: o.Log, dryRun: o.DryRun, now: o.Now, Timeout: o.Timeout}
	if s.net == nil {
		s.net = hostNetwork{}
	}
	if s.Timeout <= 0 {
		s.Timeout = DefaultTimeout
	}
	rate := o.Rate
	if rate == 0 {
		rate = DefaultRate
	}
	s.limit = newLimiter(rate)
	return s
}

// probeHost asks a every prober's questions, all at once: an address
// that is not there costs one timeout, not one per prober. ok is false
// when nothing answered.
func probeHost(ctx context.Context, s *Session, ps []Prober, a netip.Addr) (discovery.Host, bool) {
	type result struct {
		ob  discovery.Observation
		err error
	}
	results := make([]result, len(ps))
	var wg sync.WaitGroup
	for i, p := range ps {
		wg.Go(func() {
			results[i].ob, results[i].err = p.Probe(ctx, s, a)
		})
	}
	wg.Wait()
	h := discovery.Host{Addr: a, Observations: map[string]discovery.Observation{}}
	answered := false
	for i, p := range ps {
		ob, err := results[i].ob, results[i].err
		if err != nil && !errors.Is(err, ErrDryRun) && ctx.Err() == nil {
			if h.Errors == nil {
				h.Errors = map[string]string{}
			}
			h.Errors[p.Name()] = err.Error()
		}
		if ob.Answered || len(ob.Attrs) > 0 {
			answered = true
			h.Observations[p.Name()] = ob
		}
	}
	return h, answered
}

// addMACs fills in each host's MAC from the neighbour table.
func addMACs(doc *discovery.Document, read func() (map[netip.Addr]string, error)) {
	if read == nil {
		read = readNeighbours
	}
	macs, err := read()
	if err != nil || len(macs) == 0 {
		return
	}
	for i := range doc.Hosts {
		doc.Hosts[i].MAC = macs[doc.Hosts[i].Addr]
	}
}
