package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/embargo-dev/embargo/attribute"
	"github.com/embargo-dev/embargo/catalog"
	"github.com/embargo-dev/embargo/inventory"
)

// TestExplainSoldAs checks that equipment sold under another brand is
// explained as such, from an attribution and from a JSON report alike.
func TestExplainSoldAs(t *testing.T) {
	cat, err := catalog.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	a := attribute.New(cat)
	device := func(attrs ...string) *inventory.Item {
		it := &inventory.Item{ID: "I-1", Type: inventory.Device, Name: "camera"}
		for i := 0; i+1 < len(attrs); i += 2 {
			it.Add(inventory.Field(attrs[i]), attrs[i+1])
		}
		return it
	}
	tests := []struct {
		name string
		item *inventory.Item
		want string
	}{
		{"no fact covers the label", device("manufacturer", "Acme", "mac", "44:19:b6:12:34:56"),
			"Sold as   Acme, made by Hangzhou Hikvision Digital Technology Co., Ltd. (OUI 44:19:B6 (IEEE MA-L)); the label disagrees: no catalogued rebrand covers it\n"},
		{"a rebrand fact covers it", device("manufacturer", "Lorex", "acquired", "2020-06-15"),
			"Sold as   Lorex, made by Zhejiang Dahua Technology Co., Ltd. (rebrand of Lorex); rebrand lorex-dahua-subsidiary: Lorex sold dahua's equipment (all of the brand's equipment), from 2018-02-06 until 2022-11-23; source ipvm-usg-lorex-2021 https://ipvm.com/reports/usg-lorex, medium confidence\n"},
		{"a fact that does not cover it says why", device("manufacturer", "Lorex", "mac", "3c:ef:8c:12:34:56"),
			"          rebrand lorex-dahua-subsidiary does not cover the item: the item's date is unknown and the fact holds from 2018-02-06 until 2022-11-23\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := Entry{Item: tc.item, Attribution: a.Attribute(tc.item)}
			var direct bytes.Buffer
			if err := Explain(&direct, e); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(direct.String(), tc.want) {
				t.Errorf("explanation:\n%s\nwants the line\n%s", direct.String(), tc.want)
			}
			raw, err := json.Marshal(e)
			if err != nil {
				t.Fatal(err)
			}
			var stored bytes.Buffer
			if err := ExplainJSON(&stored, raw); err != nil {
				t.Fatal(err)
			}
			if stored.String() != direct.String() {
				t.Errorf("from JSON:\n%s\ndirect:\n%s", stored.String(), direct.String())
			}
		})
	}
}

// TestTableSoldAs checks the table's decision column for equipment sold
// under another brand.
func TestTableSoldAs(t *testing.T) {
	cat, err := catalog.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	it := &inventory.Item{ID: "I-1", Type: inventory.Device, Name: "camera"}
	it.Add(inventory.Manufacturer, "Acme")
	it.Add(inventory.MAC, "44:19:b6:12:34:56")
	r := &Report{Items: []Entry{{Item: it, Attribution: attribute.New(cat).Attribute(it)}}}
	var b bytes.Buffer
	if err := (Table{}).Encode(&b, r); err != nil {
		t.Fatal(err)
	}
	const want = "sold as Acme (label disagrees); OUI 44:19:B6 (IEEE MA-L)"
	if !strings.Contains(b.String(), want) {
		t.Errorf("table:\n%s\nwants %q", b.String(), want)
	}
}
