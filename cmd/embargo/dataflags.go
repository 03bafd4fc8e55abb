package main

import (
	"errors"
	"fmt"
	"runtime/debug"
	"time"

	"github.com/spf13/pflag"

	"github.com/embargo-dev/embargo/report"
)

// dataFlags say how old the data in use may be.
type dataFlags struct {
	maxAge      time.Duration
	failOnStale bool
}

// defaultMaxDataAge is --max-data-age's default.
const defaultMaxDataAge = 30 * 24 * time.Hour

func (d *dataFlags) register(f *pflag.FlagSet) {
	f.DurationVar(&d.maxAge, "max-data-age", defaultMaxDataAge, "warn when the catalogue and packs in use are older than this (a feed's, by its build; the binary's, by its commit)")
	f.BoolVar(&d.failOnStale, "fail-on-stale", false, "exit 3 when the data in use is older than --max-data-age or its feed's timestamp expired")
	catalogFlag(f)
}

// errStale is a run judged by data older than it allowed.
var errStale = errors.New("the data in use is stale")

// dataRef names the data in use for a report, and why it is stale when
// it is (empty: it is not, or its age is not known).
func dataRef(maxAge time.Duration, now time.Time) (*report.Data, error) {
	d, err := dataInUse()
	if err != nil {
		return nil, err
	}
	ref := report.DataOf(d)
	localRef(ref, d.Catalog)
	var built time.Time
	if f := d.Feed; f != nil {
		for _, t := range f.Targets {
			if t.Built.After(built) {
				built = t.Built
			}
		}
		if now.After(f.Timestamp) {
			ref.Stale = fmt.Sprintf("the feed's timestamp expired on %s: run embargo update", f.Timestamp.UTC().Format(time.DateOnly))
		}
	} else {
		built = commitTime()
	}
	if ref.Stale == "" && !built.IsZero() && maxAge > 0 && now.Sub(built) > maxAge {
		ref.Stale = fmt.Sprintf("the data was built on %s, %d days ago, more than --max-data-age allows", built.UTC().Format(time.DateOnly), int(now.Sub(built).Hours()/24))
	}
	return ref, nil
}

// commitTime is when the commit this binary was built from was made,
// when the build recorded it.
func commitTime() time.Time {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return time.Time{}
	}
	for _, s := range bi.Settings {
		if s.Key == "vcs.time" {
			t, err := time.Parse(time.RFC3339, s.Value)
			if err == nil {
				return t
			}
		}
	}
	return time.Time{}
}
