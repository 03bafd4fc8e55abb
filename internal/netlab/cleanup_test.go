//go:build linux

package netlab

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// exists reports whether a named namespace is still there.
func exists(name string) bool {
	_, err := os.Stat(netnsDir + "/" + name)
	return err == nil
}

// TestCleanup checks that a lab's namespaces and its snmpd are gone once
// the test that made it has ended.
func TestCleanup(t *testing.T) {
	t.Parallel()
	RequireTools(t, "ip", "snmpd")
	var names []string
	var pids []int
	t.Run("lab", func(t *testing.T) {
		lab := New(t)
		d := lab.AddDevice(DeviceSpec{Name: "c1", MAC: LocalMAC(1), SNMP: &SNMP{}})
		lab.Watch(d.Name, "eth0")
		for _, role := range []string{Scanner, LAN, Outside, d.Name} {
			if !exists(lab.Namespace(role)) {
				t.Fatalf("no namespace for %s", role)
			}
			names = append(names, lab.Namespace(role))
		}
		pids = netnsPIDs(d.Namespace)
		if len(pids) != 1 {
			t.Fatalf("processes in the device's namespace: %v", pids)
		}
	})
	for _, n := range names {
		if exists(n) {
			t.Errorf("namespace %s left behind", n)
		}
	}
	for _, pid := range pids {
		if alive(pid) {
			t.Errorf("snmpd (pid %d) left running", pid)
		}
	}
}

// failingTB is a testing.TB whose Fatalf ends the goroutine as
// testing's does, and whose cleanups the test runs itself.
type failingTB struct {
	testing.TB
	cleanups []func()
	fatal    string
}

func (f *failingTB) Helper()           {}
func (f *failingTB) Cleanup(fn func()) { f.cleanups = append(f.cleanups, fn) }
func (f *failingTB) Fatalf(format string, args ...any) {
	f.fatal = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

// TestCleanupAfterFailure fails a lab's test halfway through building a
// device and checks that the cleanups it registered remove everything.
func TestCleanupAfterFailure(t *testing.T) {
	t.Parallel()
	RequireTools(t, "ip")
	f := &failingTB{TB: t}
	var lab *Lab
	done := make(chan struct{})
	go func() {
		defer close(done)
		lab = New(f)
		lab.AddDevice(DeviceSpec{Name: "ok", MAC: LocalMAC(1), HTTP: &HTTP{}})
		// The same MAC again: AddDevice fails the test.
		lab.AddDevice(DeviceSpec{Name: "dup", MAC: LocalMAC(1)})
		t.Error("AddDevice did not fail")
	}()
	<-done
	if !strings.Contains(f.fatal, "MAC 02:4e:4c:00:00:01 is ok's") {
		t.Errorf("failure %q", f.fatal)
	}
	names := []string{lab.Namespace(Scanner), lab.Namespace(LAN), lab.Namespace(Outside), lab.Namespace("ok")}
	for i := len(f.cleanups) - 1; i >= 0; i-- {
		f.cleanups[i]()
	}
	for _, n := range names {
		if n == "" || exists(n) {
			t.Errorf("namespace %q left behind", n)
		}
	}
}

// TestStaleNamespaces checks that New removes a lab namespace whose
// process is gone, and keeps those of live processes.
func TestStaleNamespaces(t *testing.T) {
	t.Parallel()
	RequireTools(t, "ip")
	b, err := os.ReadFile("/proc/sys/kernel/pid_max")
	if err != nil {
		t.Fatal(err)
	}
	pidMax, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	// Pids are below pid_max, so no process can own this one.
	stale := fmt.Sprintf("%s%d-1-lan", Prefix, pidMax)
	// pid 1 is alive: its (pretend) lab must be left alone.
	live := fmt.Sprintf("%s1-%d-lan", Prefix, os.Getpid())
	for _, n := range []string{stale, live} {
		if err := ip("netns", "add", n); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { deleteNamespace(n) })
	}
	New(t)
	if exists(stale) {
		t.Errorf("stale namespace %s kept", stale)
	}
	if !exists(live) {
		t.Errorf("live process's namespace %s removed", live)
	}
}

func TestLabPID(t *testing.T) {
	for name, want := range map[string]int{
		"netlab-123-4-lan": 123, "netlab-7-1-hik": 7,
		"netlab-0-1-lan": 0, "netlab-x-1": 0, "other-123-1": 0, "embtest": 0,
	} {
		got, ok := labPID(name)
		if got != want && ok || ok != (want != 0) {
			t.Errorf("labPID(%q) = %d, %v", name, got, ok)
		}
	}
}
