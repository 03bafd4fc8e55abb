package zeek

import (
	"context"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/embargo-dev/embargo/egress/egresstest"
)

// benchLines is the size of the generated conn.log the benchmarks read.
const benchLines = 1_000_000

var (
	genOnce         sync.Once
	genTSV, genJSON []byte
)

// genConn makes a conn.log of benchLines records in Zeek 6's layout, TSV
// and JSON, with the variety of a real one: mostly IPv4, some IPv6, TCP,
// UDP and ICMP, some unset fields.
func genConn() ([]byte, []byte) {
	genOnce.Do(func() {
		rng := rand.New(rand.NewPCG(1, 2))
		tsv := []byte("#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\tconn\n#open\t2024-03-01-10-00-00\n" +
			"#fields\t" + strings.Join(strings.Fields(connFields), "\t") + "\n" +
			"#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring\tinterval\tcount\tcount\tstring\tbool\tbool\tcount\tstring\tcount\tcount\tcount\tcount\tset[string]\n")
		var js []byte
		ts := int64(1709280000)
		for i := range benchLines {
			ts += int64(rng.IntN(3))
			src := "10.1." + strconv.Itoa(rng.IntN(256)) + "." + strconv.Itoa(1+rng.IntN(254))
			dst := strconv.Itoa(1+rng.IntN(223)) + "." + strconv.Itoa(rng.IntN(256)) + "." + strconv.Itoa(rng.IntN(256)) + "." + strconv.Itoa(1+rng.IntN(254))
			if i%10 == 0 {
				src, dst = "2001:db8:1::"+strconv.FormatInt(int64(rng.IntN(65536)), 16), "2402:4e00:"+strconv.FormatInt(int64(rng.IntN(65536)), 16)+"::1"
			}
			proto, service, dport := "tcp", "ssl", 443
			switch rng.IntN(10) {
			case 0, 1:
				proto, service, dport = "udp", "dns", 53
			case 2:
				proto, service, dport = "icmp", "-", 0
			}
			sport := 1024 + rng.IntN(64000)
			dur := strconv.Itoa(rng.IntN(100)) + "." + strconv.Itoa(100000+rng.IntN(900000))
			ob, rb := strconv.Itoa(rng.IntN(100000)), strconv.Itoa(rng.IntN(10000000))
			op, rp := strconv.Itoa(1+rng.IntN(1000)), strconv.Itoa(rng.IntN(8000))
			if i%50 == 0 {
				dur, ob, rb = "-", "-", "-"
			}
			uid := "C" + strconv.FormatUint(rng.Uint64(), 36)
			t := strconv.FormatInt(ts, 10) + "." + strconv.Itoa(100000+rng.IntN(900000))
			tsv = append(tsv, strings.Join([]string{t, uid, src, strconv.Itoa(sport), dst, strconv.Itoa(dport), proto, service,
				dur, ob, rb, "SF", "T", "F", "0", "ShADadFf", op, "1200", rp, "9000", "-"}, "\t")...)
			tsv = append(tsv, '\n')
			js = append(js, `{"ts":`+t+`,"uid":"`+uid+`","id.orig_h":"`+src+`","id.orig_p":`+strconv.Itoa(sport)+
				`,"id.resp_h":"`+dst+`","id.resp_p":`+strconv.Itoa(dport)+`,"proto":"`+proto+`","conn_state":"SF","missed_bytes":0,"history":"ShADadFf"`...)
			if dur != "-" {
				js = append(js, `,"duration":`+dur+`,"orig_bytes":`+ob+`,"resp_bytes":`+rb...)
			}
			js = append(js, `,"orig_pkts":`+op+`,"orig_ip_bytes":1200,"resp_pkts":`+rp+`,"resp_ip_bytes":9000}`+"\n"...)
		}
		genTSV, genJSON = tsv, js
	})
	return genTSV, genJSON
}

const connFields = "ts uid id.orig_h id.orig_p id.resp_h id.resp_p proto service duration orig_bytes resp_bytes conn_state local_orig local_resp missed_bytes history orig_pkts orig_ip_bytes resp_pkts resp_ip_bytes tunnel_parents"

func benchRead(b *testing.B, data []byte) {
	p := egresstest.BenchFile(b, "conn.log", data)
	b.SetBytes(int64(len(data)))
	cpu0 := egresstest.CPUTime()
	for b.Loop() {
		fh, err := os.Open(p)
		if err != nil {
			b.Fatal(err)
		}
		var sink egresstest.Discard
		err = Reader{}.Read(context.Background(), p, fh, &sink)
		fh.Close()
		if err != nil || sink.Flows != benchLines || sink.Bads != 0 {
			b.Fatalf("%v: %d flows, %d bad", err, sink.Flows, sink.Bads)
		}
	}
	egresstest.ReportLines(b, benchLines, egresstest.CPUTime()-cpu0)
}

// BenchmarkConnTSV reads a generated 1-million-line conn.log into a sink
// that keeps nothing. BenchmarkConnWCL runs wc -l on the same file: the
// floor to compare lines/s with.
func BenchmarkConnTSV(b *testing.B) {
	tsv, _ := genConn()
	benchRead(b, tsv)
}

// BenchmarkConnJSON reads the same records as Zeek JSON.
func BenchmarkConnJSON(b *testing.B) {
	_, js := genConn()
	benchRead(b, js)
}

// BenchmarkConnWCL times wc -l on the TSV file (its 8 header lines too).
func BenchmarkConnWCL(b *testing.B) {
	tsv, _ := genConn()
	p := egresstest.BenchFile(b, "conn.log", tsv)
	b.SetBytes(int64(len(tsv)))
	egresstest.BenchWCL(b, p, benchLines+8)
}
