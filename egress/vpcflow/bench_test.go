package vpcflow

import (
	"bytes"
	"compress/gzip"
	"context"
	"math/rand/v2"
	"os"
	"strconv"
	"sync"
	"testing"

	"github.com/embargo-dev/embargo/egress/egresstest"
)

// benchLines is the number of records in the generated flow log.
const benchLines = 1_000_000

var (
	genOnce       sync.Once
	genLog, genGz []byte
)

// genFlowLog makes a default-format flow log of benchLines records as S3
// delivery writes it, plain and gzip-compressed: one interface's traffic
// both ways, some of it IPv6, one record in a hundred NODATA.
func genFlowLog() ([]byte, []byte) {
	genOnce.Do(func() {
		rng := rand.New(rand.NewPCG(5, 6))
		out := []byte(defaultFormat + "\n")
		start := 1709280000
		for i := range benchLines {
			start += rng.IntN(2)
			head := "2 123456789010 eni-1235b8ca123456789 "
			if i%100 == 99 {
				out = append(out, head+"- - - - - - - "+strconv.Itoa(start)+" "+strconv.Itoa(start+60)+" - NODATA\n"...)
				continue
			}
			src := "10.0." + strconv.Itoa(rng.IntN(256)) + "." + strconv.Itoa(1+rng.IntN(254))
			dst := strconv.Itoa(1+rng.IntN(223)) + "." + strconv.Itoa(rng.IntN(256)) + "." + strconv.Itoa(rng.IntN(256)) + "." + strconv.Itoa(1+rng.IntN(254))
			if i%10 == 0 {
				src, dst = "2001:db8:1234:a100::"+strconv.FormatInt(int64(rng.IntN(65536)), 16), "2600:1f18:"+strconv.FormatInt(int64(rng.IntN(65536)), 16)+"::1"
			}
			sport, dport := strconv.Itoa(1024+rng.IntN(64000)), "443"
			if i%2 == 1 {
				src, dst, sport, dport = dst, src, dport, sport
			}
			out = append(out, head+src+" "+dst+" "+sport+" "+dport+" 6 "+strconv.Itoa(1+rng.IntN(1000))+" "+
				strconv.Itoa(40+rng.IntN(1000000))+" "+strconv.Itoa(start)+" "+strconv.Itoa(start+60)+" ACCEPT OK\n"...)
		}
		var z bytes.Buffer
		zw := gzip.NewWriter(&z)
		zw.Write(out)
		zw.Close()
		genLog, genGz = out, z.Bytes()
	})
	return genLog, genGz
}

func benchRead(b *testing.B, name string, data []byte) {
	p := egresstest.BenchFile(b, name, data)
	b.SetBytes(int64(len(data)))
	cpu0 := egresstest.CPUTime()
	for b.Loop() {
		fh, err := os.Open(p)
		if err != nil {
			b.Fatal(err)
		}
		var sink egresstest.Discard
		var counts Counts
		err = Reader{Counts: &counts}.Read(context.Background(), p, fh, &sink)
		fh.Close()
		if err != nil || sink.Flows+counts.NoData != benchLines || sink.Bads != 0 {
			b.Fatalf("%v: %+v %+v", err, sink, counts)
		}
	}
	egresstest.ReportLines(b, benchLines, egresstest.CPUTime()-cpu0)
}

// BenchmarkVPCFlow reads a generated 1-million-record flow log into a
// sink that keeps nothing; BenchmarkVPCFlowGzip the same compressed, as
// S3 holds it; BenchmarkVPCFlowWCL runs wc -l on the plain file.
func BenchmarkVPCFlow(b *testing.B) {
	plain, _ := genFlowLog()
	benchRead(b, "flow.log", plain)
}

func BenchmarkVPCFlowGzip(b *testing.B) {
	_, z := genFlowLog()
	benchRead(b, "flow.log.gz", z)
}

func BenchmarkVPCFlowWCL(b *testing.B) {
	plain, _ := genFlowLog()
	p := egresstest.BenchFile(b, "flow.log", plain)
	b.SetBytes(int64(len(plain)))
	egresstest.BenchWCL(b, p, benchLines+1)
}
