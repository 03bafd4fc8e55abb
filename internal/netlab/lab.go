//go:build linux

package netlab

import (
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// Roles of the lab's fixed namespaces; a device's role is its name.
const (
	Scanner = "scanner"
	Outside = "outside"
	LAN     = "lan"
)

// Prefix starts the name of every namespace a lab creates.
const Prefix = "netlab-"

// The lab's addresses (see the package documentation).
var (
	Subnet            = netip.MustParsePrefix("10.250.0.0/24")
	ScannerAddr       = netip.MustParseAddr("10.250.0.1")
	UplinkSubnet      = netip.MustParsePrefix("10.250.1.0/24")
	ScannerUplinkAddr = netip.MustParseAddr("10.250.1.1")
	OutsideAddr       = netip.MustParseAddr("10.250.1.2")
	firstDeviceAddr   = netip.MustParseAddr("10.250.0.10")
)

// labSeq numbers the labs of one test process.
var labSeq atomic.Int64

// Lab is one isolated test network. Its methods may be called from
// several goroutines, except AddDevice and Watch, which fail the test on
// error and so belong to the test's goroutine.
type Lab struct {
	t   testing.TB
	id  string // Prefix + pid + "-" + seq
	dir string // configuration and logs of the lab's processes

	mu      sync.Mutex
	ns      map[string]string // role → namespace name
	order   []string          // roles in creation order
	devices map[string]*Device
	next    netip.Addr // next automatic device address
	closers []func()   // run in reverse order at cleanup
	closed  bool
}

// New builds a lab with its scanner, lan and outside namespaces and
// registers its removal with t.Cleanup. It fails the test when not root
// or when ip(8) is missing.
func New(t testing.TB) *Lab {
	t.Helper()
	RequireTools(t, "ip")
	removeStale(t)
	dir, err := os.MkdirTemp("", fmt.Sprintf("%s%d-", Prefix, os.Getpid()))
	if err != nil {
		t.Fatalf("netlab: %v", err)
	}
	l := &Lab{
		t:       t,
		id:      fmt.Sprintf("%s%d-%d", Prefix, os.Getpid(), labSeq.Add(1)),
		dir:     dir,
		ns:      map[string]string{},
		devices: map[string]*Device{},
		next:    firstDeviceAddr,
	}
	t.Cleanup(l.close)
	if err := l.build(); err != nil {
		t.Fatalf("netlab: building the lab: %v", err)
	}
	return l
}

// build makes the fixed namespaces and links.
func (l *Lab) build() error {
	for _, role := range []string{LAN, Scanner, Outside} {
		if err := l.addNamespace(role); err != nil {
			return err
		}
	}
	lan, scan, out := l.ns[LAN], l.ns[Scanner], l.ns[Outside]
	steps := [][]string{
		{"-n", lan, "link", "add", "br0", "type", "bridge",
			"forward_delay", "0", "stp_state", "0", "mcast_snooping", "0"},
		{"-n", lan, "link", "set", "br0", "up"},
		{"-n", lan, "link", "add", "scan", "type", "veth", "peer", "name", "eth0", "netns", scan},
		{"-n", lan, "link", "set", "scan", "master", "br0", "up"},
		{"-n", scan, "addr", "add", ScannerAddr.String() + "/24", "dev", "eth0"},
		{"-n", scan, "link", "set", "eth0", "up"},
		{"-n", scan, "link", "add", "up0", "type", "veth", "peer", "name", "eth0", "netns", out},
		{"-n", scan, "addr", "add", ScannerUplinkAddr.String() + "/24", "dev", "up0"},
		{"-n", scan, "link", "set", "up0", "up"},
		{"-n", out, "addr", "add", OutsideAddr.String() + "/24", "dev", "eth0"},
		{"-n", out, "link", "set", "eth0", "up"},
		{"-n", scan, "route", "add", "default", "via", OutsideAddr.String()},
		{"-n", scan, "route", "add", "224.0.0.0/4", "dev", "eth0"},
	}
	for _, s := range steps {
		if err := ip(s...); err != nil {
			return err
		}
	}
	return nil
}

// addNamespace creates the namespace of a role, with its loopback up and
// IPv6 off, and records it for removal.
func (l *Lab) addNamespace(role string) error {
	name := l.id + "-" + role
	if err := ip("netns", "add", name); err != nil {
		return err
	}
	l.mu.Lock()
	l.ns[role] = name
	l.order = append(l.order, role)
	l.mu.Unlock()
	if err := ip("-n", name, "link", "set", "lo", "up"); err != nil {
		return err
	}
	return inNetns(name, disableIPv6)
}

// disableIPv6 turns IPv6 off for the calling thread's namespace, before
// any interface is moved into it; a kernel without IPv6 needs nothing.
func disableIPv6() error {
	for _, p := range []string{"default", "all"} {
		f := "/proc/sys/net/ipv6/conf/" + p + "/disable_ipv6"
		if err := os.WriteFile(f, []byte("1\n"), 0); err != nil && !os.IsNotExist(err) {
			return err
		}
	}
	return nil
}

// Namespace returns the name of a role's namespace ("scanner", "lan",
// "outside" or a device's name), or "" when the lab has no such role.
func (l *Lab) Namespace(role string) string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.ns[role]
}

// nsName is Namespace with an error for unknown roles.
func (l *Lab) nsName(role string) (string, error) {
	if n := l.Namespace(role); n != "" {
		return n, nil
	}
	return "", fmt.Errorf("netlab: no namespace %q in this lab", role)
}

// String describes the lab for test logs.
func (l *Lab) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return fmt.Sprintf("netlab %s (%d devices)", l.id, len(l.devices))
}

// onClose registers f to run at cleanup, before the namespaces go.
func (l *Lab) onClose(f func()) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.closers = append(l.closers, f)
}

// close stops everything the lab started and removes its namespaces.
func (l *Lab) close() {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return
	}
	l.closed = true
	closers, order := l.closers, l.order
	l.mu.Unlock()
	for i := len(closers) - 1; i >= 0; i-- {
		closers[i]()
	}
	for i := len(order) - 1; i >= 0; i-- {
		if err := deleteNamespace(l.ns[order[i]]); err != nil {
			l.t.Errorf("netlab: %v", err)
		}
	}
	os.RemoveAll(l.dir)
}

// ip runs ip(8) with args in the test's own namespace; with "-n NS" it
// acts inside NS only.
func ip(args ...string) error {
	out, err := exec.Command("ip", args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("ip %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(string(out)))
	}
	return nil
}
