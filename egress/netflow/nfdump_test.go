package netflow

import (
	"flag"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/egress"
)

var update = flag.Bool("update", false, "rewrite testdata/softflowd-*.dgrams (fuzz seeds) from softflowd's export")

// recordExport runs softflowd over a capture of n packets and returns the
// datagrams it exported, as a collector received them.
func recordExport(tb testing.TB, capture string, n int, version string, extra ...string) [][]byte {
	tb.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	conn := pc.(*net.UDPConn)
	conn.SetReadBuffer(ReceiveBuffer)
	got := make(chan [][]byte)
	quiet := make(chan struct{})
	go func() {
		var out [][]byte
		buf := make([]byte, 65536)
		for {
			select {
			case <-quiet:
				conn.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
			default:
			}
			k, err := conn.Read(buf)
			if err != nil {
				if ne, ok := err.(net.Error); ok && ne.Timeout() {
					break
				}
				tb.Errorf("recording the export: %v", err)
				break
			}
			out = append(out, slices.Clone(buf[:k]))
		}
		got <- out
	}()
	exportCapture(tb, capture, n, conn.LocalAddr().String(), version, extra...)
	close(quiet)
	// Wake the reader if it is blocked with nothing left to read.
	wake, _ := net.Dial("udp", conn.LocalAddr().String())
	wake.Write(nil)
	wake.Close()
	out := <-got
	conn.Close()
	var dgrams [][]byte
	for _, d := range out {
		if len(d) > 0 {
			dgrams = append(dgrams, d)
		}
	}
	return dgrams
}

// nfdumpRow is a record as nfdump prints it: times in Unix ms.
type nfdumpRow struct {
	start, end       int64
	src, dst         string
	srcPort, dstPort uint16
	proto            uint8
	packets, bytes   uint64
}

const nfdumpFormat = "fmt:%tsr,%ter,%sa,%da,%sp,%dp,%pr,%pkt,%byt"

// nfdumpRows has nfcapd collect datagrams and nfdump print them.
func nfdumpRows(t *testing.T, datagrams [][]byte) []nfdumpRow {
	t.Helper()
	requireTool(t, "nfcapd", "nfdump")
	requireTool(t, "nfdump", "nfdump")
	dir := t.TempDir()
	probe, err := net.ListenPacket("udp", "127.0.0.1:0")
	must(t, err)
	addr := probe.LocalAddr().String()
	probe.Close()
	_, port, _ := net.SplitHostPort(addr)
	cmd := exec.Command("nfcapd", "-w", dir, "-p", port, "-b", "127.0.0.1")
	out, err := os.Create(filepath.Join(dir, "nfcapd.log"))
	must(t, err)
	defer out.Close()
	cmd.Stdout, cmd.Stderr = out, out
	must(t, cmd.Start())
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	defer cmd.Process.Kill()
	logText := func() string { b, _ := os.ReadFile(filepath.Join(dir, "nfcapd.log")); return string(b) }
	for deadline := time.Now().Add(10 * time.Second); !strings.Contains(logText(), "Startup"); time.Sleep(20 * time.Millisecond) {
		select {
		case err := <-exited:
			t.Fatalf("nfcapd exited: %v\n%s", err, logText())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("nfcapd did not start in 10s:\n%s", logText())
		}
	}
	conn, err := net.Dial("udp", addr)
	must(t, err)
	for i, d := range datagrams {
		if _, err := conn.Write(d); err != nil {
			t.Fatalf("sending datagram %d to nfcapd: %v", i, err)
		}
	}
	conn.Close()
	time.Sleep(300 * time.Millisecond) // nfcapd reads what is queued before it stops
	must(t, cmd.Process.Signal(syscall.SIGTERM))
	if err := <-exited; err != nil {
		t.Fatalf("nfcapd: %v\n%s", err, logText())
	}
	files, _ := filepath.Glob(filepath.Join(dir, "nfcapd.2*"))
	if len(files) != 1 {
		t.Fatalf("nfcapd wrote %q, want one file\n%s", files, logText())
	}
	text, err := exec.Command("nfdump", "-r", files[0], "-q", "-N", "-o", nfdumpFormat).Output()
	if err != nil {
		t.Fatalf("nfdump -r %s: %v", files[0], err)
	}
	var rows []nfdumpRow
	for _, line := range strings.Split(strings.TrimSpace(string(text)), "\n") {
		f := strings.Split(line, ",")
		for i := range f {
			f[i] = strings.TrimSpace(f[i])
		}
		if len(f) != 9 {
			t.Fatalf("nfdump line %q: want 9 fields", line)
		}
		ms := func(s string) int64 { v, err := strconv.ParseFloat(s, 64); must(t, err); return int64(v*1000 + 0.5) }
		num := func(s string) uint64 { v, err := strconv.ParseUint(s, 10, 64); must(t, err); return v }
		rows = append(rows, nfdumpRow{ms(f[0]), ms(f[1]), f[2], f[3], uint16(num(f[4])), uint16(num(f[5])), uint8(num(f[6])), num(f[7]), num(f[8])})
	}
	return rows
}

// TestSoftflowdNfcapd decodes softflowd's v9 and IPFIX export of the test
// capture and compares the records with what nfcapd and nfdump make of
// the same datagrams.
func TestSoftflowdNfcapd(t *testing.T) {
	capture := filepath.Join(t.TempDir(), "test.pcap")
	packets := testCapture()
	writeCapture(t, capture, packets)
	for _, version := range []string{"9", "10"} {
		t.Run("v"+version, func(t *testing.T) {
			datagrams := recordExport(t, capture, len(packets), version, "-a")
			if *update {
				must(t, os.WriteFile(filepath.Join("testdata", "softflowd-v"+version+".dgrams"), join(datagrams...), 0o644))
			}
			var c collect
			d := NewDecoder(Limits{})
			for i, b := range datagrams {
				d.Decode(testPeer, b, egress.Location{Source: "export", Record: fmt.Sprint(i + 1)}, &c)
			}
			if len(c.bad) > 0 {
				t.Errorf("bad: %v", c.bad)
			}
			theirs := nfdumpRows(t, datagrams)
			var ours []nfdumpRow
			for _, f := range c.flows {
				ours = append(ours, nfdumpRow{f.Start.UnixMilli(), f.End.UnixMilli(), f.Src.String(), f.Dst.String(), f.SrcPort, f.DstPort, f.Proto, f.PktsOut, f.BytesOut})
			}
			// Times are compared where nfdump 1.7.1 gets them right.
			// It takes an uptime of 0 (the first flow softflowd -a
			// exports) as no time; resolves softflowd's IPFIX uptimes
			// against the wrong base (ends before starts); and prints
			// some v9 end times 200 ms before the LAST_SWITCHED that
			// tshark decodes from the same datagrams. The capture itself
			// checks all our times in TestSoftflowdToListener.
			for i := range theirs {
				theirs[i].end = 0
				if version == "10" || theirs[i].start == 0 {
					theirs[i].start = 0
				}
			}
			for i := range ours {
				ours[i].end = 0
				if i < len(theirs) && theirs[i].start == 0 {
					ours[i].start = 0
				}
			}
			if diff := gocmp.Diff(theirs, ours, gocmp.AllowUnexported(nfdumpRow{})); diff != "" {
				t.Errorf("records (-nfdump +ours):\n%s", diff)
			}
		})
	}
}
