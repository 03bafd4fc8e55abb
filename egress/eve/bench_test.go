package eve

import (
	"context"
	"math/rand/v2"
	"os"
	"strconv"
	"sync"
	"testing"

	"github.com/embargo-dev/embargo/egress/egresstest"
)

// benchLines is the size of the generated eve.json the benchmarks read.
const benchLines = 1_000_000

var (
	genOnce sync.Once
	genEVE  []byte
	genWant egresstest.Discard
)

// genEVEJSON makes an eve.json of benchLines records with a busy
// sensor's mix: six flow records in ten, two DNS responses, one TLS, and
// one alert (skipped unread), each in Suricata 7's layout.
func genEVEJSON() ([]byte, egresstest.Discard) {
	genOnce.Do(func() {
		rng := rand.New(rand.NewPCG(3, 4))
		ts := int64(0)
		var out []byte
		for i := range benchLines {
			ts += int64(rng.IntN(3))
			t := "2024-03-01T" + two(int(ts/3600%24)) + ":" + two(int(ts/60%60)) + ":" + two(int(ts%60)) + "." + strconv.Itoa(100000+rng.IntN(900000)) + "+0000"
			src := "10.1." + strconv.Itoa(rng.IntN(256)) + "." + strconv.Itoa(1+rng.IntN(254))
			dst := strconv.Itoa(1+rng.IntN(223)) + "." + strconv.Itoa(rng.IntN(256)) + "." + strconv.Itoa(rng.IntN(256)) + "." + strconv.Itoa(1+rng.IntN(254))
			head := `{"timestamp":"` + t + `","flow_id":` + strconv.FormatUint(rng.Uint64()>>12, 10) + `,"in_iface":"eth0","event_type":"`
			sport := strconv.Itoa(1024 + rng.IntN(64000))
			switch k := i % 10; {
			case k < 6:
				out = append(out, head+`flow","src_ip":"`+src+`","src_port":`+sport+`,"dest_ip":"`+dst+`","dest_port":443,"proto":"TCP","app_proto":"tls","flow":{"pkts_toserver":`+
					strconv.Itoa(1+rng.IntN(1000))+`,"pkts_toclient":`+strconv.Itoa(rng.IntN(8000))+`,"bytes_toserver":`+strconv.Itoa(rng.IntN(100000))+
					`,"bytes_toclient":`+strconv.Itoa(rng.IntN(10000000))+`,"start":"`+t+`","end":"`+t+`","age":0,"state":"closed","reason":"timeout","alerted":false},"tcp":{"tcp_flags":"1b","tcp_flags_ts":"1b","tcp_flags_tc":"1b","syn":true,"fin":true,"psh":true,"ack":true,"state":"closed"}}`+"\n"...)
				genWant.Flows++
			case k < 8:
				out = append(out, head+`dns","src_ip":"10.0.0.1","src_port":53,"dest_ip":"`+src+`","dest_port":`+sport+`,"proto":"UDP","dns":{"version":2,"type":"answer","id":1,"flags":"8180","qr":true,"rd":true,"ra":true,"rrname":"host`+
					strconv.Itoa(rng.IntN(5000))+`.example.com","rrtype":"A","rcode":"NOERROR","answers":[{"rrname":"x.example.com","rrtype":"CNAME","ttl":300,"rdata":"cdn.example.net"},{"rrname":"cdn.example.net","rrtype":"A","ttl":20,"rdata":"`+
					dst+`"}],"grouped":{"A":["`+dst+`"],"CNAME":["cdn.example.net"]}}}`+"\n"...)
				genWant.Answers++
			case k < 9:
				out = append(out, head+`tls","src_ip":"`+src+`","src_port":`+sport+`,"dest_ip":"`+dst+`","dest_port":443,"proto":"TCP","tls":{"subject":"CN=example.com","issuerdn":"CN=R3","sni":"www`+
					strconv.Itoa(rng.IntN(5000))+`.example.com","version":"TLS 1.3"}}`+"\n"...)
				genWant.Flows++
			default:
				out = append(out, head+`alert","src_ip":"`+src+`","src_port":`+sport+`,"dest_ip":"`+dst+`","dest_port":80,"proto":"TCP","alert":{"action":"allowed","gid":1,"signature_id":2018358,"rev":10,"signature":"ET HUNTING GENERIC SUSPICIOUS POST to Dotted Quad with Fake Browser 1","category":"Potentially Bad Traffic","severity":2},"app_proto":"http"}`+"\n"...)
			}
		}
		genEVE = out
	})
	return genEVE, genWant
}

func two(n int) string { return string([]byte{byte('0' + n/10), byte('0' + n%10)}) }

// BenchmarkEVE reads a generated 1-million-line eve.json into a sink that
// keeps nothing. BenchmarkEVEWCL runs wc -l on the same file.
func BenchmarkEVE(b *testing.B) {
	data, want := genEVEJSON()
	p := egresstest.BenchFile(b, "eve.json", data)
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
		if err != nil || sink != want {
			b.Fatalf("%v: %+v, want %+v", err, sink, want)
		}
	}
	egresstest.ReportLines(b, benchLines, egresstest.CPUTime()-cpu0)
}

// BenchmarkEVEWCL times wc -l on the file BenchmarkEVE reads.
func BenchmarkEVEWCL(b *testing.B) {
	data, _ := genEVEJSON()
	p := egresstest.BenchFile(b, "eve.json", data)
	b.SetBytes(int64(len(data)))
	egresstest.BenchWCL(b, p, benchLines)
}
