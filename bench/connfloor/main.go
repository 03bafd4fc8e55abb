// Command connfloor is the floor bench/flows.sh compares `embargo flows`
// with, beside `wc -l`: the least a Go program must do to add a Zeek
// conn.log up per destination, and nothing more. It maps the file, cuts
// it in one part per core at line starts, and on each core splits every
// data line at its tabs with bytes.IndexByte (the runtime's vector
// search) and adds orig_bytes, resp_bytes and one flow to a Go map keyed
// by the id.resp_h text, unparsed. It reads no header (the columns are
// Zeek's default order), checks nothing, parses no address or time, and
// attributes, judges and reports nothing: it prints the number of
// destinations. What it costs over `wc -l` is what splitting and adding
// up cost in Go, before any of the work Embargo does on each line.
//
//	connfloor conn.log
package main

import (
	"bytes"
	"fmt"
	"os"
	"runtime"
	"sync"
)

// Zeek's conn.log columns, in its default order.
const (
	colRespH     = 4
	colOrigBytes = 9
	colRespBytes = 10
	cols         = 11 // the columns read: up to resp_bytes
)

type sums struct{ flows, out, in uint64 }

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: connfloor conn.log")
		os.Exit(2)
	}
	data, err := mapFile(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "connfloor:", err)
		os.Exit(1)
	}
	n := runtime.GOMAXPROCS(0)
	parts := make([]map[string]*sums, n)
	var wg sync.WaitGroup
	start := 0
	for k := range n {
		end := len(data) * (k + 1) / n
		if i := bytes.IndexByte(data[end:], '\n'); i >= 0 && k < n-1 {
			end += i + 1
		} else {
			end = len(data)
		}
		end = max(end, start)
		part := data[start:end]
		wg.Go(func() { parts[k] = add(part) })
		start = end
	}
	wg.Wait()
	all := parts[0]
	for _, p := range parts[1:] {
		for d, s := range p {
			t, ok := all[d]
			if !ok {
				t = &sums{}
				all[d] = t
			}
			t.flows, t.out, t.in = t.flows+s.flows, t.out+s.out, t.in+s.in
		}
	}
	fmt.Println(len(all), "destinations")
}

// add adds up the lines of b.
func add(b []byte) map[string]*sums {
	m := map[string]*sums{}
	var f [cols][]byte
	for len(b) > 0 {
		line := b
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			line, b = b[:i], b[i+1:]
		} else {
			b = nil
		}
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		k := 0
		for ; k < cols; k++ {
			i := bytes.IndexByte(line, '\t')
			if i < 0 {
				f[k] = line
				break
			}
			f[k], line = line[:i], line[i+1:]
		}
		if k < cols-1 {
			continue
		}
		s, ok := m[string(f[colRespH])]
		if !ok {
			s = &sums{}
			m[string(f[colRespH])] = s
		}
		s.flows++
		s.out += digits(f[colOrigBytes])
		s.in += digits(f[colRespBytes])
	}
	return m
}

// digits reads a count, taking "-" (unset) as 0.
func digits(b []byte) uint64 {
	var v uint64
	for _, c := range b {
		v = v*10 + uint64(c-'0')
	}
	if len(b) == 1 && b[0] == '-' {
		return 0
	}
	return v
}
