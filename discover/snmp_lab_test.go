//go:build linux

package discover

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/attribute"
	"github.com/embargo-dev/embargo/catalog"
	"github.com/embargo-dev/embargo/internal/netlab"
	"github.com/embargo-dev/embargo/inventory"
	"github.com/embargo-dev/embargo/inventory/discovery"
)

var updateSNMPFlag = flag.Bool("update-snmp", false, "rewrite testdata/snmp-*.bin with the answers of the lab's snmpd")

// updateSNMP writes the answers read, in order, to the named files of
// testdata when -update-snmp is given.
func updateSNMP(t *testing.T, answers [][]byte, names ...string) {
	t.Helper()
	if !*updateSNMPFlag {
		return
	}
	if len(answers) != len(names) {
		t.Fatalf("%d answers for %d files", len(answers), len(names))
	}
	for i, n := range names {
		if err := os.WriteFile(filepath.Join("testdata", n), answers[i], 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// labCreds reads a credentials file's text; pass phrases come inline.
func labCreds(t *testing.T, text string) []Credential {
	t.Helper()
	creds, err := ParseCredentials("lab.creds", []byte(text), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	return creds
}

// TestSNMPLab asks a real snmpd with SNMPv2c communities and SNMPv3
// users, each run confined to one device while every interface the
// scanner could reach another address through is watched.
func TestSNMPLab(t *testing.T) {
	t.Parallel()
	lab := newLab(t)
	spec := netlab.HikvisionCamera("hik", 1)
	spec.SNMP.Community = "netlab-ro"
	spec.SNMP.Users = []netlab.SNMPUser{
		{Name: "ops", AuthProto: "SHA-256", AuthPass: "netlab-auth-2", PrivProto: "AES", PrivPass: "netlab-priv-2"},
	}
	hik := lab.AddDevice(spec)
	home := lab.AddDevice(netlab.ConsumerCamera("home", 3))
	secrets := []string{"netlab-ro", "wrong-community", "netlab-auth-2", "netlab-priv-2", "wrong-auth-2"}

	t.Run("v2c", func(t *testing.T) {
		creds := labCreds(t, "# communities\nwrong-community\nnetlab-ro\n")
		var answers [][]byte
		doc, recs := discoverLab(t, lab, labRun{target: hik.Addr, others: []*netlab.Device{home}, answers: &answers}, NewSNMP(creds))
		updateSNMP(t, answers, "snmp-v2c-response.bin")
		ob := only(t, doc, hik.Addr, "snmp")
		if diff := cmp.Diff(hikSystem, ob.Attrs); diff != "" || !ob.Answered {
			t.Errorf("attributes (-want +got):\n%s", diff)
		}
		if !slices.Contains(ob.Notes, "answered credential 2 of 2, SNMPv2c community (lab.creds:3)") {
			t.Errorf("notes %q", ob.Notes)
		}
		wantLog(t, recs, true,
			"snmp 10.250.0.10:161/udp SNMPv2c GET sysObjectID.0 sysDescr.0 sysName.0 (credential 1 of 2)",
			"snmp 10.250.0.10:161/udp SNMPv2c GET sysObjectID.0 sysDescr.0 sysName.0 (credential 2 of 2)")
		noSecrets(t, doc, recs, secrets)
		attributed(t, ob.Attrs, catalog.SNMPEnterprise)
	})

	t.Run("v3", func(t *testing.T) {
		creds := labCreds(t, "v3 user=nobody\n"+
			"v3 user=ops auth=SHA-256 authpass=wrong-auth-2 priv=AES privpass=netlab-priv-2\n"+
			"v3 user=ops auth=sha256 authpass=netlab-auth-2 priv=aes128 privpass=netlab-priv-2\n")
		var answers [][]byte
		doc, recs := discoverLab(t, lab, labRun{target: hik.Addr, others: []*netlab.Device{home}, answers: &answers}, NewSNMP(creds))
		updateSNMP(t, answers, "snmp-v3-discovery-report.bin", "snmp-v3-unknown-user-report.bin",
			"snmp-v3-wrong-digest-report.bin", "snmp-v3-authpriv-response.bin")
		ob := only(t, doc, hik.Addr, "snmp")
		if diff := cmp.Diff(hikSystem, ob.Attrs); diff != "" {
			t.Errorf("attributes (-want +got):\n%s", diff)
		}
		notes := strings.Join(ob.Notes, "\n")
		for _, want := range []string{
			"SNMPv3 engine ID 80001f88", // Net-SNMP's enterprise number, 8072
			"credential 1 of 3, SNMPv3 user, noAuthNoPriv (lab.creds:1): the agent reported usmStatsUnknownUserNames",
			"credential 2 of 3, SNMPv3 user, authPriv SHA-256/AES (lab.creds:2): the agent reported usmStatsWrongDigests",
			"answered credential 3 of 3, SNMPv3 user, authPriv SHA-256/AES (lab.creds:3)",
		} {
			if !strings.Contains(notes, want) {
				t.Errorf("notes lack %q:\n%s", want, notes)
			}
		}
		wantLog(t, recs, true,
			"snmp 10.250.0.10:161/udp SNMPv3 engine discovery (empty GET, noAuthNoPriv, no user)",
			"snmp 10.250.0.10:161/udp SNMPv3 GET sysObjectID.0 sysDescr.0 sysName.0 (credential 1 of 3, noAuthNoPriv)",
			"snmp 10.250.0.10:161/udp SNMPv3 GET sysObjectID.0 sysDescr.0 sysName.0 (credential 2 of 3, authPriv)",
			"snmp 10.250.0.10:161/udp SNMPv3 GET sysObjectID.0 sysDescr.0 sysName.0 (credential 3 of 3, authPriv)")
		noSecrets(t, doc, recs, secrets)
	})

	t.Run("wrong community", func(t *testing.T) {
		doc, recs := discoverLab(t, lab, labRun{target: hik.Addr, others: []*netlab.Device{home}}, NewSNMP(labCreds(t, "wrong-community")))
		if len(doc.Hosts) != 0 {
			t.Errorf("a community the agent does not know got %+v", doc.Hosts)
		}
		wantLog(t, recs, true, "snmp 10.250.0.10:161/udp SNMPv2c GET sysObjectID.0 sysDescr.0 sysName.0 (credential 1 of 1)")
	})

	t.Run("no agent", func(t *testing.T) {
		doc, _ := discoverLab(t, lab, labRun{target: home.Addr, others: []*netlab.Device{hik}}, NewSNMP(labCreds(t, "netlab-ro\nv3 user=ops")))
		ob := only(t, doc, home.Addr, "snmp")
		want := discovery.Observation{Answered: true, Notes: []string{errPortClosed.Error()}}
		if diff := cmp.Diff(want, ob); diff != "" {
			t.Errorf("a host without an agent (-want +got):\n%s", diff)
		}
	})
}

// labRun is one discovery run in a lab: one target, the other devices
// to watch, and where to keep the answers' datagrams (nil: nowhere).
type labRun struct {
	target  netip.Addr
	dry     bool
	others  []*netlab.Device
	answers *[][]byte
}

// discoverLab runs discovery from the scanner against the target alone,
// watching the scanner's interfaces, the outside sink and the other
// devices, and fails the test if the scanner sent a frame to any other
// address (or, in a dry run, any frame at all).
func discoverLab(t *testing.T, lab *netlab.Lab, r labRun, ps ...Prober) (*discovery.Document, []Record) {
	t.Helper()
	target, dry := r.target, r.dry
	ws := []*netlab.Watcher{lab.Watch(netlab.Scanner, "eth0"), lab.Watch(netlab.Scanner, "up0"), lab.Watch(netlab.Outside, "eth0")}
	for _, d := range r.others {
		ws = append(ws, lab.Watch(d.Name, "eth0"))
	}
	var (
		mu   sync.Mutex
		recs []Record
	)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	doc, err := Run(ctx, Options{
		Targets: []netip.Prefix{netip.PrefixFrom(target, 32)}, Probers: ps, Rate: -1, Timeout: time.Second,
		Network: recordingNet{labNet{lab}, r.answers, &mu}, DryRun: dry,
		Log:        func(r Record) { mu.Lock(); recs = append(recs, r); mu.Unlock() },
		Neighbours: func() (map[netip.Addr]string, error) { return nil, nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	waitTCPQuiet(t, lab)
	checkScope(t, lab, target, dry, ws)
	mu.Lock()
	defer mu.Unlock()
	return doc, slices.Clone(recs)
}

// recordingNet keeps every datagram or segment read, in order.
type recordingNet struct {
	labNet
	answers *[][]byte
	mu      *sync.Mutex
}

func (n recordingNet) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	c, err := n.labNet.DialContext(ctx, network, address)
	if err != nil || n.answers == nil {
		return c, err
	}
	return recordingConn{c, n}, nil
}

type recordingConn struct {
	net.Conn
	n recordingNet
}

func (c recordingConn) Read(b []byte) (int, error) {
	k, err := c.Conn.Read(b)
	if k > 0 {
		c.n.mu.Lock()
		*c.n.answers = append(*c.n.answers, slices.Clone(b[:k]))
		c.n.mu.Unlock()
	}
	return k, err
}

// waitTCPQuiet waits until every TCP connection of the scanner has
// ended (closed or in TIME_WAIT), so that a connection's last segments
// (the ACK of a server's late FIN) are seen by this run's watchers and
// not taken by the next run's for its own.
func waitTCPQuiet(t *testing.T, lab *netlab.Lab) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		var table []byte
		err := lab.Do(netlab.Scanner, func() error {
			var err error
			table, err = os.ReadFile("/proc/thread-self/net/tcp") // this thread's namespace
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		busy := ""
		for _, line := range strings.Split(string(table), "\n")[1:] {
			// st: 06 TIME_WAIT, 07 CLOSE, 0A LISTEN (include/net/tcp_states.h)
			if f := strings.Fields(line); len(f) > 3 && f[3] != "06" && f[3] != "07" && f[3] != "0A" {
				busy = line
			}
		}
		if busy == "" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("a connection of the scanner did not end: %s", busy)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// scopeMarker ends the datagrams the test itself sends so that every
// watcher has read what came before them.
const scopeMarker = "embargo-discover-scope-marker"

// checkScope sends a marker to the LAN's broadcast address and one off
// the LAN, waits until every watcher has recorded one, then checks what
// the scanner sent before them.
func checkScope(t *testing.T, lab *netlab.Lab, target netip.Addr, dry bool, ws []*netlab.Watcher) {
	t.Helper()
	conn, err := lab.ListenPacket(netlab.Scanner, "udp4", ":0")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	for _, to := range []string{"10.250.0.255", "10.250.99.1"} {
		if _, err := conn.WriteTo([]byte(scopeMarker), &net.UDPAddr{IP: net.ParseIP(to), Port: 9}); err != nil {
			t.Fatal(err)
		}
	}
	isMarker := func(p netlab.Packet) bool { return strings.HasSuffix(string(p.Frame), scopeMarker) }
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	fromScanner := func(a netip.Addr) bool { return a == netlab.ScannerAddr || a == netlab.ScannerUplinkAddr }
	toTarget := 0
	for _, w := range ws {
		if _, err := w.WaitFor(ctx, isMarker); err != nil {
			t.Fatalf("the marker did not arrive: %v", err)
		}
		for _, p := range w.Stop() {
			switch {
			case isMarker(p) || !fromScanner(p.Src):
			case p.EtherType == netlab.EtherTypeARP && p.Dst == netlab.OutsideAddr:
				// The off-LAN marker's next hop; a probe sent off the LAN
				// would show as its IPv4 packet.
			case dry:
				t.Errorf("a dry run sent %v", p)
			case p.Dst != target:
				t.Errorf("sent to an address that is not the target: %v", p)
			case p.Outgoing && p.EtherType == netlab.EtherTypeIPv4:
				toTarget++
			}
		}
	}
	if !dry && toTarget == 0 {
		t.Error("the watchers saw no packet to the target: they cannot have seen one elsewhere either")
	}
}

// only returns the prober's observation of the one host the run found.
func only(t *testing.T, doc *discovery.Document, a netip.Addr, prober string) discovery.Observation {
	t.Helper()
	if len(doc.Hosts) != 1 || doc.Hosts[0].Addr != a {
		t.Fatalf("hosts %+v, want %v alone", doc.Hosts, a)
	}
	if len(doc.Hosts[0].Errors) > 0 {
		t.Errorf("errors %v", doc.Hosts[0].Errors)
	}
	return doc.Hosts[0].Observations[prober]
}

// wantLog checks the probe log, in order.
func wantLog(t *testing.T, recs []Record, sent bool, want ...string) {
	t.Helper()
	var got []string
	for _, r := range recs {
		got = append(got, r.Probe.String())
		if r.Sent != sent || r.Refused != "" {
			t.Errorf("%v: sent %v, refused %q", r.Probe, r.Sent, r.Refused)
		}
	}
	if diff := cmp.Diff(byProber(want), byProber(got)); diff != "" {
		t.Errorf("log (-want +got):\n%s", diff)
	}
}

// noSecrets fails if a community or pass phrase reached the document or
// the log.
func noSecrets(t *testing.T, doc *discovery.Document, recs []Record, secrets []string) {
	t.Helper()
	b, err := json.Marshal(struct {
		Doc  *discovery.Document
		Recs []Record
	}{doc, recs})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range secrets {
		if strings.Contains(string(b), s) {
			t.Errorf("%q is in the document or the log", s)
		}
	}
}

// attributed checks that the shipped catalogue attributes a device with
// these attributes to Hikvision by evidence of the kind given.
func attributed(t *testing.T, attrs []inventory.Attr, kind catalog.Kind) {
	t.Helper()
	cat, err := catalog.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	it := &inventory.Item{Type: inventory.Device, Name: "discovered", Attrs: attrs}
	at := attribute.New(cat).Attribute(it)
	if at == nil || at.Entity == nil || at.Entity.ID != "hikvision" {
		t.Fatalf("attribution %+v", at)
	}
	var kinds []string
	for _, ev := range at.Evidence {
		kinds = append(kinds, fmt.Sprintf("%s=%s", ev.Kind, ev.Value))
	}
	if !slices.ContainsFunc(at.Evidence, func(ev attribute.Evidence) bool { return ev.Kind == kind }) {
		t.Errorf("no %s evidence in %v", kind, kinds)
	}
}
