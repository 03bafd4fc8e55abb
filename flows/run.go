// Package flows runs the traffic pipeline over the inputs a user names,
// as package scan runs the software pipeline: read each input with the
// flow reader that recognises it, attribute every destination, add the
// traffic up per source system and destination, and assemble the report
// (which the judge then judges, when a policy is given).
package flows

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/embargo-dev/embargo/egress/collect"
	"github.com/embargo-dev/embargo/report"
)

// Options control a run.
type Options struct {
	collect.Options
	// Format forces a reader by name instead of sniffing each input.
	Format string
	// Stdin is read for the input "-".
	Stdin io.Reader
	// IPData names the IP data used, for the report; nil names none.
	IPData func() (*report.IPData, error)
	// Version is written into the report.
	Version string
	// Now is the report's time; zero means time.Now.
	Now time.Time
	// Progress, when set, is told what the run is doing: at the start of
	// each input and of each stage, and every ProgressEvery
	// (DefaultProgressEvery when zero) while an input is read; one call
	// at a time, never after Run returns.
	Progress      func(Progress)
	ProgressEvery time.Duration
}

// Run reads every input ("-" is standard input) and returns the report of
// the traffic. An input that cannot be read is recorded in the report and
// the run goes on; Run fails only when no input could be read
// (collect.ErrNothingRead, with each input's error).
func Run(ctx context.Context, inputs []string, o Options) (*report.Report, error) {
	a := collect.NewAggregator(o.Options)
	p := startProgress(o.Progress, a, o.ProgressEvery)
	read, err := readInputs(ctx, Readers(), inputs, o.Format, o.Stdin, a.Sink(), a, p)
	p.attribute()
	if err != nil {
		return nil, err
	}
	return Finish(a, read, o)
}

// Finish ends a run whose flows a reached some other way (a NetFlow
// listener's), from inputs.
func Finish(a *collect.Aggregator, inputs []collect.Input, o Options) (*report.Report, error) {
	res, err := a.Complete(inputs)
	if err != nil {
		var why []string
		for _, in := range inputs {
			why = append(why, in.Error)
		}
		return nil, fmt.Errorf("%w: %s", err, strings.Join(why, "; "))
	}
	var ip *report.IPData
	if o.IPData != nil {
		if ip, err = o.IPData(); err != nil {
			return nil, fmt.Errorf("IP data: %w", err)
		}
	}
	now := o.Now
	if now.IsZero() {
		now = time.Now().UTC()
	}
	rep := &report.Report{Tool: report.Tool{Name: "embargo", Version: o.Version}, Generated: now,
		Catalog: report.CatalogOf(o.Catalog), Cat: o.Catalog}
	rep.SetTraffic(inputs, res, ip)
	return rep, nil
}

// ReaderNames lists the readers' names for messages and help.
func ReaderNames() string {
	var names []string
	for _, r := range Readers() {
		names = append(names, r.Name())
	}
	return strings.Join(names, ", ")
}
