package flows_test

import (
	"context"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/embargo-dev/embargo/attribute/destination"
	"github.com/embargo-dev/embargo/catalog"
	"github.com/embargo-dev/embargo/egress"
	"github.com/embargo-dev/embargo/egress/collect"
	"github.com/embargo-dev/embargo/egress/zeek"
	"github.com/embargo-dev/embargo/flows"
	"github.com/embargo-dev/embargo/policy/systems"
)

// A conn.log read in parts, one per core, comes to the same report as
// read in one piece: the same aggregates, counts, and bad lines at the
// same line numbers.
func TestReadInParts(t *testing.T) {
	var sb strings.Builder
	sb.WriteString("#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\tconn\n")
	sb.WriteString("#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tservice\tduration\torig_bytes\tresp_bytes\torig_pkts\tresp_pkts\n")
	sb.WriteString("#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring\tinterval\tcount\tcount\tcount\tcount\n")
	for i := range 20000 {
		if i%997 == 0 {
			fmt.Fprintf(&sb, "garbage line %d\n", i)
			continue
		}
		fmt.Fprintf(&sb, "%d.5\tC%d\t10.0.%d.%d\t4%04d\t91.103.%d.%d\t443\ttcp\tssl\t1.25\t%d\t%d\t3\t4\n",
			1795000000+i, i, i%7, i%250, i%10000, 64+i%8, i%200, 100+i, 1000+i)
	}
	sb.WriteString("#close\t2026-11-27-01-00-00\n")
	file := filepath.Join(t.TempDir(), "conn.log")
	if err := os.WriteFile(file, []byte(sb.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	cat, err := catalog.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	judge := func() *collect.Aggregator {
		return collect.NewAggregator(collect.Options{Catalog: cat,
			Lookup:  func(a netip.Addr) destination.AddrInfo { return destination.AddrInfo{Country: "CH", ASN: 41983} },
			Sources: collect.OneOffSources(systems.System{ID: "one-off", Classification: "OFFICIAL"})})
	}
	readers := []egress.Reader{zeek.Reader{}}
	one := judge()
	if _, err := flows.ReadInputsTo(context.Background(), readers, []string{file}, "", nil, one.Sink()); err != nil {
		t.Fatal(err)
	}
	defer func(n int64, p int) { flows.MinSplit = n; runtime.GOMAXPROCS(p) }(flows.MinSplit, runtime.GOMAXPROCS(4))
	flows.MinSplit = 1
	parts := judge()
	if _, err := flows.ReadInputs(context.Background(), readers, []string{file}, "", nil, parts); err != nil {
		t.Fatal(err)
	}
	if n, _ := (zeek.Reader{}).Split(mustOpen(t, file), int64(sb.Len()), 4); len(n) != 4 {
		t.Fatalf("split into %d parts, want 4", len(n))
	}
	a, b := one.Finish(), parts.Finish()
	opts := cmp.Options{cmpopts.EquateComparable(netip.Addr{}), cmpopts.IgnoreUnexported(collect.Aggregate{}),
		cmpopts.IgnoreFields(collect.Aggregate{}, "Samples", "Addrs", "Sources", "Ports"),
		cmpopts.SortSlices(func(x, y egress.Bad) bool { return x.Where.Line < y.Where.Line })}
	if diff := cmp.Diff(a, b, opts); diff != "" {
		t.Errorf("read in parts (-one piece +parts):\n%s", diff)
	}
	if a.Stats.Bad != 21 || a.Bads[1].Where.Line != 7+998 {
		t.Errorf("bad lines %d, the second at %v", a.Stats.Bad, a.Bads[1].Where)
	}
	// The progress count saw every record of every part, once.
	if n := b.Stats.Flows + b.Stats.DNSAnswers + b.Stats.Bad; parts.Read() != n || n != 20000 {
		t.Errorf("read in parts: Read() = %d, stats %d, want 20000", parts.Read(), n)
	}
}

func mustOpen(t *testing.T, name string) *os.File {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// Logs concatenated, a second header midway in any part, come to the
// same report read in parts as in one piece: the part that meets the
// header stops there, the parts after it are dropped, and the rest of the
// file is read in order. So do they when the conversations overflow the
// tables (what overflows a dropped part must not be judged), and when the
// file is read through ReadAt instead of mapped.
func TestReadInPartsPastAHeader(t *testing.T) {
	head := "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\tconn\n" +
		"#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\torig_bytes\tresp_bytes\n"
	// The second header reorders the columns and reads IPv6: lines read
	// with the first would be bad or wrong.
	second := "#fields\tid.resp_h\tid.orig_h\tid.orig_p\tts\tproto\tid.resp_p\torig_bytes\n"
	lines := func(from, n int, alt bool) string {
		var sb strings.Builder
		for i := from; i < from+n; i++ {
			switch {
			case i%501 == 0:
				fmt.Fprintf(&sb, "garbage line %d\n", i)
			case alt:
				fmt.Fprintf(&sb, "2001:db8::%x\t10.1.0.%d\t5353\t%d.5\tudp\t53\t%d\n", i%3000, i%200, 1795000000+i, 60+i%9)
			default:
				fmt.Fprintf(&sb, "%d.5\tC%d\t10.0.%d.%d\t4%04d\t91.103.%d.%d\t443\ttcp\t%d\t%d\n",
					1795000000+i, i, i%7, i%250, i%10000, i/250, i%250, 100+i, 1000+i)
			}
		}
		return sb.String()
	}
	cat, err := catalog.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	defer func(n int64, p int) { flows.MinSplit = n; runtime.GOMAXPROCS(p) }(flows.MinSplit, runtime.GOMAXPROCS(4))
	flows.MinSplit = 1
	const total = 8000
	for _, tc := range []struct {
		name   string
		at     int // the line of the data before which the second header comes
		caps   int // MaxConversations
		mapped bool
	}{
		{"in the first part", 900, 0, true},
		{"in a middle part", 3000, 0, true},
		{"in the last part", 7900, 0, true},
		{"twice", -1, 0, true},
		{"overflowing", 3000, 300, true},
		{"overflowing, twice", -1, 300, true},
		{"not mapped", 5000, 0, false},
		{"not mapped, overflowing", 900, 300, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var log string
			if tc.at < 0 {
				log = head + lines(0, 1500, false) + second + lines(1500, 3000, true) + head + lines(4500, 3500, false)
			} else {
				log = head + lines(0, tc.at, false) + second + lines(tc.at, total-tc.at, true)
			}
			log += "#close\t2026-11-27-01-00-00\n"
			file := filepath.Join(t.TempDir(), "conn.log")
			if err := os.WriteFile(file, []byte(log), 0o600); err != nil {
				t.Fatal(err)
			}
			judge := func() *collect.Aggregator {
				return collect.NewAggregator(collect.Options{Catalog: cat,
					Limits:  collect.CollectLimits{MaxConversations: tc.caps},
					Lookup:  func(a netip.Addr) destination.AddrInfo { return destination.AddrInfo{Country: "CH", ASN: 41983} },
					Sources: collect.OneOffSources(systems.System{ID: "one-off", Classification: "OFFICIAL"})})
			}
			readers := []egress.Reader{zeek.Reader{}}
			one := judge()
			if _, err := flows.ReadInputsTo(context.Background(), readers, []string{file}, "", nil, one.Sink()); err != nil {
				t.Fatal(err)
			}
			defer func(m bool) { *flows.MapInputs = m }(*flows.MapInputs)
			*flows.MapInputs = tc.mapped
			parts := judge()
			ins, err := flows.ReadInputs(context.Background(), readers, []string{file}, "", nil, parts)
			if err != nil || len(ins) != 1 || ins[0].Error != "" {
				t.Fatal(ins, err)
			}
			a, b := one.Finish(), parts.Finish()
			if a.Stats.Flows < total-100 || a.Stats.Bad != 16 {
				t.Fatalf("one piece: %d flows, %d bad: %v", a.Stats.Flows, a.Stats.Bad, a.Bads[:3])
			}
			if tc.caps > 0 && a.Stats.OverflowFlow == 0 {
				t.Fatal("nothing overflowed")
			}
			opts := cmp.Options{cmpopts.EquateComparable(netip.Addr{}), cmpopts.IgnoreUnexported(collect.Aggregate{}),
				cmpopts.IgnoreFields(collect.Aggregate{}, "Addrs", "Sources", "Ports"),
				cmpopts.SortSlices(func(x, y egress.Bad) bool { return x.Where.Line < y.Where.Line })}
			if diff := cmp.Diff(a, b, opts); diff != "" {
				t.Errorf("read in parts (-one piece +parts):\n%s", diff)
			}
		})
	}
}

// A part's count of bad lines not listed names its first line as a line
// of the file, not of the part.
func TestMoreBadInParts(t *testing.T) {
	var sb strings.Builder
	sb.WriteString("#separator \\x09\n#path\tconn\n#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\n")
	for i := range 4000 {
		if i%10 == 0 {
			fmt.Fprintf(&sb, "garbage %d\n", i)
			continue
		}
		fmt.Fprintf(&sb, "%d.5\tC%d\t10.0.0.%d\t40000\t91.103.0.%d\t443\ttcp\n", 1795000000+i, i, i%250, i%200)
	}
	file := filepath.Join(t.TempDir(), "conn.log")
	if err := os.WriteFile(file, []byte(sb.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(sb.String(), "\n")
	cat, err := catalog.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	defer func(n int64, p int) { flows.MinSplit = n; runtime.GOMAXPROCS(p) }(flows.MinSplit, runtime.GOMAXPROCS(4))
	flows.MinSplit = 1
	j := collect.NewAggregator(collect.Options{Catalog: cat,
		Sources: collect.OneOffSources(systems.System{ID: "one-off", Classification: "OFFICIAL"})})
	if _, err := flows.ReadInputs(context.Background(), []egress.Reader{zeek.Reader{Limits: egress.Limits{MaxBad: 2}}}, []string{file}, "", nil, j); err != nil {
		t.Fatal(err)
	}
	counts := 0
	for _, b := range j.Finish().Bads {
		var n, first int
		if _, err := fmt.Sscanf(b.Reason, "%d more bad lines not listed, the first at line %d", &n, &first); err != nil {
			if !strings.HasPrefix(lines[b.Where.Line-1], "garbage") {
				t.Errorf("%v: %q is not a bad line", b.Where, lines[b.Where.Line-1])
			}
			continue
		}
		counts++
		if first != b.Where.Line || !strings.HasPrefix(lines[first-1], "garbage") || first < 4 {
			t.Errorf("%v: %q: line %d is %q", b.Where, b.Reason, first, lines[first-1])
		}
	}
	if counts != 4 {
		t.Errorf("%d counts of bad lines not listed, want one per part (4)", counts)
	}
}
