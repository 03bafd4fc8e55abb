package pcap

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// gopacketDir is the module directory of the gopacket version in go.mod,
// downloaded if need be: its test data holds public pcap and pcapng
// samples (pcapng-test-generator's suite among them), read in place.
func gopacketDir(t testing.TB) string {
	t.Helper()
	out, err := exec.Command("go", "mod", "download", "-json", "github.com/gopacket/gopacket@v1.7.7").Output()
	if err != nil {
		t.Fatalf("go mod download github.com/gopacket/gopacket@v1.7.7: %v", err)
	}
	var mod struct{ Dir string }
	if err := json.Unmarshal(out, &mod); err != nil || mod.Dir == "" {
		t.Fatalf("go mod download -json said %s: %v", out, err)
	}
	return mod.Dir
}

func gopacketSamples(t testing.TB) []string {
	t.Helper()
	dir := gopacketDir(t)
	var files []string
	for _, pattern := range []string{"pcapgo/tests/*/*.pcapng", "pcapgo/tests/*.pcapng", "layers/testdata/*.pcap*"} {
		m, err := filepath.Glob(filepath.Join(dir, pattern))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	if len(files) < 50 {
		t.Fatalf("found %d samples in %s, expected over 50", len(files), dir)
	}
	return files
}

// TestGopacketSamples reads each sample without panic, and counts as
// many packets as tshark does.
func TestGopacketSamples(t *testing.T) {
	for _, file := range gopacketSamples(t) {
		name := filepath.Join(filepath.Base(filepath.Dir(file)), filepath.Base(file))
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			b, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			var c collect
			st, err := (&Reader{}).ReadStats(context.Background(), name, bytes.NewReader(b), &c)
			if err != nil {
				t.Fatal(err)
			}
			frames, complete := tsharkPackets(t, file)
			if complete && int64(frames) != st.Packets || !complete && st.Packets < int64(frames) {
				t.Errorf("read %d packets, tshark %d (read to the end: %v); bads %v", st.Packets, frames, complete, c.bads)
			}
			for _, bad := range c.bads {
				if bad.Where.Source != name {
					t.Errorf("bad without the file name: %+v", bad)
				}
			}
			t.Logf("%+v, %d flows, %d DNS answers, bads %v", st, len(c.flows), len(c.dns), c.bads)
		})
	}
}

// tsharkPackets counts the packets tshark reads, and says whether it
// read the file to the end: it stops at a section of an unknown version,
// which the pcapng specification says to skip. Frames with no link type
// are pcapng custom blocks, which tshark shows and are no packets.
func tsharkPackets(t testing.TB, file string) (int, bool) {
	t.Helper()
	requireTool(t, "tshark", "tshark")
	out, err := exec.Command("tshark", "-r", file, "-T", "fields", "-e", "frame.encap_type").Output()
	if _, exit := err.(*exec.ExitError); err != nil && !exit {
		t.Fatal(err)
	}
	n := 0
	for line := range strings.Lines(string(out)) {
		if strings.TrimSpace(line) != "" {
			n++
		}
	}
	return n, err == nil
}
