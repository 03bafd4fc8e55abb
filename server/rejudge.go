package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/embargo-dev/embargo/store"
)

// Defaults of re-judging.
const (
	// DefaultPolicyPoll is how often a server reads the policy version:
	// a change made through another replica is seen within it.
	DefaultPolicyPoll = 2 * time.Second
	// DefaultRejudgeLease is how long a server's claim of a batch of
	// hosts holds: a server that dies mid-way leaves them to others
	// after it.
	DefaultRejudgeLease = time.Minute
	// DefaultRejudgeBatch is how many hosts a server claims at a time,
	// DefaultRejudgeWorkers how many batches it has in hand at once.
	DefaultRejudgeBatch   = 250
	DefaultRejudgeWorkers = 2
)

// rejudger keeps the server's policy current and, when the fleet's
// version is not done, takes part in re-judging it: each server claims
// batches of hosts no other holds, so that replicas share the work and
// a dead server's hosts are taken over when its claims lapse.
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
// policy in force, if the fleet's version is not done, sharing the hosts
// with other servers doing the same; it returns the hosts it judged. Servers do this
// on their own (Serve); it is exported for tools and tests.
func (s *Server) Rejudge(ctx context.Context) (int, error) {
	return s.rejudge(ctx, "rejudge/"+s.now().UTC().Format(time.RFC3339Nano), DefaultRejudgeLease)
}

func (s *Server) rejudge(ctx context.Context, owner string, lease time.Duration) (int, error) {
	workers := s.cfg.RejudgeWorkers
	if workers <= 0 {
		workers = DefaultRejudgeWorkers
	}
	var wg sync.WaitGroup
	ns := make([]int, workers)
	errs := make([]error, workers)
	for i := range workers {
		wg.Go(func() { ns[i], errs[i] = s.rejudgeWorker(ctx, fmt.Sprintf("%s/%d", owner, i), lease) })
	}
	wg.Wait()
	n := 0
	for _, k := range ns {
		n += k
	}
	return n, errors.Join(errs...)
}

// rejudgeWorker claims, judges and applies batches until none is left:
// one of a server's workers, each its own owner of claims, so that one
// judges while another's batch is written.
func (s *Server) rejudgeWorker(ctx context.Context, owner string, lease time.Duration) (int, error) {
	n := 0
	var items *itemJudge
	pace := s.newPacer()
	for {
		pace.yield(ctx)
		batch := s.cfg.RejudgeBatch
		if batch <= 0 {
			batch = DefaultRejudgeBatch
		}
		job, in, err := s.st.ClaimHosts(ctx, owner, batch, s.now(), lease)
		if err != nil {
			return n, err
		}
		if len(in) == 0 {
			if job.Version == 0 {
				return n, nil
			}
			finished, err := s.st.FinishRejudge(ctx, job, s.now())
			if err != nil {
				return n, err
			}
			if finished {
				s.log.Info("re-judged the fleet", "version", job.Version, "reason", job.Reason)
			}
			if p, err := s.st.PolicyVersion(ctx); err == nil {
				s.notePolicy(p)
			}
			return n, nil
		}
		ps, err := s.policyOf(ctx, job.Version)
		if err != nil {
			return n, err
		}
		if items == nil || items.ps != ps {
			items = newItemJudge(s, ps)
		}
		rs, err := s.judgeBatch(ctx, ps, items, job, in, pace)
		if err != nil {
			return n, err
		}
		pace.yield(ctx)
		done, err := s.st.ApplyRejudged(ctx, job, rs)
		if errors.Is(err, store.ErrStale) {
			continue // a newer version: claim for it
		}
		if err != nil {
			return n, err
		}
		n += done
		if p, err := s.st.PolicyVersion(ctx); err == nil {
			s.notePolicy(p) // progress, a batch at a time
		}
	}
}

// policyOf is the policy state of version, loaded again if the cached one
// is older; ErrStale when the version is no longer current.
func (s *Server) policyOf(ctx context.Context, version int64) (*policyState, error) {
	ps, err := s.policyState(ctx)
	if err != nil {
		return nil, err
	}
	if ps.version != version {
		s.forget()
		if ps, err = s.policyState(ctx); err != nil {
			return nil, err
		}
		if ps.version != version {
			return nil, fmt.Errorf("%w: policy version %d loaded, %d claimed", store.ErrStale, ps.version, version)
		}
	}
	return ps, nil
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
