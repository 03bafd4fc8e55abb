package main

import (
	be "encoding/binary"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/embargo-dev/embargo/internal/testtool"
)

const zeekDir = "../../egress/zeek/testdata/"

type flowsReport struct {
	Traffic  flowsTraffic `json:"traffic"`
	Findings []struct {
		System, Rule, Effect string
	} `json:"findings"`
	Unknowns []struct{ Reason string } `json:"unknowns"`
}

type flowsTraffic struct {
	Stats struct {
		Flows, Bad int
	} `json:"stats"`
	Aggregates []struct {
		System, Destination, Entity string
		DecidedBy                   string `json:"decided_by"`
		BytesOut                    int    `json:"bytes_out"`
	} `json:"aggregates"`
	IPData struct{ Name string } `json:"ipdata"`
}

func flowsJSON(t *testing.T, args ...string) (flowsReport, int) {
	t.Helper()
	out, stderr, code := run(t, append([]string{"flows", "-o", "json"}, args...)...)
	var r flowsReport
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("flows %v: %v (exit %d)\n%s", args, err, code, stderr)
	}
	return r, code
}

// Zeek logs in a mix: DeepSeek's API is found by its name, the report
// names the IP data, bad lines make the run incomplete but never stop it.
func TestFlowsZeek(t *testing.T) {
	r, code := flowsJSON(t, zeekDir+"conn.log", zeekDir+"dns.log", zeekDir+"ssl.log")
	if code != 1 {
		t.Errorf("exit %d, want 1 (traffic to a catalogued entity)", code)
	}
	if r.Traffic.Stats.Flows == 0 || r.Traffic.Stats.Bad == 0 || len(r.Unknowns) == 0 || r.Traffic.IPData.Name == "" {
		t.Errorf("stats %+v, ipdata %q", r.Traffic.Stats, r.Traffic.IPData.Name)
	}
	if len(r.Traffic.Aggregates) == 0 || r.Traffic.Aggregates[0].Entity != "deepseek-hangzhou" && !strings.Contains(r.Traffic.Aggregates[0].Entity, "deepseek") {
		t.Errorf("first aggregate %+v, want DeepSeek's", r.Traffic.Aggregates)
	}
	for _, format := range []string{"table", "csv"} {
		out, _, code := run(t, "flows", "-o", format, zeekDir+"conn.log")
		if code == 2 || !strings.Contains(out, "one-off") {
			t.Errorf("-o %s: exit %d\n%s", format, code, out)
		}
	}
}

// With the egress pack, a SECRET source talking to DeepSeek's API is a
// prohibit finding; SARIF carries it; waivers and fail-on apply as for
// scans.
func TestFlowsPolicy(t *testing.T) {
	// The NCSC letter concerns Russia: a SECRET system's traffic to
	// DeepSeek (controlled from China) is not its business, traffic to
	// Kaspersky's Swiss network (controlled from Russia) is.
	cn := []string{zeekDir + "conn.log", zeekDir + "dns.log", zeekDir + "ssl.log", "--policy", "uk-ncsc-2017-russia-egress", "--classification", "SECRET"}
	if r, code := flowsJSON(t, cn...); code == 1 || len(r.Findings) != 0 { // 3: the fixtures' bad lines
		t.Errorf("traffic to China under the NCSC letter: exit %d, findings %+v", code, r.Findings)
	}
	args := []string{"testdata/zeek-ru/conn.log", "--policy", "uk-ncsc-2017-russia-egress", "--classification", "SECRET"}
	r, code := flowsJSON(t, args...)
	if code != 1 || len(r.Findings) == 0 || r.Findings[0].Effect != "prohibit" {
		t.Errorf("exit %d, findings %+v", code, r.Findings)
	}
	// explain prints the traffic's whole chain from the JSON report.
	js, _, _ := run(t, append([]string{"flows", "-o", "json"}, args...)...)
	file := filepath.Join(t.TempDir(), "flows.json")
	os.WriteFile(file, []byte(js), 0o600)
	var ids struct {
		Findings []struct{ ID string } `json:"findings"`
	}
	json.Unmarshal([]byte(js), &ids)
	ex, stderr, code := run(t, "explain", ids.Findings[0].ID, "--report", file)
	for _, want := range []string{"Traffic    from system one-off", "decided by asn: AS41983 matches AS41983", "Controlling country  RU",
		"Rule       ncsc-2017-egress-secret", "Waiver     none", "Judged by the built-in catalogue sha256:"} {
		if code != 0 || !strings.Contains(ex, want) {
			t.Errorf("explain of a traffic finding (exit %d, %s) lacks %q:\n%s", code, stderr, want, ex)
		}
	}
	out, _, _ := run(t, append([]string{"flows", "-o", "sarif"}, args...)...)
	if !strings.Contains(out, `"ruleId": "uk-ncsc-2017-russia-egress/ncsc-2017-egress-secret"`) {
		t.Errorf("SARIF lacks the finding:\n%s", out)
	}
	if _, stderr, code := run(t, "flows", "-o", "sarif", zeekDir+"conn.log"); code != 2 || !strings.Contains(stderr, "--policy") {
		t.Errorf("sarif without a policy: exit %d, %s", code, stderr)
	}
	if _, stderr, code := run(t, "flows", "nope.log"); code != 2 || !strings.Contains(stderr, "nope.log") {
		t.Errorf("a missing input: exit %d, %s", code, stderr)
	}
}

// embargo enforce -o nftables: the script loads in nft's check mode and
// blocks Kaspersky's networks by the prefixes the IP data gives its ASNs.
func TestEnforceNFTables(t *testing.T) {
	out, stderr, code := run(t, "enforce", "-o", "nftables", "--policy", "us-bod-17-01")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(out, "91.103.64.0/21") || !strings.Contains(out, "2a03:2480::/42") {
		t.Errorf("no Kaspersky prefixes in the script:\n%.2000s", out)
	}
	file := filepath.Join(t.TempDir(), "embargo.nft")
	os.WriteFile(file, []byte(out), 0o600)
	if msg, err := exec.Command(testtool.Command(t, "nft", "nftables"), "-c", "-f", file).CombinedOutput(); err != nil {
		t.Errorf("nft -c -f (Debian package nftables): %v\n%s", err, msg)
	}
	rpz, _, code := run(t, "enforce", "-o", "rpz", "--policy", "us-bod-17-01")
	if code != 0 || !strings.Contains(rpz, "*.kaspersky.com") || strings.Contains(rpz, "tiktok") {
		t.Errorf("rpz: exit %d\n%.1000s", code, rpz)
	}
}

// embargo data update builds a snapshot from upstream files; flows and
// data show use it.
func TestDataUpdate(t *testing.T) {
	dir := t.TempDir()
	snap := filepath.Join(dir, "ip.snapshot")
	out, stderr, code := run(t, "data", "update", "--from", "../../ipdata/testdata/ip2asn-combined-sample.tsv", "--output", snap)
	if code != 0 || !strings.Contains(out, "sha256:") {
		t.Fatalf("update: exit %d: %s%s", code, out, stderr)
	}
	cmd := exec.Command(binary, "data", "show", "5.255.200.1")
	cmd.Env = append(os.Environ(), "XDG_DATA_HOME="+t.TempDir())
	if o, err := cmd.Output(); err != nil || !strings.Contains(string(o), "AS13238") {
		t.Errorf("data show with the embedded data: %v\n%s", err, o)
	}
	r, _ := flowsJSON(t, zeekDir+"conn.log", "--ipdata", snap)
	if !strings.Contains(r.Traffic.IPData.Name, "updated") {
		t.Errorf("flows --ipdata used %q", r.Traffic.IPData.Name)
	}
	// From a URL, as users refresh from the source.
	srv := httptest.NewServer(http.FileServer(http.Dir("../../ipdata/testdata")))
	defer srv.Close()
	snap2 := filepath.Join(dir, "from-url.snapshot")
	if out, stderr, code := run(t, "data", "update", "--from", srv.URL+"/ip2asn-combined-sample.tsv", "--output", snap2); code != 0 {
		t.Errorf("update from a URL: exit %d: %s%s", code, out, stderr)
	}
	if _, stderr, code := run(t, "data", "update", "--from", srv.URL+"/missing.tsv", "--output", snap2); code != 2 || !strings.Contains(stderr, "404") {
		t.Errorf("update from a missing URL: exit %d: %s", code, stderr)
	}
	if _, stderr, code := run(t, "data", "update", "--from", zeekDir+"conn.log", "--output", snap); code != 2 || stderr == "" {
		t.Errorf("update from a Zeek log: exit %d, %s", code, stderr)
	}
}

// embargo flows listen receives a NetFlow v5 datagram and reports it.
func TestFlowsListen(t *testing.T) {
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := pc.LocalAddr().String()
	pc.Close()
	cmd := exec.Command(binary, "flows", "listen", "--netflow", addr, "--duration", "3s", "-o", "json", "--quiet")
	var out strings.Builder
	cmd.Stdout = &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	conn, err := net.Dial("udp", addr)
	if err != nil {
		t.Fatal(err)
	}
	for range 10 { // until the listener is up; each datagram is the same flow
		conn.Write(netflowV5(time.Now()))
		time.Sleep(100 * time.Millisecond)
	}
	cmd.Wait()
	var r flowsReport
	if err := json.Unmarshal([]byte(out.String()), &r); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if r.Traffic.Stats.Flows == 0 || len(r.Traffic.Aggregates) != 1 || r.Traffic.Aggregates[0].Entity != "kaspersky-lab-switzerland" || r.Traffic.Aggregates[0].DecidedBy != "asn" {
		t.Errorf("report %+v", r)
	}
}

// netflowV5 is one v5 export datagram with one record: 10.0.0.1:40000 to
// 91.103.64.10:443 (Kaspersky's Swiss network, registered to Kaspersky Lab
// Switzerland GmbH), 1,234 bytes.
func netflowV5(now time.Time) []byte {
	b := make([]byte, 24+48)
	be.BigEndian.PutUint16(b[0:], 5)
	be.BigEndian.PutUint16(b[2:], 1)
	be.BigEndian.PutUint32(b[4:], 100000) // uptime ms
	be.BigEndian.PutUint32(b[8:], uint32(now.Unix()))
	r := b[24:]
	copy(r[0:], []byte{10, 0, 0, 1})
	copy(r[4:], []byte{91, 103, 64, 10})
	be.BigEndian.PutUint32(r[16:], 3)     // packets
	be.BigEndian.PutUint32(r[20:], 1234)  // bytes
	be.BigEndian.PutUint32(r[24:], 90000) // first
	be.BigEndian.PutUint32(r[28:], 99000) // last
	be.BigEndian.PutUint16(r[32:], 40000)
	be.BigEndian.PutUint16(r[34:], 443)
	r[38] = 6
	return b
}

// --systems matches sources by the register's address ranges; a source
// in no range is the system "unregistered".
func TestFlowsSystems(t *testing.T) {
	r, _ := flowsJSON(t, zeekDir+"conn.log", zeekDir+"dns.log", zeekDir+"ssl.log", "testdata/zeek-ru/conn.log", "--systems", "testdata/flow-systems.yaml",
		"--policy", "uk-ncsc-2017-russia-egress")
	systems := map[string]bool{}
	for _, a := range r.Traffic.Aggregates {
		systems[a.System] = true
	}
	for _, want := range []string{"secure-lan", "office-lan", "unregistered"} {
		if !systems[want] {
			t.Errorf("no traffic from %s: %+v", want, r.Traffic.Aggregates)
		}
	}
	for _, f := range r.Findings {
		if f.System != "secure-lan" {
			t.Errorf("finding on %s, want only the SECRET secure-lan's: %+v", f.System, f)
		}
	}
	if len(r.Findings) == 0 {
		t.Error("no finding for the SECRET system's traffic to Kaspersky")
	}
}

// Waivers apply to traffic findings as to software: a waiver of the
// secure LAN's traffic waives its finding, one for another system is
// reported as deciding nothing.
func TestFlowsWaivers(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "waivers.yaml")
	os.WriteFile(file, []byte(`waivers:
  - id: lab-traffic
    scope:
      system: secure-lan
    rule: ncsc-2017-egress-secret
    reason: Malware analysis lab, traffic is the subject of study.
    approver: ciso@example.gov
    expiry: 2099-01-01
  - id: nothing
    scope:
      system: no-such-system
    reason: Matches no traffic.
    approver: ciso@example.gov
    expiry: 2099-01-01
`), 0o600)
	out, stderr, code := run(t, "flows", "-o", "json", zeekDir+"conn.log", zeekDir+"dns.log", zeekDir+"ssl.log", "testdata/zeek-ru/conn.log",
		"--systems", "testdata/flow-systems.yaml", "--policy", "uk-ncsc-2017-russia-egress", "--waivers", file)
	var r struct {
		Policy struct {
			UnusedWaivers []struct{ ID string } `json:"unused_waivers"`
		} `json:"policy"`
		Findings []struct{ State string } `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("%v: %s", err, stderr)
	}
	if code != 3 || len(r.Findings) == 0 || r.Findings[0].State != "waived" {
		t.Errorf("exit %d (want 3: waived, and bad lines), findings %+v", code, r.Findings)
	}
	if len(r.Policy.UnusedWaivers) != 1 || r.Policy.UnusedWaivers[0].ID != "nothing" {
		t.Errorf("unused waivers %+v", r.Policy.UnusedWaivers)
	}
}

// TestFlowsPolicyGroup: --policy uk judges by the UK's packs (the egress
// pack among them) and no other jurisdiction's.
func TestFlowsPolicyGroup(t *testing.T) {
	out, stderr, code := run(t, "flows", "-o", "json", "testdata/zeek-ru/conn.log", "--policy", "uk", "--classification", "SECRET")
	var r struct {
		Policy struct {
			Packs []struct{ ID string } `json:"packs"`
		} `json:"policy"`
		Findings []struct{ Pack string } `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("exit %d: %v\n%s", code, err, stderr)
	}
	var ids []string
	for _, p := range r.Policy.Packs {
		ids = append(ids, p.ID)
		if !strings.HasPrefix(p.ID, "uk-") {
			t.Errorf("--policy uk judged by %s", p.ID)
		}
	}
	if !slices.Contains(ids, "uk-ncsc-2017-russia-egress") || len(r.Findings) == 0 {
		t.Errorf("--policy uk: packs %v, %d findings; want the UK egress pack's finding", ids, len(r.Findings))
	}
}
