package scan

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/embargo-dev/embargo/attribute"
	"github.com/embargo-dev/embargo/catalog"
	"github.com/embargo-dev/embargo/inventory/intune/tenantgen"
	"github.com/embargo-dev/embargo/judge"
	"github.com/embargo-dev/embargo/policy"
	"github.com/embargo-dev/embargo/policy/systems"
	"github.com/embargo-dev/embargo/report"
)

// devicePacks are the built-in packs about government phones.
var devicePacks = []string{"uk-tiktok-govdevices-2023", "ca-tiktok-2023", "ca-wechat-kaspersky-2023", "eu-ec-tiktok-2023"}

// judgeDevices judges rep by the device packs, each device by what its
// manager says it is (no register, no tags).
func judgeDevices(t testing.TB, cat *catalog.Catalog, rep *report.Report) {
	t.Helper()
	var packs []*policy.Pack
	for _, id := range devicePacks {
		p, err := policy.BuiltinPack(id)
		if err != nil {
			t.Fatal(err)
		}
		packs = append(packs, p)
	}
	e, err := policy.NewEngine(cat, systems.UKScale(), packs...)
	if err != nil {
		t.Fatal(err)
	}
	j := &judge.Judge{Engine: e, Systems: judge.OneOff{}, Devices: rep.DeviceHosts(), Now: rep.Generated}
	rep.SetVerdict(j.Items(rep.Entries()))
}

// A tenant's Graph pages saved one file each (as a pull saves them) are
// read as one input: every device meets its apps, the links between
// pages are followed, and TikTok and WeChat are judged on the corporate
// devices only, by the bans whose scope they are in. With a page of
// devices missing, the links that lead to it are unknowns.
func TestIntuneTenantDirectory(t *testing.T) {
	dir := t.TempDir()
	if err := tenantgen.WriteTenant(dir, 2500, 40, 3); err != nil {
		t.Fatal(err)
	}
	cat, err := catalog.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Run(context.Background(), attribute.New(cat), []string{dir}, Options{Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Devices) != 2500 {
		t.Fatalf("%d devices", len(rep.Devices))
	}
	for _, d := range rep.Devices {
		if d.Apps != 40 || d.Name == "" {
			t.Fatalf("device %+v", d)
		}
	}
	if len(rep.Unknowns) != 0 {
		t.Errorf("unknowns: %v", rep.Unknowns[:min(3, len(rep.Unknowns))])
	}
	judgeDevices(t, cat, rep)
	owner := map[string]string{}
	for _, d := range rep.Devices {
		owner[d.Host] = string(d.Ownership)
	}
	byPack := map[string]int{}
	for _, f := range rep.Findings {
		if f.Device == nil || f.Device.ID == "" {
			t.Fatalf("finding without its device: %+v", f)
		}
		o := owner[f.Host]
		if f.Pack != "eu-ec-tiktok-2023" && o == "personal" {
			t.Errorf("%s judged on a personal device: %s", f.Pack, f.Host)
		}
		byPack[f.Pack]++
	}
	for _, p := range devicePacks {
		if byPack[p] == 0 {
			t.Errorf("no finding of %s in a tenant of 2,500 phones: %v", p, byPack)
		}
	}

	// The second page of devices lost: pages that lead to it are cut off.
	pages, _ := filepath.Glob(filepath.Join(dir, "managedDevices-*"))
	var last string
	for _, p := range pages {
		if data, err := os.ReadFile(p); err == nil && !strings.Contains(string(data), "@odata.nextLink") {
			last = p
		}
	}
	if last == "" {
		t.Fatal("no last page of devices")
	}
	if err := os.Remove(last); err != nil {
		t.Fatal(err)
	}
	rep, err = Run(context.Background(), attribute.New(cat), []string{dir}, Options{Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	cut := 0
	for _, u := range rep.Unknowns {
		if strings.Contains(u.Reason, "export is incomplete") {
			cut++
		}
	}
	if cut != len(pages)-1 {
		t.Errorf("%d pages said to be cut off, want %d", cut, len(pages)-1)
	}
}

// The benchmark's tenant: 10,000 devices of 150 apps, written once to a
// folder kept between runs (it is 340 MB; made again when absent).
const benchTenantDevices, benchTenantApps = 10_000, 150

var benchTenantDir = sync.OnceValues(func() (string, error) {
	dir := filepath.Join(os.TempDir(), "embargo-bench-intune-10000x150-s17")
	if _, err := os.Stat(dir + ".done"); err == nil {
		return dir, nil
	}
	os.RemoveAll(dir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	if err := tenantgen.WriteTenant(dir, benchTenantDevices, benchTenantApps, 17); err != nil {
		return "", err
	}
	return dir, os.WriteFile(dir+".done", nil, 0o644)
})

// BenchmarkIntuneTenant reads the tenant's 10,010 Graph pages as one
// input, attributes every app and judges every device by the device
// packs: what `embargo scan DIR --policy ...` does, without writing.
func BenchmarkIntuneTenant(b *testing.B) {
	dir, err := benchTenantDir()
	if err != nil {
		b.Fatal(err)
	}
	cat, err := catalog.Embedded()
	if err != nil {
		b.Fatal(err)
	}
	a := attribute.New(cat)
	b.ReportAllocs()
	for b.Loop() {
		rep, err := Run(context.Background(), a, []string{dir}, Options{Version: "bench"})
		if err != nil {
			b.Fatal(err)
		}
		judgeDevices(b, cat, rep)
		if len(rep.Items) != benchTenantDevices*benchTenantApps || len(rep.Devices) != benchTenantDevices || len(rep.Findings) == 0 {
			b.Fatalf("%d items, %d devices, %d findings", len(rep.Items), len(rep.Devices), len(rep.Findings))
		}
	}
}

// BenchmarkIntuneTenantFloor reads the same files and decodes them with
// encoding/json alone into the documented resources: the floor
// BenchmarkIntuneTenant is measured against (issue 17: under 2×).
func BenchmarkIntuneTenantFloor(b *testing.B) {
	dir, err := benchTenantDir()
	if err != nil {
		b.Fatal(err)
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		var apps, devices int
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				b.Fatal(err)
			}
			a, d, err := tenantgen.DecodeFloor(filepath.Base(f), data)
			if err != nil {
				b.Fatal(err)
			}
			apps, devices = apps+a, devices+d
		}
		if apps != benchTenantDevices*benchTenantApps || devices != benchTenantDevices {
			b.Fatalf("%d apps, %d devices", apps, devices)
		}
	}
}
