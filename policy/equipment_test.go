package policy

import (
	"bufio"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/attribute"
	"github.com/embargo-dev/embargo/catalog"
	"github.com/embargo-dev/embargo/internal/testtool"
	"github.com/embargo-dev/embargo/inventory"
	"github.com/embargo-dev/embargo/policy/systems"
)

func TestDeviceCategory(t *testing.T) {
	tests := []struct{ in, want string }{
		// Nmap's types, whole.
		{"webcam", VideoSurveillance},
		{"broadband router", Telecommunications},
		{"WAP", Telecommunications},
		{"VoIP phone", Phone},
		{"general purpose", Computer},
		{"storage-misc", Storage},
		{"print server", Printer},
		{"power-device", OtherEquipment},
		{"media device", ""}, // Hikvision's DVRs and TVs alike
		{"specialized", ""},
		{"security-misc", ""},
		// Registers' free text, by whole words whatever the case.
		{"CCTV camera", VideoSurveillance},
		{"NVR", VideoSurveillance},
		{"Network Video Recorder", VideoSurveillance},
		{"IP-Camera (PTZ)", VideoSurveillance},
		{"Core switch", Telecommunications},
		{"Wireless access point", Telecommunications},
		{"Two-way radio", Telecommunications},
		{"UAS", Drone},
		{"UAV", Drone},
		{"Drone; inspection", Drone},
		{"Laptop", Computer},
		{"Network printer", Printer}, // "network" names nothing
		{"NAS", Storage},
		{"IP phone", Phone},
		{"UPS", OtherEquipment},
		// The category a rule is likeliest to cover wins.
		{"Camera server", VideoSurveillance},
		{"Drone controller tablet", Drone},
		// Whole words only.
		{"Dronebox", ""},
		{"Switchboard", ""},
		{"Uavionix", ""},
		{"Cameraman", ""},
		{"", ""},
		{"Bürogerät", ""},
	}
	for _, tt := range tests {
		if got := DeviceCategory(tt.in); got != tt.want {
			t.Errorf("DeviceCategory(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestNmapDeviceTypes: every device type of the installed Nmap's OS and
// service databases has an entry, so that no Nmap type is read as free
// text by accident.
func TestNmapDeviceTypes(t *testing.T) {
	found := map[string]bool{}
	class := regexp.MustCompile(`^Class [^|]*\|[^|]*\|[^|]*\|\s*(.+?)\s*$`)
	service := regexp.MustCompile(` d/([^/]+)/`)
	for _, f := range []struct {
		path string
		re   *regexp.Regexp
	}{{"/usr/share/nmap/nmap-os-db", class}, {"/usr/share/nmap/nmap-service-probes", service}} {
		file, err := os.Open(testtool.File(t, f.path, "nmap-common"))
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(file)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			for _, m := range f.re.FindAllStringSubmatch(sc.Text(), -1) {
				found[strings.ToLower(m[1])] = true
			}
		}
		file.Close()
		if err := sc.Err(); err != nil {
			t.Fatalf("%s: %v", f.path, err)
		}
	}
	if len(found) < 20 {
		t.Fatalf("only %d device types found in Nmap's databases", len(found))
	}
	var missing []string
	for typ := range found {
		if _, ok := nmapTypes[typ]; !ok {
			missing = append(missing, typ)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("Nmap device types without an entry in nmapTypes: %q", missing)
	}
}

func TestEquipmentOf(t *testing.T) {
	cat := testCatalog(t)
	hik := cat.Entity("hikvision")
	camera := &attribute.Attribution{Candidate: attribute.Candidate{Product: cat.Product("hikvision-video-surveillance"), Entity: hik}}
	entityOnly := &attribute.Attribution{Candidate: attribute.Candidate{Entity: hik}}
	device := func(types ...string) *inventory.Item {
		it := &inventory.Item{Type: inventory.Device, Name: "d"}
		for _, typ := range types {
			it.Add(inventory.DeviceType, typ)
		}
		return it
	}
	tests := []struct {
		name string
		it   *inventory.Item
		at   *attribute.Attribution
		want string
	}{
		{"software is not equipment", &inventory.Item{Type: inventory.Application, Name: "iVMS-4200"}, camera, ""},
		{"software whose product is storage", &inventory.Item{Type: inventory.Application, Name: "Yandex Disk"},
			&attribute.Attribution{Candidate: attribute.Candidate{Product: cat.Product("yandex-disk")}}, ""},
		{"a device nothing classifies", device(), entityOnly, ""},
		{"an Nmap webcam", device("webcam"), entityOnly, VideoSurveillance},
		{"the product says what a device is", device(), camera, VideoSurveillance},
		{"a recorder Nmap calls media device on general purpose Linux stays unknown", device("media device", "general purpose"), entityOnly, ""},
		{"general purpose alone is a computer", device("general purpose"), entityOnly, Computer},
		{"the product outranks a weak guess", device("media device", "general purpose"), camera, VideoSurveillance},
		{"a register's category and the product disagree", device("NAS"), camera, VideoSurveillance},
		{"a NAS", device("NAS"), entityOnly, Storage},
		{"a MAC makes an item equipment", &inventory.Item{Type: inventory.Other, Attrs: []inventory.Attr{
			{Field: inventory.MAC, Value: "04:03:12:aa:bb:01"}, {Field: inventory.DeviceType, Value: "IP camera"}}}, nil, VideoSurveillance},
		{"no item", nil, camera, ""},
	}
	for _, tt := range tests {
		if got := EquipmentOf(tt.it, tt.at); got != tt.want {
			t.Errorf("%s: EquipmentOf = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestTagsOf(t *testing.T) {
	tags := func(vals ...string) *inventory.Item {
		it := &inventory.Item{Name: "x"}
		for _, v := range vals {
			it.Add(inventory.Tag, v)
		}
		return it
	}
	tests := []struct {
		name string
		it   *inventory.Item
		want []string
	}{
		{"none", tags(), []string{}},
		{"nil item", nil, []string{}},
		{"one per attribute", tags("s889-no-user-data", "lab"), []string{"lab", "s889-no-user-data"}},
		{"a list in one", tags(" S889-No-User-Data ; lab|lab, ,"), []string{"lab", "s889-no-user-data"}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, TagsOf(tt.it)); diff != "" {
			t.Errorf("%s: TagsOf (-want +got):\n%s", tt.name, diff)
		}
	}
}

// byEntity is an attribution to a catalogued entity alone, as a MAC
// address block or a register's manufacturer gives it.
func byEntity(t *testing.T, cat *catalog.Catalog, id string) *attribute.Attribution {
	t.Helper()
	e := cat.Entity(id)
	if e == nil {
		t.Fatalf("no entity %q", id)
	}
	return &attribute.Attribution{Candidate: attribute.Candidate{Entity: e}, Tier: catalog.TierProduct, Chain: cat.Chain(e)}
}

// TestEquipmentRules judges register rows as the scan does: one system's
// evaluator, shared by items of the same maker that differ only in
// category and tags, so that what decides a rule once per attribution
// must tell them apart.
func TestEquipmentRules(t *testing.T) {
	cat := testCatalog(t)
	e := packsEngine(t, "us-ndaa19-s889", "us-fcc-covered-list", "us-asda-2023")
	row := func(name, typ string, tags ...string) *inventory.Item {
		it := &inventory.Item{Type: inventory.Device, Ecosystem: "network", Name: name}
		it.Add(inventory.DeviceType, typ)
		for _, tag := range tags {
			it.Add(inventory.Tag, tag)
		}
		it.SetID()
		return it
	}
	site := systems.System{ID: "hq", Classification: "OFFICIAL", Tags: []string{systems.TagSensitiveSite}}
	tests := []struct {
		name   string
		it     *inventory.Item
		entity string
		want   []string // pack/rule
	}{
		{"a Hikvision camera", row("DS-2CD2143G2-I", "CCTV camera"), "hikvision",
			[]string{"us-fcc-covered-list/fcc-surveillance-covered-use", "us-ndaa19-s889/s889-a1a-surveillance"}},
		{"the same camera, no user data", row("DS-2CD2143G2-I", "CCTV camera", TagS889NoUserData), "hikvision",
			[]string{"us-fcc-covered-list/fcc-surveillance-covered-use", "us-ndaa19-s889/s889-exception-no-user-data"}},
		{"a Hikvision NAS", row("H100", "NAS"), "hikvision", nil},
		{"a Hikvision recorder Nmap cannot place", row("DS-7608NI", "media device"), "hikvision",
			[]string{"us-fcc-covered-list/fcc-surveillance-category-unknown", "us-ndaa19-s889/s889-surveillance-category"}},
		{"a Huawei router", row("AR651", "router"), "huawei-technologies",
			[]string{"us-fcc-covered-list/fcc-huawei-zte", "us-ndaa19-s889/s889-a1a-huawei-zte"}},
		{"a Huawei laptop", row("MateBook", "laptop"), "huawei-technologies",
			[]string{"us-fcc-covered-list/fcc-huawei-zte-category", "us-ndaa19-s889/s889-huawei-zte-category"}},
		{"a DJI drone", row("Mavic 3", "UAV"), "dji",
			[]string{"us-asda-2023/asda-dji-uas", "us-fcc-covered-list/fcc-dji-autel-drones"}},
		{"a DJI drone claimed exempt", row("Mavic 3", "UAV", TagASDAExemption), "dji",
			[]string{"us-asda-2023/asda-exemption-claimed", "us-fcc-covered-list/fcc-dji-autel-drones"}},
	}
	ev := e.ForSystemWith(site, e.NewMemo())
	for _, round := range []string{"first", "remembered"} {
		for _, tt := range tests {
			var got []string
			for _, f := range ev.Evaluate(tt.it, byEntity(t, cat, tt.entity)) {
				if f.Error != "" {
					t.Errorf("%s: rule %s: %s", tt.name, f.Rule, f.Error)
				}
				got = append(got, f.Pack+"/"+f.Rule)
			}
			sort.Strings(got)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("%s (%s): findings (-want +got):\n%s", tt.name, round, diff)
			}
		}
	}
}

// TestItemVarsFilled: the item's category and tags reach the rules, and
// a rule that reads them is still decided once per attribution.
func TestItemVarsFilled(t *testing.T) {
	p, err := LoadPack("eq.yaml", []byte(`id: eq
title: reads the item's category and tags
instrument: us-ndaa19-s889
rules:
  - id: camera-lab
    clause: a clause long enough to cite
    effect: warn
    severity: low
    when: item.equipment == "video_surveillance" && "lab" in item.tags && item.tier == "product"
`))
	if err != nil {
		t.Fatal(err)
	}
	e, err := NewEngine(testCatalog(t), systems.UKScale(), p)
	if err != nil {
		t.Fatal(err)
	}
	if e.rules[0].usesItem || e.anyUsesItem {
		t.Error("a rule reading item.equipment and item.tags is decided per item")
	}
	it := &inventory.Item{ID: "I-1", Type: inventory.Device, Attrs: []inventory.Attr{{Field: inventory.DeviceType, Value: "webcam"}, {Field: inventory.Tag, Value: "lab"}}}
	sys := systems.System{ID: "s", Classification: "OFFICIAL"}
	at := byEntity(t, testCatalog(t), "dahua")
	if got := e.Evaluate(sys, it, at); len(got) != 1 {
		t.Errorf("findings = %+v, want the one rule", got)
	}
	it.Attrs = it.Attrs[:1]
	if got := e.Evaluate(sys, it, at); len(got) != 0 {
		t.Errorf("without the tag: findings = %+v", got)
	}
}

// TestExampleDeviceFields: an example's item may give a device type and
// tags, which make it the equipment a register row would be.
func TestExampleDeviceFields(t *testing.T) {
	p, err := LoadPack("ex.yaml", []byte(head+`    when: item.type == "device" && item.equipment == "drone" && "lab" in item.tags
examples:
  - name: a drone of the lab
    item: {name: x, device_type: UAV, tags: [lab]}
    expect: caught
  - name: the same as an application
    item: {name: x, type: application, device_type: UAV, tags: [lab]}
    expect: pass
  - name: untagged
    item: {name: x, device_type: UAV}
    expect: pass
`))
	if err != nil {
		t.Fatal(err)
	}
	x := p.Examples[0]
	if x.DeviceType != "UAV" || !cmp.Equal(x.ItemTags, []string{"lab"}) {
		t.Errorf("example = %+v", x)
	}
	e, err := NewEngine(testCatalog(t), systems.UKScale(), p)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range e.RunExamples(p) {
		if r.Failed() {
			t.Error(r.Problem)
		}
	}
	if _, err := LoadPack("ex.yaml", []byte(head+"    when: true\nexamples:\n  - name: n\n    item: {device_typ: UAV}\n    expect: pass\n")); err == nil ||
		!strings.Contains(err.Error(), `unknown key "device_typ"`) {
		t.Errorf("a misspelt item key: %v", err)
	}
}
