package parts

import (
	"bytes"
	"context"
	"fmt"
	"io"

	"github.com/embargo-dev/embargo/egress/collect"
)

// partRun is the state of the parts of a file being read at once.
type partRun struct {
	ctx    []context.Context
	cancel []context.CancelFunc
	lines  []int   // lines of each part's input, written by its goroutine
	errs   []error // each part's error, set before done is closed
	done   []chan struct{}
	prefix int // lines of the parts' Prefix
}

func newPartRun(ctx context.Context, n, prefix int) *partRun {
	r := &partRun{ctx: make([]context.Context, n), cancel: make([]context.CancelFunc, n), lines: make([]int, n),
		errs: make([]error, n), done: make([]chan struct{}, n), prefix: prefix}
	for i := range n {
		r.ctx[i], r.cancel[i] = context.WithCancel(ctx)
		r.done[i] = make(chan struct{})
	}
	return r
}

// finish records how part i ended. The parts after one that stopped or
// failed are not wanted: they are cancelled.
func (r *partRun) finish(i int, err error) {
	r.errs[i] = err
	close(r.done[i])
	if err != nil {
		for _, c := range r.cancel[i+1:] {
			c()
		}
	}
}

func (r *partRun) cancelAll() {
	for _, c := range r.cancel {
		c()
	}
}

// shift is what makes the number of a line of part i's input, past the
// Prefix, the file's: valid once the parts before i are read through.
func (r *partRun) shift(i int) int {
	s := 0
	for k := range i {
		s += r.lines[k] - r.prefix
	}
	return s
}

// overflow wraps judge, the judging of a conversation that overflows part
// i's table, which cannot be taken back: before the first, it waits for
// the parts before i. If one of them stopped or failed, part i would be
// read again (or not at all): it is cancelled, and what overflows is
// dropped with the rest of it. Otherwise the conversation's sample is
// renumbered as a line of the file, and judged.
func (r *partRun) overflow(i int, judge func(*collect.Conversation)) func(*collect.Conversation) {
	waited, ok, shift := false, true, 0
	return func(cv *collect.Conversation) {
		if !waited {
			waited = true
			for k := range i {
				<-r.done[k]
				ok = ok && r.errs[k] == nil
			}
			if !ok {
				r.cancel[i]()
			}
			shift = r.shift(i)
		}
		if !ok {
			return
		}
		if cv.Sample.Line > r.prefix {
			cv.Sample.Line += shift
		}
		judge(cv)
	}
}

// lineStart returns the offset in b of the start of its line k (from 1);
// b holds at least k lines.
func lineStart(b []byte, k int) int64 {
	off := 0
	for ; k > 1; k-- {
		i := bytes.IndexByte(b[off:], '\n')
		if i < 0 {
			return int64(len(b))
		}
		off += i + 1
	}
	return int64(off)
}

// lineStartAt is lineStart over f[off:end].
func lineStartAt(f io.ReaderAt, off, end int64, k int) (int64, error) {
	if k <= 1 {
		return off, nil
	}
	buf := make([]byte, 1<<20)
	for at := off; at < end; {
		n, err := f.ReadAt(buf[:min(int64(len(buf)), end-at)], at)
		if n == 0 && err != nil {
			return 0, err
		}
		for i := 0; i < n; {
			j := bytes.IndexByte(buf[i:n], '\n')
			if j < 0 {
				break
			}
			i += j + 1
			if k--; k == 1 {
				return at + int64(i), nil
			}
		}
		at += int64(n)
	}
	return 0, fmt.Errorf("the part at offset %d has fewer lines than it read", off)
}
