// Command conngen writes a Zeek conn.log (TSV, with the header Zeek 6
// writes) of N lines for the flows benchmarks: clients in 10.0.0.0/16
// talking to destinations drawn Zipf (s=1.05) from D hosts across the
// IPv4 space, as flow logs repeat hot destinations (the destination model
// of shared/reference/perf-baselines.md), one line in a thousand to IPv6,
// with realistic field values. The output is the same for the same flags.
//
//	go run ./bench/conngen -n 5000000 -dests 200000 > conn.log
package main

import (
	"bufio"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
)

func main() {
	n := flag.Int("n", 1_000_000, "lines")
	dests := flag.Int("dests", 100_000, "distinct destination addresses")
	clients := flag.Int("clients", 2000, "distinct client addresses")
	flag.Parse()
	if err := write(*n, *dests, *clients); err != nil {
		fmt.Fprintln(os.Stderr, "conngen:", err)
		os.Exit(1)
	}
}

func write(n, dests, clients int) error {
	w := bufio.NewWriterSize(os.Stdout, 1<<20)
	fmt.Fprint(w, "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\tconn\n#open\t2026-11-27-00-00-00\n")
	fmt.Fprint(w, "#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tservice\tduration\torig_bytes\tresp_bytes\tconn_state\tlocal_orig\tlocal_resp\tmissed_bytes\thistory\torig_pkts\torig_ip_bytes\tresp_pkts\tresp_ip_bytes\ttunnel_parents\n")
	fmt.Fprint(w, "#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring\tinterval\tcount\tcount\tstring\tbool\tbool\tcount\tstring\tcount\tcount\tcount\tcount\tset[string]\n")
	r := rand.New(rand.NewPCG(1, 2))
	dst := make([][4]byte, dests)
	for i := range dst {
		v := r.Uint32()
		dst[i] = [4]byte{byte(v>>24)%223 + 1, byte(v >> 16), byte(v >> 8), byte(v)}
	}
	zipf := rand.NewZipf(r, 1.05, 1, uint64(dests-1))
	ts := 1795000000.0
	for i := range n {
		ts += 0.000731
		c := r.IntN(clients)
		d := dst[zipf.Uint64()]
		proto, service, port := "tcp", "ssl", 443
		if i%7 == 0 {
			proto, service, port = "udp", "dns", 53
		}
		ob, rb := r.IntN(5000)+40, r.IntN(200000)+40
		if i%1000 == 0 {
			fmt.Fprintf(w, "%.6f\tC%016x\t2001:db8::%x\t%d\t2a00:1450:4001:%x::200e\t%d\t%s\t%s\t%.6f\t%d\t%d\tSF\tT\tF\t0\tShADadFf\t%d\t%d\t%d\t%d\t-\n",
				ts, r.Uint64(), c, 40000+r.IntN(25000), d[2], port, proto, service, r.Float64()*30, ob, rb, ob/500+2, ob+120, rb/1400+2, rb+120)
			continue
		}
		fmt.Fprintf(w, "%.6f\tC%016x\t10.0.%d.%d\t%d\t%d.%d.%d.%d\t%d\t%s\t%s\t%.6f\t%d\t%d\tSF\tT\tF\t0\tShADadFf\t%d\t%d\t%d\t%d\t-\n",
			ts, r.Uint64(), c>>8, c&255, 40000+r.IntN(25000), d[0], d[1], d[2], d[3], port, proto, service, r.Float64()*30, ob, rb,
			ob/500+2, ob+120, rb/1400+2, rb+120)
	}
	fmt.Fprint(w, "#close\t2026-11-27-01-00-00\n")
	return w.Flush()
}
