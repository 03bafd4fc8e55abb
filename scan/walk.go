package scan

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/embargo-dev/embargo/inventory"
)

// WalkOptions control a walk of a target.
type WalkOptions struct {
	Limits inventory.Limits
	// Exclude lists paths, relative to the target, not to descend into
	// (folders) or read (files).
	Exclude []string
	// OneFS keeps the walk on the file system of the target's root.
	OneFS bool
	// Workers bounds the collectors running at once; 0 means GOMAXPROCS.
	Workers int
	// Progress, when set, receives an event every few thousand files.
	Progress func(Event)
}

// liveSkip are the pseudo file systems of a running Linux system, never
// walked.
var liveSkip = []string{"proc", "sys", "dev"}

// job is one file wanted by one collector, numbered in walk order so that
// results come out the same whatever order the workers finish in.
type job struct {
	seq int
	c   inventory.Collector
	f   inventory.TargetFile
}

type result struct {
	seq      int
	items    []inventory.Item
	unknowns []inventory.Unknown
}

// Walk visits every regular file of the target once, offers it to each
// collector, and runs the collectors on the files they want, in parallel.
// Nothing below the target is reached through a symbolic link. Files and
// folders that cannot be read become unknowns; the walk goes on.
func Walk(ctx context.Context, t *inventory.Target, collectors []inventory.Collector, opts WalkOptions) (*inventory.Inventory, error) {
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	var found atomic.Int64
	var current atomic.Value // the collector last started, for progress
	jobs := make(chan job, 256)
	results := make(chan result, 256)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				current.Store(j.c.Name())
				results <- run(ctx, t, j, opts.Limits)
			}
		}()
	}
	var all []result
	done := make(chan struct{})
	go func() {
		for r := range results {
			all = append(all, r)
			found.Add(int64(len(r.items)))
		}
		close(done)
	}()
	w := walker{t: t, collectors: collectors, opts: opts, jobs: jobs}
	w.progress = func(files int) {
		if opts.Progress != nil {
			c, _ := current.Load().(string)
			opts.Progress(Event{Source: t.Name, Stage: "walk", Items: files, Found: int(found.Load()), Collector: c})
		}
	}
	err := w.walk(ctx)
	close(jobs)
	wg.Wait()
	close(results)
	<-done
	if err != nil {
		return nil, err
	}
	slices.SortFunc(all, func(a, b result) int { return a.seq - b.seq })
	inv := &inventory.Inventory{Source: t.Name, Format: fmt.Sprintf("directory walk (%d files)", w.files)}
	inv.Unknowns = w.unknowns
	for _, r := range all {
		for _, it := range r.items {
			it.Index = len(inv.Items)
			inv.Items = append(inv.Items, it)
		}
		inv.Unknowns = append(inv.Unknowns, r.unknowns...)
	}
	return inv, nil
}

func run(ctx context.Context, t *inventory.Target, j job, lim inventory.Limits) result {
	r := result{seq: j.seq}
	items, unknowns, err := collectSafely(ctx, t, j, lim)
	t.Place(j.f.Path, j.c.Name(), items, unknowns)
	r.items, r.unknowns = items, unknowns
	if err != nil && ctx.Err() == nil {
		r.unknowns = append(r.unknowns, inventory.Unknown{
			Location: inventory.Location{Source: t.Display(j.f.Path), Reader: j.c.Name(), Host: t.Host},
			Reason:   strings.TrimPrefix(err.Error(), t.Display(j.f.Path)+": "), // the location names it
		})
	}
	return r
}

// collectSafely turns a collector's panic into an error for that file: a
// bug in one parser must not end the scan of a whole estate.
func collectSafely(ctx context.Context, t *inventory.Target, j job, lim inventory.Limits) (items []inventory.Item, unknowns []inventory.Unknown, err error) {
	defer func() {
		if p := recover(); p != nil {
			items, unknowns, err = nil, nil, fmt.Errorf("collector %s failed on this file: %v", j.c.Name(), p)
		}
	}()
	return j.c.Collect(ctx, t, j.f, lim)
}

type walker struct {
	t          *inventory.Target
	collectors []inventory.Collector
	opts       WalkOptions
	jobs       chan<- job
	seq        int
	files      int
	unknowns   []inventory.Unknown
	rootDev    uint64
	hasDev     bool
	progress   func(files int)
}

func (w *walker) walk(ctx context.Context) error {
	if fi, err := fs.Stat(w.t.FS, "."); err == nil {
		w.rootDev, w.hasDev = device(fi)
	}
	dirs := &typedDirFS{FS: w.t.FS}
	defer dirs.Close()
	return walkTree(dirs, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == "." {
				return err
			}
			w.unknown(p, "could not read: "+cleanErr(err))
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return w.dir(ctx, p, d)
		}
		if !d.Type().IsRegular() || w.excluded(p) {
			return nil // symbolic links, devices, sockets: not followed, not read
		}
		w.files++
		if w.files%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
			w.progress(w.files)
		}
		var size int64 = -1
		for _, c := range w.collectors {
			if !c.Wants(p) {
				continue
			}
			if size < 0 {
				if fi, err := d.Info(); err == nil {
					size = fi.Size()
				}
			}
			w.seq++
			w.jobs <- job{seq: w.seq, c: c, f: inventory.TargetFile{Path: p, Size: size}}
		}
		return nil
	})
}

func (w *walker) dir(ctx context.Context, p string, d fs.DirEntry) error {
	if p == "." {
		return nil
	}
	if w.t.Live && slices.Contains(liveSkip, p) {
		return fs.SkipDir
	}
	if w.excluded(p) {
		return fs.SkipDir
	}
	if w.opts.OneFS && w.hasDev {
		if fi, err := d.Info(); err == nil {
			if dev, ok := device(fi); ok && dev != w.rootDev {
				return fs.SkipDir
			}
		}
	}
	return ctx.Err()
}

// excluded reports whether p is a path of --exclude-path, or below one.
func (w *walker) excluded(p string) bool {
	for _, ex := range w.opts.Exclude {
		if p == ex || strings.HasPrefix(p, ex+"/") {
			return true
		}
	}
	return false
}

func (w *walker) unknown(p, reason string) {
	w.unknowns = append(w.unknowns, inventory.Unknown{
		Location: inventory.Location{Source: w.t.Display(p), Host: w.t.Host},
		Reason:   reason,
	})
}

// cleanErr drops the path from a file-system error: the unknown carries
// it already.
func cleanErr(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Op + ": " + pe.Err.Error()
	}
	return err.Error()
}
