package judge

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/attribute"
	"github.com/embargo-dev/embargo/catalog"
	"github.com/embargo-dev/embargo/inventory"
	"github.com/embargo-dev/embargo/policy"
	"github.com/embargo-dev/embargo/policy/systems"
)

func TestDeviceTags(t *testing.T) {
	for _, tc := range []struct {
		name string
		d    inventory.ManagedDevice
		want []string
	}{
		{"corporate iPhone", inventory.ManagedDevice{Platform: "ios", Ownership: inventory.Corporate},
			[]string{"government-device", "mdm-enrolled", "mobile-device"}},
		{"shared Android tablet", inventory.ManagedDevice{Platform: "android", Ownership: inventory.Shared},
			[]string{"government-device", "mdm-enrolled", "mobile-device"}},
		{"personal phone's work profile", inventory.ManagedDevice{Platform: "android", Ownership: inventory.Personal, Scope: inventory.ScopeWorkProfile},
			[]string{"mdm-enrolled", "mobile-device", "personal-device", "work-profile"}},
		{"personal iPhone, user enrolment", inventory.ManagedDevice{Platform: "ios", Ownership: inventory.Personal, Scope: inventory.ScopeManaged},
			[]string{"managed-apps-only", "mdm-enrolled", "mobile-device", "personal-device"}},
		{"laptop of unknown ownership", inventory.ManagedDevice{Platform: "windows"},
			[]string{"government-device", "mdm-enrolled", "ownership-unknown"}},
	} {
		if diff := cmp.Diff(tc.want, DeviceTags(&tc.d)); diff != "" {
			t.Errorf("%s: (-want +got)\n%s", tc.name, diff)
		}
	}
}

// TestDevicesJudgedByTheirOwnScope: with no --tag, the UK and Canadian
// TikTok bans catch TikTok on a corporate phone and on a phone whose
// ownership is unknown, not on a personal phone's work profile, which the
// European Commission's notice does cover; a register's label selector
// places devices by what their manager says.
func TestDevicesJudgedByTheirOwnScope(t *testing.T) {
	cat, err := catalog.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	var packs []*policy.Pack
	for _, id := range []string{"uk-tiktok-govdevices-2023", "ca-tiktok-2023", "eu-ec-tiktok-2023"} {
		p, err := policy.BuiltinPack(id)
		if err != nil {
			t.Fatal(err)
		}
		packs = append(packs, p)
	}
	reg, err := systems.Load("systems.yaml", []byte(`
systems:
  - id: intune-fleet
    name: Phones managed in Intune
    department: Home Office
    classification: OFFICIAL
    match: {labels: ["mdm=intune"]}
`))
	if err != nil {
		t.Fatal(err)
	}
	e, err := policy.NewEngine(cat, reg.Scale, packs...)
	if err != nil {
		t.Fatal(err)
	}
	devices := map[string]*inventory.ManagedDevice{}
	a := attribute.New(cat)
	var items []*inventory.Item
	for _, d := range []inventory.ManagedDevice{
		{Host: "intune:corp", MDM: "intune", Platform: "ios", Ownership: inventory.Corporate},
		{Host: "intune:byod", MDM: "intune", Platform: "android", Ownership: inventory.Personal, Scope: inventory.ScopeWorkProfile},
		{Host: "jamf:unknown", MDM: "jamf", Platform: "ipados"},
	} {
		devices[d.Host] = &d
		it := &inventory.Item{Type: inventory.Application, Ecosystem: "android", Name: "TikTok", Location: inventory.Location{Source: "pages", Host: d.Host}}
		it.Add(inventory.AndroidID, "com.zhiliaoapp.musically")
		it.SetID()
		items = append(items, it)
	}
	j := &Judge{Engine: e, Systems: reg, Devices: devices, Now: now}
	v := j.Items(func(yield func(*inventory.Item, *attribute.Attribution) bool) {
		for _, it := range items {
			if !yield(it, a.Attribute(it)) {
				return
			}
		}
	})
	got := map[string][]string{}
	systemOf := map[string]string{}
	for _, f := range v.Findings {
		got[f.Host] = append(got[f.Host], f.Pack)
		systemOf[f.Host] = f.SystemName
		if f.Host == "jamf:unknown" && !slices.Contains(f.Tags, "ownership-unknown") {
			t.Errorf("finding on a device of unknown ownership without the tag: %v", f.Tags)
		}
	}
	for h := range got {
		slices.Sort(got[h])
	}
	want := map[string][]string{
		"intune:corp":  {"ca-tiktok-2023", "eu-ec-tiktok-2023", "uk-tiktok-govdevices-2023"},
		"intune:byod":  {"eu-ec-tiktok-2023"},
		"jamf:unknown": {"ca-tiktok-2023", "eu-ec-tiktok-2023", "uk-tiktok-govdevices-2023"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("packs per device (-want +got)\n%s", diff)
	}
	if systemOf["intune:corp"] != "Phones managed in Intune" || systemOf["jamf:unknown"] == "Phones managed in Intune" {
		t.Errorf("systems by label: %v", systemOf)
	}
}
