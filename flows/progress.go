package flows

import (
	"context"
	"sync"
	"time"

	"github.com/embargo-dev/embargo/egress/collect"
)

// Stages of a run, as Progress names them.
const (
	StageRead      = "read"      // inputs are being read
	StageAttribute = "attribute" // every input is read; destinations are being attributed and added up
)

// Progress is what a run has done so far, for a progress line: a large
// log takes seconds to read, which should not pass in silence.
type Progress struct {
	Stage string
	// Input is the input being read, the N-th of Of (from 1); empty
	// after the last.
	Input string
	N, Of int
	// Records counts the records read from every input so far: flows,
	// DNS answers and bad records.
	Records uint64
}

// DefaultProgressEvery is how often a run reports progress while an
// input is read, when Options.ProgressEvery is zero.
const DefaultProgressEvery = 200 * time.Millisecond

// progress calls a run's Progress function, one call at a time: at the
// start of each input and of each stage, and every interval in between.
type progress struct {
	f     func(Progress)
	a     *collect.Aggregator
	mu    sync.Mutex
	at    Progress
	stop  context.CancelFunc
	ended chan struct{}
}

// startProgress starts reporting a's progress to f every interval; it
// returns nil when f is nil, and a nil *progress does nothing.
func startProgress(f func(Progress), a *collect.Aggregator, interval time.Duration) *progress {
	if f == nil {
		return nil
	}
	if interval <= 0 {
		interval = DefaultProgressEvery
	}
	ctx, stop := context.WithCancel(context.Background())
	p := &progress{f: f, a: a, at: Progress{Stage: StageRead}, stop: stop, ended: make(chan struct{})}
	go func() {
		defer close(p.ended)
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				p.report(func(*Progress) {})
			}
		}
	}()
	return p
}

// report changes what the run is doing with change, and reports it.
func (p *progress) report(change func(*Progress)) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	change(&p.at)
	p.at.Records = p.a.Read()
	p.f(p.at)
}

// input reports that the n-th of of inputs, name, is read next.
func (p *progress) input(name string, n, of int) {
	p.report(func(at *Progress) { at.Stage, at.Input, at.N, at.Of = StageRead, name, n, of })
}

// attribute reports that every input is read, stops the reports at
// intervals and reports the last stage: destinations are attributed.
func (p *progress) attribute() {
	if p == nil {
		return
	}
	p.stop()
	<-p.ended
	p.report(func(at *Progress) { at.Stage, at.Input, at.N = StageAttribute, "", 0 })
}
