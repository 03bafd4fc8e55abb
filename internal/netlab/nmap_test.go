//go:build linux

package netlab

import (
	"context"
	"encoding/xml"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

// nmapArgs is the scan whose XML testdata/lab-nmap.xml holds: ARP
// discovery of the lab's /24, TCP SYN on 80 and 443, UDP 161, service
// versions (light: an unrecognised service would otherwise take every
// probe's timeout), OS detection, and the three scripts that read the signals
// issue 18 attributes by (Server header, certificate subject, sysDescr).
var nmapArgs = []string{
	"nmap", "-n", "-T4", "--max-retries", "1", "-sS", "-sU", "-sV", "--version-light", "-O",
	"-p", "T:80,443,U:161",
	"--script", "http-server-header,ssl-cert,snmp-sysdescr",
	"-oX", "-", Subnet.String(),
}

// nmapRun is the part of nmap's XML output (nmap.dtd) the tests read.
type nmapRun struct {
	Args  string `xml:"args,attr"`
	Hosts []struct {
		Addresses []struct {
			Addr     string `xml:"addr,attr"`
			AddrType string `xml:"addrtype,attr"`
			Vendor   string `xml:"vendor,attr"`
		} `xml:"address"`
		Ports []struct {
			Protocol string `xml:"protocol,attr"`
			PortID   int    `xml:"portid,attr"`
			State    struct {
				State string `xml:"state,attr"`
			} `xml:"state"`
			Service struct {
				Name    string `xml:"name,attr"`
				Product string `xml:"product,attr"`
			} `xml:"service"`
			Scripts []struct {
				ID     string `xml:"id,attr"`
				Output string `xml:"output,attr"`
			} `xml:"script"`
		} `xml:"ports>port"`
	} `xml:"host"`
}

// nmapHost is one scanned host, flattened for checks.
type nmapHost struct {
	MAC, Vendor string
	Scripts     map[string]string // "tcp/80 http-server-header" → output
	Products    map[string]string // "tcp/80" → service product
}

// hosts indexes a run's hosts by IPv4 address.
func (r nmapRun) hosts() map[string]nmapHost {
	out := map[string]nmapHost{}
	for _, h := range r.Hosts {
		nh := nmapHost{Scripts: map[string]string{}, Products: map[string]string{}}
		var ip string
		for _, a := range h.Addresses {
			switch a.AddrType {
			case "ipv4":
				ip = a.Addr
			case "mac":
				nh.MAC, nh.Vendor = a.Addr, a.Vendor
			}
		}
		for _, p := range h.Ports {
			key := p.Protocol + "/" + strconv.Itoa(p.PortID)
			nh.Products[key] = p.Service.Product
			for _, s := range p.Scripts {
				nh.Scripts[key+" "+s.ID] = s.Output
			}
		}
		out[ip] = nh
	}
	return out
}

// checkNmap checks what issue 18's readers need from a scan of the lab:
// the camera's MAC with nmap's vendor, its Server header, certificate
// subject and sysDescr, and the consumer camera's MAC with no vendor.
func checkNmap(t *testing.T, doc []byte, hik, home string) {
	t.Helper()
	var run nmapRun
	if err := xml.Unmarshal(doc, &run); err != nil {
		t.Fatal(err)
	}
	hosts := run.hosts()
	h, ok := hosts[hik]
	if !ok {
		t.Fatalf("no host %s in the scan", hik)
	}
	if h.MAC != "44:47:CC:4E:4C:01" || h.Vendor != "Hangzhou Hikvision Digital Technology" {
		t.Errorf("MAC %q vendor %q", h.MAC, h.Vendor)
	}
	for key, want := range map[string]string{
		"tcp/80 http-server-header": "Hikvision-Webs",
		"tcp/443 ssl-cert":          "organizationName=Hikvision",
		"udp/161 snmp-sysdescr":     "Hikvision network camera DS-NETLAB-01 (netlab)",
	} {
		if !strings.Contains(h.Scripts[key], want) {
			t.Errorf("%s: %q lacks %q", key, h.Scripts[key], want)
		}
	}
	if h.Products["tcp/80"] != "Hikvision camera httpd" {
		t.Logf("nmap -sV named tcp/80 %q", h.Products["tcp/80"])
	}
	c, ok := hosts[home]
	if !ok || !strings.HasPrefix(c.MAC, "02:4E:4C:") || c.Vendor != "" {
		t.Errorf("consumer camera: %+v (present %v)", c, ok)
	}
}

// TestNmap scans a lab with the real nmap from the scanner namespace.
// NETLAB_WRITE_NMAP=1 writes its XML to testdata/lab-nmap.xml.
func TestNmap(t *testing.T) {
	t.Parallel()
	RequireTools(t, "ip", "snmpd", "nmap")
	lab := New(t)
	hik := lab.AddDevice(HikvisionCamera("hik", 1))
	home := lab.AddDevice(ConsumerCamera("home", 3))
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Second)
	defer cancel()
	start := time.Now()
	out, err := lab.Run(ctx, Scanner, nmapArgs...)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("nmap took %v", time.Since(start).Round(time.Millisecond))
	checkNmap(t, out, hik.Addr.String(), home.Addr.String())
	if os.Getenv("NETLAB_WRITE_NMAP") != "" {
		if err := os.WriteFile("testdata/lab-nmap.xml", out, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestCommittedNmapXML checks that the committed scan still holds what
// later readers' tests rely on.
func TestCommittedNmapXML(t *testing.T) {
	doc, err := os.ReadFile("testdata/lab-nmap.xml")
	if err != nil {
		t.Fatal(err)
	}
	checkNmap(t, doc, "10.250.0.10", "10.250.0.11")
}
