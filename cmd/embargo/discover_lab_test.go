//go:build linux

package main

import (
	"context"
	"encoding/json"
	"errors"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/internal/netlab"
)

// labEquipment starts the three cameras: one that is Hikvision in
// every signal, one labelled "Acme" whose MAC block and SNMP enterprise
// are Hikvision's, and one with nothing but a consumer label.
func labEquipment(t *testing.T) (*netlab.Lab, map[string]*netlab.Device) {
	netlab.RequireTools(t, "ip", "snmpd", "nmap")
	lab := netlab.New(t)
	return lab, map[string]*netlab.Device{
		"hik":  lab.AddDevice(netlab.HikvisionCamera("hik", 1)),
		"acme": lab.AddDevice(netlab.RebrandedCamera("acme", 2)),
		"home": lab.AddDevice(netlab.ConsumerCamera("home", 3)),
	}
}

// equipmentVerdicts reads a JSON report: per host, who made the device
// and the label it is sold as, or "unknown" when the report lists it as
// equipment nothing identifies.
func equipmentVerdicts(t *testing.T, out string) map[string]string {
	t.Helper()
	var rep struct {
		Items []struct {
			Location    struct{ Host string }
			Attribution *struct {
				Supplier struct{ ID string }
				SoldAs   *struct{ Label string } `json:"sold_as"`
			}
		}
		Unknowns []struct {
			Location struct{ Host string }
			Reason   string
		}
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("report: %v\n%s", err, out)
	}
	got := map[string]string{}
	for _, it := range rep.Items {
		if a := it.Attribution; a != nil {
			got[it.Location.Host] = a.Supplier.ID
			if a.SoldAs != nil {
				got[it.Location.Host] += ", sold as " + a.SoldAs.Label
			}
		}
	}
	for _, u := range rep.Unknowns {
		if strings.Contains(u.Reason, "equipment whose maker nothing identifies") {
			got[u.Location.Host] = "unknown"
		}
	}
	return got
}

// TestLabNmapThenScan scans the lab with Debian's nmap and reads its XML
// as-is: the rebranded camera is Hikvision's, the consumer camera is
// unknown, not compliant (exit 1: restricted equipment found).
func TestLabNmapThenScan(t *testing.T) {
	lab, dev := labEquipment(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	xml, err := lab.Run(ctx, netlab.Scanner, "nmap", "-n", "-T4", "--max-retries", "1", "-sS", "-sU", "-sV", "--version-light",
		"-p", "T:80,443,U:161", "--script", "http-server-header,ssl-cert,snmp-sysdescr", "-oX", "-", netlab.Subnet.String())
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "lab.xml")
	if err := os.WriteFile(path, xml, 0o644); err != nil {
		t.Fatal(err)
	}
	out, stderr, code := run(t, "scan", "-o", "json", path)
	if code != 1 {
		t.Fatalf("exit %d, want 1; stderr: %s", code, stderr)
	}
	got := equipmentVerdicts(t, out)
	want := map[string]string{
		dev["hik"].Addr.String():    "hikvision",
		dev["acme"].Addr.String():   "hikvision",
		dev["home"].Addr.String():   "unknown",
		netlab.ScannerAddr.String(): "unknown", // the scanner itself, a Linux box
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("equipment (-want +got):\n%s", d)
	}
}

// TestLabDiscover runs `embargo discover` inside the lab's scanner
// namespace: first at one address, with every other interface watched to
// prove nothing else was sent anything, then at the whole LAN, where the
// rebranded camera is made by Hikvision and sold as Acme Security, and
// the consumer camera is unknown.
func TestLabDiscover(t *testing.T) {
	lab, dev := labEquipment(t)
	dir := t.TempDir()
	creds := filepath.Join(dir, "snmp.txt")
	if err := os.WriteFile(creds, []byte("# the lab's snmpd community\npublic\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	discover := func(save string, targets string, extra ...string) (stdout string, err error) {
		argv := append([]string{binary, "discover", "--targets", targets, "--snmp-community-file", creds,
			"--rate", "1000", "--timeout", "1s", "--save", filepath.Join(dir, save), "--log", filepath.Join(dir, save+".log"), "-o", "json"}, extra...)
		cmd, err := lab.Command(ctx, netlab.Scanner, argv...)
		if err != nil {
			t.Fatal(err)
		}
		cmd.Env = os.Environ()
		var o strings.Builder
		cmd.Stdout = &o
		err = cmd.Run()
		return o.String(), err
	}

	acme := dev["acme"].Addr
	scanner := netlab.ScannerAddr
	watch := map[string]*netlab.Watcher{
		"hik": lab.Watch("hik", "eth0"), "home": lab.Watch("home", "eth0"), "outside": lab.Watch(netlab.Outside, "eth0"),
	}
	if _, err := discover("one.json", acme.String()+"/32"); procExit(t, err) != 1 {
		t.Errorf("discover of the rebranded camera: %v, want exit 1 (restricted equipment)", err)
	}
	for name, w := range watch {
		for _, p := range w.Stop() {
			if p.Outgoing || p.Src != scanner {
				continue // the watched interface's own frames, or another device's
			}
			if p.EtherType == netlab.EtherTypeARP && p.ARPOp == 1 && p.Dst == acme {
				continue // who-has the target: broadcast by nature
			}
			t.Errorf("%s received a frame while only %v was a target: %v", name, acme, p)
		}
	}
	var probed []string
	logText, err := os.ReadFile(filepath.Join(dir, "one.json.log"))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(logText)), "\n") {
		var r struct {
			Sent  bool
			Probe struct{ Prober, Target string }
		}
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		if ap := netip.MustParseAddrPort(r.Probe.Target); ap.Addr() != acme {
			t.Errorf("logged a probe of %v", ap)
		}
		if r.Sent && !contains(probed, r.Probe.Prober) {
			probed = append(probed, r.Probe.Prober)
		}
	}
	slices.Sort(probed)
	if d := cmp.Diff([]string{"http", "mdns", "onvif", "snmp", "ssdp"}, probed); d != "" {
		t.Errorf("probers that sent (-want +got):\n%s", d)
	}

	out, err := discover("lan.json", netlab.Subnet.String())
	if code := procExit(t, err); code != 1 {
		t.Fatalf("discover of the LAN: %v (exit %d), want exit 1", err, code)
	}
	got := equipmentVerdicts(t, out)
	want := map[string]string{
		dev["hik"].Addr.String():    "hikvision",
		acme.String():               "hikvision, sold as Acme Security",
		dev["home"].Addr.String():   "unknown",
		netlab.ScannerAddr.String(): "unknown", // the scanner itself: it answers (with resets), nothing names its maker
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("equipment (-want +got):\n%s", d)
	}
	// The saved document is what `embargo scan` reads later, to the same verdicts.
	again, _, code := run(t, "scan", "-o", "json", filepath.Join(dir, "lan.json"))
	if code != 1 {
		t.Fatalf("scan of the saved discovery: exit %d", code)
	}
	if d := cmp.Diff(want, equipmentVerdicts(t, again)); d != "" {
		t.Errorf("rescan (-want +got):\n%s", d)
	}
}

// procExit is a finished command's exit code.
func procExit(t *testing.T, err error) int {
	var ee *exec.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ee):
		return ee.ExitCode()
	}
	t.Fatal(err)
	return -1
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}
