package judge

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/embargo-dev/embargo/attribute"
	"github.com/embargo-dev/embargo/catalog"
	"github.com/embargo-dev/embargo/inventory"
	"github.com/embargo-dev/embargo/policy"
	"github.com/embargo-dev/embargo/policy/systems"
	"github.com/embargo-dev/embargo/report"
)

// BenchmarkApplyEstate judges an estate by every built-in pack: 1,000
// systems of a register (classifications and tags varied) × 2,000 items
// each, 1% of them attributed to restricted products, through the whole
// judge: host matching, rules, findings, waivers and ordering. The issue's
// budget is 2 s per op on one core.
//
//	go test -run '^$' -bench ApplyEstate -benchtime 3x -count 5 -cpu 1 ./policy/judge
func BenchmarkApplyEstate(b *testing.B) {
	const nSystems, nItems = 1000, 2000
	cat, err := catalog.Embedded()
	if err != nil {
		b.Fatal(err)
	}
	packs, err := policy.Packs()
	if err != nil {
		b.Fatal(err)
	}
	reg, err := systems.Load("estate.yaml", []byte(estateRegister(nSystems)))
	if err != nil {
		b.Fatal(err)
	}
	e, err := policy.NewEngine(cat, reg.Scale, packs...)
	if err != nil {
		b.Fatal(err)
	}
	rep := estateReport(b, cat, nSystems, nItems)
	j := &Judge{Engine: e, Systems: reg, SystemsName: "estate.yaml", FailOn: policy.Prohibit}
	var findings int
	for b.Loop() {
		rep.Findings, rep.Policy, rep.Summary.Findings = nil, nil, nil
		apply(j, rep)
		findings = len(rep.Findings)
	}
	b.ReportMetric(float64(findings), "findings")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(nSystems*nItems), "ns/pair")
}

// estateRegister is a register of n systems, host-<i>, cycling through
// the scale and the tags the packs read.
func estateRegister(n int) string {
	levels := []string{"OFFICIAL", "SECRET", "TOP SECRET"}
	tags := [][]string{{"government-device"}, {"national-security"}, {"federal-information-system"},
		{"critical-national-infrastructure", "sensitive-site"}, {}}
	var sb strings.Builder
	sb.WriteString("default:\n  classification: OFFICIAL\nsystems:\n")
	for i := range n {
		fmt.Fprintf(&sb, "  - id: sys-%d\n    classification: %s\n    tags: [%s]\n    match:\n      hosts: [host-%d]\n",
			i, levels[i%len(levels)], strings.Join(tags[i%len(tags)], ", "), i)
	}
	return sb.String()
}

// estateReport is n hosts × m items; every hundredth item is one of a
// few restricted products, attributed by the real attributor.
func estateReport(b *testing.B, cat *catalog.Catalog, n, m int) *report.Report {
	a := attribute.New(cat)
	restricted := []inventory.Item{
		{Type: inventory.Package, Ecosystem: "deb", Name: "kesl"},
		{Type: inventory.Application, Ecosystem: "android", Name: "TikTok", Attrs: []inventory.Attr{{Field: inventory.BundleID, Value: "com.zhiliaoapp.musically"}}},
		{Type: inventory.Application, Ecosystem: "windows", Name: "WeChat", Attrs: []inventory.Attr{{Field: inventory.Publisher, Value: "Tencent Technology (Shenzhen) Company Limited"}}},
		{Type: inventory.Application, Ecosystem: "windows", Name: "Hik-Connect", Attrs: []inventory.Attr{{Field: inventory.Publisher, Value: "Hangzhou Hikvision Digital Technology Co., Ltd."}}},
	}
	rep := &report.Report{Generated: time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC), Items: make([]report.Entry, 0, n*m)}
	attributed := 0
	for h := range n {
		host := fmt.Sprintf("host-%d", h)
		for i := range m {
			var it inventory.Item
			if i%100 == 0 {
				it = restricted[(i/100+h)%len(restricted)]
				it.Attrs = append([]inventory.Attr(nil), it.Attrs...)
			} else {
				it = inventory.Item{Type: inventory.Package, Ecosystem: "deb", Name: fmt.Sprintf("pkg-%d", i), Version: "1.0"}
			}
			it.Location = inventory.Location{Source: "/var/lib/dpkg/status", Host: host}
			it.SetID()
			e := report.Entry{Item: &it}
			if i%100 == 0 {
				e.Attribution = a.Attribute(&it)
				if e.Attribution != nil {
					attributed++
				}
			}
			rep.Items = append(rep.Items, e)
		}
	}
	if attributed < n*m/100*3/4 {
		b.Fatalf("only %d of %d restricted items attributed; the fixture is wrong", attributed, n*m/100)
	}
	return rep
}
