package pcap

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Live captures: the test starts servers on loopback, captures with
// tcpdump and dumpcap while it talks to them, and reads the files. They
// are made once per test binary and shared by the tests and the fuzz
// seeds; EMBARGO_KEEP_CAPTURES=1 keeps them (in $TMPDIR/embargo-pcap-*)
// to look at.

// liveFiles are the captures of one run of the traffic in traffic.go.
type liveFiles struct {
	lo   string // tcpdump -i lo: Ethernet, microseconds
	any  string // tcpdump -i any -y LINUX_SLL2: nanoseconds
	both string // dumpcap -i lo -i any -y LINUX_SLL: pcapng, two link types
	sc   *scenario
}

var (
	liveOnce sync.Once
	live     *liveFiles
	liveErr  error
	liveDir  string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if liveDir != "" && os.Getenv("EMBARGO_KEEP_CAPTURES") == "" {
		os.RemoveAll(liveDir)
	}
	os.Exit(code)
}

// liveCaptures makes the captures on first use.
func liveCaptures(t testing.TB) *liveFiles {
	t.Helper()
	requireTool(t, "tcpdump", "tcpdump")
	requireTool(t, "dumpcap", "wireshark-common")
	liveOnce.Do(func() { live, liveErr = makeLive() })
	if liveErr != nil {
		t.Fatal(liveErr)
	}
	return live
}

func makeLive() (*liveFiles, error) {
	dir, err := os.MkdirTemp("", "embargo-pcap-")
	if err != nil {
		return nil, err
	}
	liveDir = dir
	sc, err := startServers()
	if err != nil {
		return nil, err
	}
	defer sc.close()
	f := &liveFiles{lo: filepath.Join(dir, "lo.pcap"), any: filepath.Join(dir, "any.pcap"), both: filepath.Join(dir, "both.pcapng"), sc: sc}
	filter := sc.filter()
	caps := []*capturer{
		{file: f.lo, ready: "listening on", cmd: exec.Command("tcpdump", "-i", "lo", "-B", "65536", "-U", "--immediate-mode", "-w", f.lo, filter)},
		{file: f.any, ready: "listening on", cmd: exec.Command("tcpdump", "-i", "any", "-B", "65536", "-y", "LINUX_SLL2", "--time-stamp-precision=nano", "-U", "--immediate-mode", "-w", f.any, filter)},
		// dumpcap flushes each packet only when writing to "-".
		{file: f.both, ready: "Capturing on", copies: 2, cmd: exec.Command("dumpcap", "-B", "64", "-f", filter, "-i", "lo", "-i", "any", "-y", "LINUX_SLL", "-w", "-")},
	}
	for _, c := range caps {
		if err := c.start(); err != nil {
			return nil, err
		}
		defer c.kill()
	}
	// A tool says it captures before it does: datagrams go to the end
	// port until each file holds one.
	if err := sc.send([]byte("embargo-capture-probe"), caps, 15*time.Second); err != nil {
		return nil, err
	}
	if err := sc.traffic(); err != nil {
		return nil, err
	}
	// The end marker goes last: once it is in a file, so is everything
	// before it.
	if err := sc.send(sc.marker, caps, 15*time.Second); err != nil {
		return nil, err
	}
	for _, c := range caps {
		if err := c.stop(); err != nil {
			return nil, err
		}
	}
	return f, nil
}

// send sends b to the end port (once, and again every second, each
// time numbered) until every capture file holds one of the datagrams as
// many times as its tool sees a packet. One datagram seen on each of a
// tool's interfaces means each has caught up; counting b itself could be
// fooled by a resend seen twice on the faster interface.
func (sc *scenario) send(b []byte, caps []*capturer, wait time.Duration) error {
	c, err := net.DialUDP("udp", nil, sc.end.LocalAddr().(*net.UDPAddr))
	if err != nil {
		return err
	}
	defer c.Close()
	deadline := time.Now().Add(wait)
	var last time.Time
	var sent [][]byte
	for ; ; time.Sleep(20 * time.Millisecond) {
		if time.Since(last) > time.Second {
			p := fmt.Appendf(append([]byte(nil), b...), "#%d.", len(sent))
			if _, err := c.Write(p); err != nil {
				return err
			}
			sent, last = append(sent, p), time.Now()
		}
		all := true
		for _, cp := range caps {
			data, _ := os.ReadFile(cp.file)
			caught := false
			for _, p := range sent {
				caught = caught || bytes.Count(data, p) >= max(cp.copies, 1)
			}
			all = all && caught
		}
		if all {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%q did not reach every capture file in %s", b, wait)
		}
	}
}

// capturer runs one capture tool.
type capturer struct {
	file   string
	ready  string // what the tool writes to stderr once it captures
	copies int    // how many times the marker must be in the file (1 if 0)
	cmd    *exec.Cmd
	stderr bytes.Buffer
	mu     sync.Mutex
	done   chan struct{}
}

func (c *capturer) start() error {
	if len(c.cmd.Args) > 0 && c.cmd.Args[len(c.cmd.Args)-1] == "-" {
		out, err := os.Create(c.file)
		if err != nil {
			return err
		}
		defer out.Close() // the child has its own descriptor
		c.cmd.Stdout = out
	}
	pipe, err := c.cmd.StderrPipe()
	if err != nil {
		return err
	}
	if err := c.cmd.Start(); err != nil {
		return fmt.Errorf("starting %s: %v", c.cmd, err)
	}
	ready := make(chan struct{})
	c.done = make(chan struct{})
	go func() {
		defer close(c.done)
		sc := bufio.NewScanner(pipe)
		once := sync.Once{}
		for sc.Scan() {
			c.mu.Lock()
			c.stderr.WriteString(sc.Text() + "\n")
			c.mu.Unlock()
			if strings.Contains(sc.Text(), c.ready) {
				once.Do(func() { close(ready) })
			}
		}
	}()
	select {
	case <-ready:
		return nil
	case <-c.done:
		return fmt.Errorf("%s exited before capturing: %s", c.cmd, c.log())
	case <-time.After(15 * time.Second):
		return fmt.Errorf("%s did not start capturing in 15s: %s", c.cmd, c.log())
	}
}

func (c *capturer) log() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.stderr.String()
}

// stop stops the tool with SIGINT as a user would, and checks it
// dropped nothing.
func (c *capturer) stop() error {
	c.cmd.Process.Signal(syscall.SIGINT)
	<-c.done
	if err := c.cmd.Wait(); err != nil {
		return fmt.Errorf("%s: %v: %s", c.cmd, err, c.log())
	}
	log := c.log()
	for _, m := range dropped.FindAllStringSubmatch(log, -1) {
		if m[1] != "0" && m[2] != "0" {
			return fmt.Errorf("%s dropped packets: %s", c.cmd, log)
		}
	}
	return nil
}

// dropped finds drop counts in what tcpdump and dumpcap say at the end.
var dropped = regexp.MustCompile(`(?m)^(\d+) packets dropped by kernel|received/dropped on interface '[^']*': \d+/(\d+)`)

func (c *capturer) kill() {
	if c.cmd.ProcessState == nil && c.cmd.Process != nil {
		c.cmd.Process.Kill()
		c.cmd.Wait()
	}
}

// randomLoopback is an address in 127/8 no other test is likely to use,
// so that the DNS server can take port 53 on it.
func randomLoopback() netip.Addr {
	var b [3]byte
	rand.Read(b[:])
	return netip.AddrFrom4([4]byte{127, 1 + b[0]%250, b[1], 1 + b[2]%250})
}

func readAll(c net.Conn) error {
	c.SetDeadline(time.Now().Add(10 * time.Second))
	_, err := io.Copy(io.Discard, c)
	return err
}
