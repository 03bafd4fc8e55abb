//go:build linux

package netlab

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/embargo-dev/embargo/internal/testtool"
)

// debianPackage names the Debian package of each tool the lab or its
// tests run.
var debianPackage = map[string]string{
	"ip":      "iproute2",
	"snmpd":   "snmpd",
	"snmpget": "snmp",
	"nmap":    "nmap",
	"tcpdump": "tcpdump",
}

// RequireTools fails the test unless it runs as root and every named
// command is on PATH, naming the Debian packages to install; a missing
// command skips it instead, saying so, when the run installs nothing
// (testtool.NoInstall).
func RequireTools(t testing.TB, cmds ...string) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Fatalf("netlab: network namespace tests must run as root (uid %d)", os.Geteuid())
	}
	pairs := make([][2]string, len(cmds))
	for i, c := range cmds {
		pkg := debianPackage[c]
		if pkg == "" {
			pkg = c
		}
		pairs[i] = [2]string{c, pkg}
	}
	testtool.Commands(t, pairs...)
}

// removeStale deletes lab namespaces, and the labs' temporary
// directories, left by test processes that no longer exist. Those of
// live processes, this one's included, are left alone: they may be
// another test binary's running lab.
func removeStale(t testing.TB) {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), Prefix+"*"))
	for _, d := range dirs {
		if pid, ok := labPID(filepath.Base(d)); ok && pid != os.Getpid() && !alive(pid) {
			os.RemoveAll(d)
		}
	}
	entries, err := os.ReadDir(netnsDir)
	if err != nil {
		return // no namespaces at all
	}
	for _, e := range entries {
		pid, ok := labPID(e.Name())
		if !ok || pid == os.Getpid() || alive(pid) {
			continue
		}
		if err := deleteNamespace(e.Name()); err != nil {
			t.Errorf("netlab: removing stale namespace: %v", err)
			continue
		}
		t.Logf("netlab: removed stale namespace %s", e.Name())
	}
}

// labPID returns the pid in a lab namespace's name.
func labPID(name string) (int, bool) {
	rest, ok := strings.CutPrefix(name, Prefix)
	if !ok {
		return 0, false
	}
	field, _, _ := strings.Cut(rest, "-")
	pid, err := strconv.Atoi(field)
	return pid, err == nil && pid > 0
}

// alive reports whether a process with this pid exists and is not a
// zombie (a killed test binary stays one until its parent reaps it).
func alive(pid int) bool {
	if err := unix.Kill(pid, 0); err != nil && !errors.Is(err, unix.EPERM) {
		return false
	}
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return !os.IsNotExist(err)
	}
	// "pid (comm) state ...": comm may hold spaces and parentheses.
	i := bytes.LastIndexByte(stat, ')')
	return i < 0 || i+2 >= len(stat) || (stat[i+2] != 'Z' && stat[i+2] != 'X')
}

// deleteNamespace kills what still runs in a lab namespace (only lab
// processes such as snmpd ever run there) and deletes it.
func deleteNamespace(name string) error {
	for _, pid := range netnsPIDs(name) {
		unix.Kill(pid, unix.SIGKILL)
	}
	if err := ip("netns", "del", name); err != nil {
		if _, serr := os.Stat(netnsDir + "/" + name); os.IsNotExist(serr) {
			return nil
		}
		return err
	}
	return nil
}

// netnsPIDs lists the processes running in a namespace.
func netnsPIDs(name string) []int {
	out, err := exec.Command("ip", "netns", "pids", name).Output()
	if err != nil {
		return nil
	}
	var pids []int
	for _, f := range strings.Fields(string(out)) {
		if pid, err := strconv.Atoi(f); err == nil && pid > 0 && pid != os.Getpid() {
			pids = append(pids, pid)
		}
	}
	sort.Ints(pids)
	return pids
}
