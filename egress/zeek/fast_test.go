package zeek

import (
	"bytes"
	"context"
	"math/rand/v2"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/embargo-dev/embargo/egress"
	"github.com/embargo-dev/embargo/egress/collect"
	"github.com/embargo-dev/embargo/egress/egresstest"
)

// readBoth reads data with the fast path and with the general path alone,
// and says how many lines the fast path read.
func readBoth(t *testing.T, data []byte) (fast, general *egresstest.Sink, fastLines int) {
	t.Helper()
	r := Reader{Limits: egress.Limits{MaxLine: 4096, MaxBad: 1 << 20}}
	fast, general = &egresstest.Sink{}, &egresstest.Sink{}
	d, err := r.read(context.Background(), "conn.log", bytes.NewReader(data), fast)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { fastPath = true }()
	fastPath = false
	if err := r.Read(context.Background(), "conn.log", bytes.NewReader(data), general); err != nil {
		t.Fatal(err)
	}
	return fast, general, d.fastLines
}

// connHeaders are conn.log layouts: Zeek 6's, Zeek 7.1's with ip_proto, a
// short one whose last column is read, one in another order, one with
// another separator, and one whose unset field is not "-" (which the
// fast path leaves to the general one).
var connHeaders = []string{
	"#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\tconn\n#fields\t" + strings.ReplaceAll(connFields, " ", "\t") + "\n",
	"#separator \\x09\n#path\tconn\n#fields\t" + strings.ReplaceAll(connFields+" ip_proto", " ", "\t") + "\n",
	"#separator \\x09\n#path\tconn\n#fields\tts\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tduration\torig_pkts\n",
	"#separator \\x09\n#path\tconn\n#fields\tuid\tid.resp_p\tid.resp_h\tproto\tid.orig_p\tid.orig_h\tresp_bytes\torig_bytes\tts\n",
	"#separator \\x7c\n#path|conn\n#fields|" + strings.ReplaceAll(connFields, " ", "|") + "\n",
	"#separator \\x09\n#path\tconn\n#fields\t" + strings.ReplaceAll(strings.Join(strings.Fields(connFields)[:11], " "), " ", "\t") + "\n",
	"#separator \\x09\n#unset_field\t0\n#path\tconn\n#fields\t" + strings.ReplaceAll(connFields, " ", "\t") + "\n",
}

// oddValues are what a field may hold besides a good value.
var oddValues = []string{"-", "(empty)", "", "0", "00", "007", "65535", "65536", "255", "256", "18446744073709551615",
	"18446744073709551616", "12345678901234567890", "99999999999999999999", "1.5", ".5", "1.", "1e3", "1600000000.123456789123",
	"9999999999999.1", "123456789012", "-1", "+1", " 1", "1 ", "1\\x09", "10.0.0.1", "010.0.0.1", "10.0.0.256", "10.0.0",
	"10.0.0.1.1", "::1", "2001:db8::1", "fe80::1%eth0", "::ffff:10.0.0.1", "tcp", "udp", "icmp", "unknown_transport", "TCP",
	"tcpx", "x", "\\x2d", "a,b"}

// A generated conn.log of good, odd and broken lines comes to the same
// Flows and the same bad lines by the fast path as by the general path.
func TestFastPathAgrees(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 7))
	for hi, head := range connHeaders {
		sep := "\t"
		if strings.Contains(head, "\\x7c") {
			sep = "|"
		}
		fields := strings.Split(strings.SplitN(head[strings.Index(head, "#fields")+8:], "\n", 2)[0], sep)
		var b strings.Builder
		b.WriteString(head)
		for i := range 4000 {
			vals := make([]string, len(fields))
			for k, f := range fields {
				vals[k] = goodValue(rng, f, i)
			}
			switch rng.IntN(4) {
			case 0: // one odd value
				vals[rng.IntN(len(vals))] = oddValues[rng.IntN(len(oddValues))]
			case 1: // a field too many or too few, or many too many
				switch rng.IntN(3) {
				case 0:
					vals = append(vals, "-")
				case 1:
					vals = vals[:len(vals)-1]
				case 2:
					for len(vals) < 30 {
						vals = append(vals, goodValue(rng, strings.Fields(connFields)[len(vals)%21], i))
					}
				}
			}
			b.WriteString(strings.Join(vals, sep))
			if i%500 == 0 {
				b.WriteString("\r") // a CRLF line end
			}
			b.WriteString("\n")
		}
		b.WriteString("trailing\tline without a newline")
		fast, general, n := readBoth(t, []byte(b.String()))
		// Every header but the last (unset not "-") is read by the fast
		// path, except the odd lines.
		if wantFast := hi < len(connHeaders)-1; len(general.Flows) < 1000 || (n > 1000) != wantFast || n > len(general.Flows) {
			t.Errorf("header %d: %d flows, %d by the fast path", hi, len(general.Flows), n)
		}
		if diff := cmp.Diff(general, fast, cmpopts.EquateComparable(netip.Addr{})); diff != "" {
			t.Errorf("header %d: fast path (-general +fast):\n%s", hi, diff)
		}
	}
}

// goodValue is a plausible value of a conn.log field.
func goodValue(rng *rand.Rand, field string, i int) string {
	n := strconv.Itoa
	switch field {
	case "ts":
		return n(1600000000+i) + "." + n(100000+rng.IntN(900000))
	case "id.orig_h", "id.resp_h":
		if rng.IntN(10) == 0 {
			return "2001:db8::" + strconv.FormatInt(int64(rng.IntN(65536)), 16)
		}
		return n(1+rng.IntN(223)) + "." + n(rng.IntN(256)) + "." + n(rng.IntN(256)) + "." + n(rng.IntN(256))
	case "id.orig_p", "id.resp_p":
		return n(rng.IntN(65536))
	case "proto":
		return [...]string{"tcp", "udp", "icmp", "unknown_transport"}[rng.IntN(4)]
	case "duration":
		return n(rng.IntN(100)) + "." + n(rng.IntN(1000000))
	case "ip_proto":
		return n(rng.IntN(256))
	case "orig_bytes", "resp_bytes", "orig_ip_bytes", "resp_ip_bytes", "orig_pkts", "resp_pkts", "missed_bytes":
		if rng.IntN(20) == 0 {
			return "-"
		}
		return n(rng.IntN(1 << 30))
	case "uid":
		return "C" + strconv.FormatUint(rng.Uint64(), 36)
	}
	return [...]string{"-", "ssl", "SF", "T", "F", "ShADadFf", "(empty)", "a,b"}[rng.IntN(8)]
}

// FuzzFastPath: any conn.log body comes to the same Flows and bad lines by
// the fast path as by the general path.
func FuzzFastPath(f *testing.F) {
	f.Add(0, []byte("1600000000.5\tC1\t10.0.0.1\t40000\t192.0.2.1\t443\ttcp\tssl\t1.25\t10\t20\tSF\tT\tF\t0\tShADadFf\t1\t50\t2\t60\t-\n"))
	f.Add(1, []byte("1.0\tC1\t::1\t1\t::2\t2\ticmp\t-\t-\t-\t-\tSF\tT\tF\t0\tS\t1\t2\t3\t4\t(empty)\t58\n"))
	f.Add(2, []byte("1\t10.0.0.1\t1\t10.0.0.2\t2\tudp\t-\t7\n"))
	f.Add(5, []byte("1.5\tC1\t10.0.0.1\t1\t10.0.0.2\t2\ttcp\tssl\t1.0\t1\t2\tSF\tT\tF\t0\tS\t1\t2\t3\t4\t-\n"))
	f.Fuzz(func(t *testing.T, head int, body []byte) {
		data := append([]byte(connHeaders[uint(head)%uint(len(connHeaders))]), body...)
		fast, general, _ := readBoth(t, data)
		if diff := cmp.Diff(general, fast, cmpopts.EquateComparable(netip.Addr{})); diff != "" {
			t.Fatalf("fast path (-general +fast):\n%s", diff)
		}
		direct, viaFlows := collectBoth(t, data)
		if diff := cmp.Diff(viaFlows, direct, cmpopts.EquateComparable(netip.Addr{})); diff != "" {
			t.Fatalf("collected (-Flows +connections):\n%s", diff)
		}
	})
}

// fastDigits, eight bytes at a time, reads what a loop over the bytes
// reads, whatever the bytes around the digits.
func TestFastDigits(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	alphabet := []byte("0123456789/:.\t- \xfa\xff\x00\x2f\x3a\x3f\x30\x39\xf9\x06")
	for range 200000 {
		b := make([]byte, rng.IntN(30))
		for i := range b {
			if rng.IntN(3) > 0 {
				b[i] = byte('0' + rng.IntN(10))
			} else {
				b[i] = alphabet[rng.IntN(len(alphabet))]
			}
		}
		at := 0
		if len(b) > 0 {
			at = rng.IntN(len(b))
		}
		var want uint64
		end := at
		for ; end < len(b) && b[end] >= '0' && b[end] <= '9'; end++ {
			want = want*10 + uint64(b[end]-'0')
		}
		if got, gotEnd := fastDigits(b, at); gotEnd != end || got != want && end-at <= 19 {
			t.Fatalf("fastDigits(%q, %d) = %d, %d; want %d, %d", b, at, got, gotEnd, want, end)
		}
	}
}

// collected is what a collector holds after a read.
type collected struct {
	Convs []collect.Conversation
	Stats collect.Stats
	Bads  []egress.Bad
}

// flowsOnly is a collector seen only as a Sink: the reader hands it
// Flows, not the fast path's connections.
type flowsOnly struct{ egress.Sink }

// collectBoth reads data into a collector that the fast path hands its
// connections to, and into one it hands Flows.
func collectBoth(t *testing.T, data []byte) (direct, viaFlows collected) {
	t.Helper()
	read := func(sink func(*collect.Collector) egress.Sink) collected {
		c := collect.NewCollector(collect.CollectLimits{MaxConversations: 50}, func(a netip.Addr) int32 { return int32(a.As16()[15] % 3) },
			func(*collect.Conversation) {})
		r := Reader{Limits: egress.Limits{MaxLine: 4096, MaxBad: 1 << 20}}
		if err := r.Read(context.Background(), "conn.log", bytes.NewReader(data), sink(c)); err != nil {
			t.Fatal(err)
		}
		var out collected
		c.EachConversation(func(cv *collect.Conversation) {
			x := *cv
			x.Ports, x.Protos, x.Names = slices.Clone(cv.Ports), slices.Clone(cv.Protos), slices.Clone(cv.Names)
			out.Convs = append(out.Convs, x)
		})
		out.Stats, out.Bads = c.Stats, c.Bads
		return out
	}
	direct = read(func(c *collect.Collector) egress.Sink { return c })
	viaFlows = read(func(c *collect.Collector) egress.Sink { return flowsOnly{c} })
	return direct, viaFlows
}

// A collector given the fast path's connections collects what it does
// given their Flows.
func TestFastPathToCollector(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for hi, head := range connHeaders {
		sep := "\t"
		if strings.Contains(head, "\\x7c") {
			sep = "|"
		}
		fields := strings.Split(strings.SplitN(head[strings.Index(head, "#fields")+8:], "\n", 2)[0], sep)
		var b strings.Builder
		b.WriteString(head)
		for i := range 3000 {
			vals := make([]string, len(fields))
			for k, f := range fields {
				vals[k] = goodValue(rng, f, i%40)
			}
			if rng.IntN(5) == 0 {
				vals[rng.IntN(len(vals))] = oddValues[rng.IntN(len(oddValues))]
			}
			b.WriteString(strings.Join(vals, sep) + "\n")
		}
		direct, viaFlows := collectBoth(t, []byte(b.String()))
		if len(viaFlows.Convs) < 40 {
			t.Errorf("header %d: %d conversations", hi, len(viaFlows.Convs))
		}
		if diff := cmp.Diff(viaFlows, direct, cmpopts.EquateComparable(netip.Addr{})); diff != "" {
			t.Errorf("header %d: collected (-Flows +connections):\n%s", hi, diff)
		}
	}
}

// skipFields, eight bytes at a time, ends where stepping over the fields
// one separator at a time does.
func TestSkipFields(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 8))
	for range 200000 {
		b := make([]byte, rng.IntN(40))
		for i := range b {
			b[i] = "\tab|\x89"[rng.IntN(5)]
		}
		sep := "\t|"[rng.IntN(2)]
		at, k := 0, 1+rng.IntN(6)
		if len(b) > 0 {
			at = rng.IntN(len(b))
		}
		want, wantOK := at, true
		for range k {
			end := nextSep(b, want, sep)
			if end == len(b) {
				want, wantOK = len(b), false
				break
			}
			want = end + 1
		}
		got, ok := skipFields(b, at, sep, k)
		if ok != wantOK || ok && got != want {
			t.Fatalf("skipFields(%q, %d, %q, %d) = %d, %v; want %d, %v", b, at, sep, k, got, ok, want, wantOK)
		}
	}
}
