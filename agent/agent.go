// Package agent is `embargo agent`: it enrols a host with `embargo serve`
// once, scans it on an interval, and uploads the report when its content
// changed. Every upload goes through a spool on disk first, so that
// nothing is lost while the server cannot be reached or across restarts;
// the spool is drained oldest first, with exponential backoff, and each
// file is removed only once the server acknowledged it. The server
// recognises a report sent twice by its digest, so a retry after a lost
// answer never duplicates anything.
//
// StateDir holds credential.json (0600), state.json (the content digest
// last acknowledged per kind), spool/ and rejected/ (uploads the server
// refused with a 4xx, kept for a person to look at).
package agent

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"
)

// Once does one scan and upload, draining the spool too; the error is
// nil only when everything spooled got through.
func Once(ctx context.Context, cfg Config) error {
	cfg.Once = true
	return Run(ctx, cfg)
}

// Run enrols (first time only), then scans and uploads every interval
// until ctx is cancelled, when it returns nil. It returns an error for
// what retrying cannot mend: a bad configuration, a refused enrolment
// token, a credential the server no longer accepts. With cfg.Once it
// does one round (see Once).
func Run(ctx context.Context, cfg Config) error {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return err
	}
	a, err := open(cfg)
	if err != nil {
		return err
	}
	if cfg.Once {
		return a.once(ctx)
	}
	return a.loop(ctx)
}

// agent is one Run's working state.
type agent struct {
	cfg       Config
	log       *slog.Logger
	spool     *spool
	statePath string
	st        state
	cred      *Credential
	// rejected counts uploads refused during this Run.
	rejected int
	// feedETag names the last feed bundle fetched (installed or refused).
	feedETag string
	// serverInterval is the interval the server asked for (0: not asked).
	serverInterval time.Duration
}

func open(cfg Config) (*agent, error) {
	sp := &spool{dir: filepath.Join(cfg.StateDir, "spool"), rejected: filepath.Join(cfg.StateDir, "rejected"),
		maxCount: cfg.SpoolMaxCount, maxBytes: cfg.SpoolMaxBytes, now: cfg.Now}
	for _, d := range []string{cfg.StateDir, sp.dir, sp.rejected} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return nil, fmt.Errorf("agent: state directory: %w", err)
		}
	}
	a := &agent{cfg: cfg, log: cfg.Logger, spool: sp, statePath: statePath(cfg.StateDir)}
	st, err := loadState(a.statePath)
	if err != nil {
		a.log.Warn("state unreadable; starting afresh (an unchanged report may be sent once more)", "error", err)
	}
	a.st = st
	return a, nil
}

// once is Run with cfg.Once.
func (a *agent) once(ctx context.Context) error {
	scanErr := a.collect(ctx)
	var err error
	// Only a short Retry-After is waited for: a one-shot run should end
	// promptly, and what it could not send stays in the spool.
	for range 3 {
		err = a.drain(ctx)
		var re *retryError
		if !errors.As(err, &re) || re.after == 0 || re.after > time.Minute {
			break
		}
		a.log.Warn("server busy; waiting as it asked", "retry_after", re.after.String())
		if !sleep(ctx, re.after) {
			return ctx.Err()
		}
	}
	if err != nil {
		err = fmt.Errorf("upload did not get through (kept in the spool for the next run): %w", err)
	} else if a.rejected > 0 {
		err = fmt.Errorf("the server refused %d upload(s); see %q", a.rejected, a.spool.rejected)
	}
	return errors.Join(scanErr, err)
}

// loop scans every interval and drains the spool, retrying with backoff
// between scans while the server cannot take uploads.
func (a *agent) loop(ctx context.Context) error {
	nextScan := a.cfg.Now()
	var retryAt time.Time
	attempt := 0
	for {
		now := a.cfg.Now()
		scanned := false
		if !now.Before(nextScan) {
			if err := a.collect(ctx); err != nil {
				a.log.Error("scan failed", "error", err)
			}
			scanned = true
		}
		if ctx.Err() != nil {
			return nil
		}
		if retryAt.IsZero() || !a.cfg.Now().Before(retryAt) {
			err := a.drain(ctx)
			switch {
			case ctx.Err() != nil:
				return nil
			case errors.Is(err, errPermanent):
				return err
			case err != nil:
				d := backoff(attempt, a.cfg.BackoffBase, a.cfg.BackoffMax)
				var re *retryError
				if errors.As(err, &re) && re.after > d {
					d = re.after // the server knows when it will have room
				}
				attempt++
				retryAt = a.cfg.Now().Add(d)
				a.log.Warn("upload failed; will retry", "error", err, "retry_in", d.String(), "attempt", attempt)
			default:
				attempt, retryAt = 0, time.Time{}
			}
		}
		if scanned {
			nextScan = now.Add(jittered(a.interval(ctx), a.cfg.Jitter))
			a.log.Info("next scan", "at", nextScan.UTC().Format(time.RFC3339))
		}
		wake := nextScan
		if !retryAt.IsZero() && retryAt.Before(wake) {
			wake = retryAt
		}
		if !sleep(ctx, wake.Sub(a.cfg.Now())) {
			return nil
		}
	}
}

// sleep waits d or until ctx is done; it reports whether ctx is alive.
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
