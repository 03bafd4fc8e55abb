package enforce

import (
	"encoding/json"
	"net/netip"
	"os/exec"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The equipment a scan attributed to a blocked entity is quarantined by
// its addresses; other items, other suppliers' equipment and equipment
// without an address are not; the script passes `nft -c`.
func TestAddQuarantine(t *testing.T) {
	device := func(name, supplier, ip string) map[string]any {
		it := observedItem(name, supplier, nil, [2]string{"ip", ip}, [2]string{"mac", "44:19:b6:00:00:01"})
		it["type"] = "device"
		return it
	}
	items := []map[string]any{
		device("DS-2CD2043G2-I", "hikvision", "10.20.0.7"),
		device("DS-7608NI", "hikvision", "2001:db8::7"),
		device("Acme Cam", "hikvision", "10.20.0.7"), // the same address twice
		device("Axis P3245", "axis", "10.20.0.9"),
		device("label only", "", "10.20.0.11"),
		device("no address", "hikvision", "not-an-address"),
		observedItem("c/hik.exe", "hikvision", nil, [2]string{"ip", "10.20.0.12"}), // software, not equipment
	}
	doc, err := json.Marshal(map[string]any{"items": items})
	if err != nil {
		t.Fatal(err)
	}
	tg := &Targets{Entities: []string{"hikvision"}}
	n, err := tg.AddQuarantine("scan.json", doc)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, q := range tg.Quarantine {
		got = append(got, q.Addr.String()+" "+q.Entity+" "+q.Name)
	}
	want := []string{"10.20.0.7 hikvision DS-2CD2043G2-I", "2001:db8::7 hikvision DS-7608NI"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("quarantined (-want +got):\n%s", diff)
	}
	if n != 3 {
		t.Errorf("added %d, want 3 (one address twice)", n)
	}
	tg.Prefixes = []Prefix{{Prefix: netip.MustParsePrefix("192.0.2.0/24"), Entity: "hikvision"}}
	out := emit(t, &NFTables{}, tg)
	for _, s := range []string{"set quarantine_v4", "10.20.0.7 comment", "2001:db8::7 comment", "chain quarantine_forward", "ip saddr @quarantine_v4"} {
		if !strings.Contains(string(out), s) {
			t.Errorf("the script lacks %q", s)
		}
	}
	nft := tool(t, "nft", "nftables")
	if out, err := exec.Command(nft, "-c", "-f", writeTemp(t, "q.nft", out)).CombinedOutput(); err != nil {
		t.Fatalf("nft -c -f rejected the script: %v\n%s", err, out)
	}
}
