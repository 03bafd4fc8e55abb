package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/embargo-dev/embargo/egress/collect"
	"github.com/embargo-dev/embargo/store"
)

// Defaults of re-judging.
const (
	// DefaultPolicyPoll is how often a server reads the policy version:
	// a change made through another replica is seen within it.
	DefaultPolicyPoll = 2 * time.Second
	// DefaultRejudgeLease is how long a claim of re-judging holds without
	// renewal: a server that dies mid-way is taken over after it.
	DefaultRejudgeLease = time.Minute
	rejudgeBatch        = 100
)

// rejudger keeps the server's policy current and, when the fleet's
// version is not done, takes part in re-judging it: one server at a time
// holds the lease, host by host, resuming where another stopped.
type rejudger struct {
	s     *Server
	owner string
	poll  time.Duration
	lease time.Duration
}

func newRejudger(s *Server) *rejudger {
	host, _ := os.Hostname()
	var b [4]byte
	_, _ = rand.Read(b[:])
	r := &rejudger{s: s, owner: fmt.Sprintf("%s/%d/%s", host, os.Getpid(), hex.EncodeToString(b[:])),
		poll: s.cfg.PolicyPoll, lease: s.cfg.RejudgeLease}
	if r.poll <= 0 {
		r.poll = DefaultPolicyPoll
	}
	if r.lease <= 0 {
		r.lease = DefaultRejudgeLease
	}
	return r
}

// run polls until ctx ends.
func (r *rejudger) run(ctx context.Context) {
	t := time.NewTicker(r.poll)
	defer t.Stop()
	for {
		if err := r.step(ctx); err != nil && ctx.Err() == nil {
			r.s.log.Warn("re-judging", "error", err.Error())
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// step installs the fleet's feed if another replica took a new one,
// drops the cached policy if the fleet's version moved, and re-judges
// if there is something to re-judge, by the fleet's data, and no one
// else is.
func (r *rejudger) step(ctx context.Context) error {
	if err := r.s.syncFeed(ctx); err != nil {
		r.s.log.Warn("installing the fleet's data feed", "error", err.Error())
	}
	p, err := r.s.st.PolicyVersion(ctx)
	if err != nil {
		return err
	}
	r.s.notePolicy(p)
	r.s.forgetUnless(p.Version)
	if p.Done >= p.Version {
		return nil
	}
	if d := r.s.dataNow(); p.Catalogue != "" && p.Catalogue != d.digest {
		// Another replica judges by other data (a feed this one could
		// not install, or another release): it re-judges, not this one.
		return nil
	}
	_, err = r.s.rejudge(ctx, r.owner, r.lease)
	return err
}

// Rejudge judges every stored inventory and flow summary again by the
// policy in force, if the fleet's version is not done and no other
// server holds the lease; it returns the hosts judged. Servers do this
// on their own (Serve); it is exported for tools and tests.
func (s *Server) Rejudge(ctx context.Context) (int, error) {
	return s.rejudge(ctx, "rejudge/"+s.now().UTC().Format(time.RFC3339Nano), DefaultRejudgeLease)
}

func (s *Server) rejudge(ctx context.Context, owner string, lease time.Duration) (int, error) {
	n := 0
	job, ok, err := s.st.ClaimRejudge(ctx, owner, s.now(), lease)
	if err != nil || !ok {
		return 0, err
	}
	s.log.Info("re-judging the fleet", "version", job.Version, "reason", job.Reason, "after", job.After, "owner", owner)
	ps, err := s.policyState(ctx)
	if err != nil {
		return 0, err
	}
	if ps.version != job.Version {
		s.forget()
		if ps, err = s.policyState(ctx); err != nil {
			return 0, err
		}
		if ps.version != job.Version {
			return 0, fmt.Errorf("%w: policy version %d loaded, %d claimed", store.ErrStale, ps.version, job.Version)
		}
	}
	after := job.After
	for {
		ids, err := s.st.RejudgeHosts(ctx, after, rejudgeBatch)
		if err != nil {
			return n, err
		}
		if len(ids) == 0 {
			break
		}
		for _, id := range ids {
			if err := s.rejudgeHost(ctx, ps, job, id); err != nil {
				return n, err
			}
			n++
			after = id
		}
		if p, err := s.st.PolicyVersion(ctx); err == nil {
			s.notePolicy(p) // progress, a batch at a time
		}
	}
	if err := s.st.FinishRejudge(ctx, job, s.now()); err != nil {
		return n, err
	}
	if p, err := s.st.PolicyVersion(ctx); err == nil {
		s.notePolicy(p)
	}
	s.log.Info("re-judged the fleet", "version", job.Version, "hosts", n)
	return n, nil
}

// rejudgeHost judges one host again, from its inventory and its flow
// summaries as stored, retrying when an upload changed the inventory
// meanwhile.
func (s *Server) rejudgeHost(ctx context.Context, ps *policyState, job store.RejudgeJob, id string) error {
	for try := 0; ; try++ {
		r, err := s.judgeStored(ctx, ps, id, job.Reason)
		if err != nil {
			return fmt.Errorf("re-judging host %q: %w", id, err)
		}
		err = s.st.RejudgeHost(ctx, job, r)
		if err == nil || !errors.Is(err, store.ErrStale) || try == 2 {
			return err
		}
		// The job itself may have gone stale: only retry for the host.
		if p, perr := s.st.PolicyVersion(ctx); perr != nil || p.Version != job.Version || p.Owner != job.Owner {
			return err
		}
	}
}

// judgeStored judges a host again from what the store holds of it: its
// inventory (items as attributed at upload, attributed again here) and
// its flow summaries.
func (s *Server) judgeStored(ctx context.Context, ps *policyState, id, reason string) (store.Rejudged, error) {
	now := s.now()
	r := store.Rejudged{HostID: id, At: now, Reason: "re-judged: " + reason}
	h, err := s.st.Host(ctx, store.System, id)
	if err != nil {
		return r, err
	}
	a := store.Agent{ID: id, Department: h.Department, Host: h.Host}
	firstSeen, err := s.firstSeen(ctx, id)
	if err != nil {
		return r, err
	}
	raw, at, err := s.st.InventoryAt(ctx, store.System, id)
	switch {
	case errors.Is(err, store.ErrNotFound):
	case err != nil:
		return r, err
	default:
		rep, err := decodeScanReport(raw)
		if err != nil {
			return r, fmt.Errorf("the stored inventory: %w", err)
		}
		up, err := s.judgeScan(ps, a, rep, now, firstSeen)
		if err != nil {
			return r, err
		}
		for i := range up.Findings {
			up.Findings[i].LastSeen = at
		}
		r.Inventory, r.Host, r.Software = at, up.Host, up.Findings
	}
	sums, err := s.st.FlowSummaries(ctx, store.System, id)
	if err != nil {
		return r, err
	}
	aggs := make([]collect.Aggregate, 0, len(sums))
	for _, x := range sums {
		ag, err := summaryAggregate(x)
		if err != nil {
			return r, fmt.Errorf("the stored traffic to %s: %w", x.Destination, err)
		}
		aggs = append(aggs, *ag)
	}
	if r.Traffic, err = s.judgeTraffic(ps, a, aggs, now, firstSeen); err != nil {
		return r, err
	}
	last := make(map[string]time.Time, len(sums))
	for _, x := range sums {
		last[x.Destination] = x.Last
	}
	for i := range r.Traffic {
		r.Traffic[i].LastSeen = last[r.Traffic[i].ItemKey]
	}
	return r, nil
}

// notePolicy puts the policy version and the progress of re-judging in
// the metrics.
func (s *Server) notePolicy(p store.PolicyVersion) {
	g := s.metrics.policy
	g.WithLabelValues("version").Set(float64(p.Version))
	g.WithLabelValues("done").Set(float64(p.Done))
	g.WithLabelValues("hosts_done").Set(float64(p.HostsDone))
	g.WithLabelValues("hosts_total").Set(float64(p.HostsTotal))
}
