// Package scan runs the pipeline over the inputs a user names: read each
// input with the reader that recognises it, attribute every item, and
// assemble the report.
package scan

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/embargo-dev/embargo/attribute"
	"github.com/embargo-dev/embargo/input"
	"github.com/embargo-dev/embargo/inventory"
	"github.com/embargo-dev/embargo/report"
)

// Options control a scan.
type Options struct {
	Limits inventory.Limits
	// Reader forces a reader by name instead of sniffing the input.
	Reader string
	// Select chooses host collectors by name or tag; empty selects all.
	Select []string
	// Exclude lists paths not to walk in directory and image inputs: as
	// the report prints them, relative to the working directory or to the
	// target, or absolute. One that can match in no input fails Run.
	Exclude []string
	// CrossFS lets the walk of a live root cross into other file systems.
	CrossFS bool
	// Progress, when set, receives events as the scan goes.
	Progress func(Event)
	// Version is written into the report.
	Version string
	// Now is the report's time; zero means time.Now.
	Now time.Time
}

// Event reports progress.
type Event struct {
	Source string
	Stage  string // "read", "walk", "attribute", "done", "failed"
	Items  int    // items so far; while walking, files walked
	// While walking: items found so far and the collector last started.
	Found     int
	Collector string
}

// ErrNothingRead is returned when no input could be read at all.
var ErrNothingRead = errors.New("no input could be read")

// errEmpty is an input of no bytes that no reader was forced on.
var errEmpty = errors.New("the input is empty (0 bytes): there is nothing in it to scan")

// Run scans each input ("-" is standard input) and returns the report.
// An input that cannot be read is recorded in the report, with an
// unknown entry for it, and the scan goes on; Run fails only when no input
// could be read, or, before reading any, when a --select or an
// --exclude-path could never apply.
func Run(ctx context.Context, a *attribute.Attributor, inputs []string, opts Options) (*report.Report, error) {
	if opts.Limits == (inventory.Limits{}) {
		opts.Limits = inventory.DefaultLimits
	}
	progress := opts.Progress
	if progress == nil {
		progress = func(Event) {}
	}
	// What the user asked for that could never apply is refused before
	// anything is read.
	if err := CheckSelect(opts.Select); err != nil {
		return nil, err
	}
	srcs := make([]Source, len(inputs))
	for i, in := range inputs {
		srcs[i] = sourceOf(in, opts.Reader)
	}
	if err := checkExcludes(inputs, srcs, opts.Exclude); err != nil {
		return nil, err
	}
	b := newBuilder(a, opts)
	var errs []error
	read := 0
	for i, in := range inputs {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		progress(Event{Source: in, Stage: "read"})
		pre := newEarly(a)
		inv, notes, reader, err := srcs[i].Scan(inventory.WithItemsReady(ctx, pre.ready), in, opts)
		ids, ats := pre.results()
		for _, n := range notes {
			b.note(in, n)
		}
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			b.failed(in, reader, err)
			errs = append(errs, err)
			progress(Event{Source: in, Stage: "failed"})
			continue
		}
		progress(Event{Source: in, Stage: "attribute", Items: len(inv.Items)})
		read++
		b.add(inv, reader, ids, ats)
		progress(Event{Source: in, Stage: "done", Items: len(inv.Items)})
	}
	if read == 0 && len(errs) > 0 {
		return b.report(), fmt.Errorf("%w: %w", ErrNothingRead, errors.Join(errs...))
	}
	return b.report(), nil
}

// sourceOf is the first source that accepts input.
func sourceOf(input, forced string) Source {
	srcs := Sources()
	for _, s := range srcs {
		if s.Accepts(input, forced) {
			return s
		}
	}
	return srcs[len(srcs)-1]
}

// headSize is how much of an input readers see to recognise it.
const headSize = 8 << 10

func readInput(ctx context.Context, name, forced string, lim inventory.Limits) (*inventory.Inventory, string, error) {
	return readInputWith(ctx, name, forced, lim, Readers())
}

// readInputWith is readInput choosing among readers, in their order.
func readInputWith(ctx context.Context, name, forced string, lim inventory.Limits, readers []inventory.Reader) (*inventory.Inventory, string, error) {
	in, err := input.Open(name, input.Options{HeadSize: headSize, MaxDecompressed: lim.MaxBytes + 1, Stdin: os.Stdin})
	if err != nil {
		return nil, "", err
	}
	defer in.Close()
	r, ok := input.Choose(readers, in, forced)
	switch {
	case !ok && forced != "":
		return nil, "", fmt.Errorf("no reader named %q (readers: %s)", forced, ReaderNames())
	case !ok && len(in.Head) == 0:
		return nil, "", &inventory.InputError{Source: name, Offset: -1, Err: errEmpty}
	case !ok:
		return nil, "", &inventory.InputError{Source: name, Offset: -1, Err: fmt.Errorf("not a recognised inventory format (%s)", ReaderNames())}
	}
	inv, err := r.Read(ctx, name, in.R, lim)
	return inv, r.Name(), err
}
