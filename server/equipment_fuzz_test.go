package server

import (
	"testing"

	"github.com/embargo-dev/embargo/attribute"
	"github.com/embargo-dev/embargo/catalog"
	"github.com/embargo-dev/embargo/store"
)

// FuzzEquipmentOf: whatever scan report an agent uploads, the equipment
// the server reads of it (its unknowns' MAC registrants left aside) is
// each piece with an item id, clipped to what the store keeps, never a
// panic.
func FuzzEquipmentOf(f *testing.F) {
	f.Add(equipmentScan(f, dwpRegister, hmrcRegister))
	f.Add([]byte(`{"schema_version":"1.0","items":[{"id":"I-1","type":"device","ecosystem":"network","name":"cam","location":{"source":"s"},
		"attributes":[{"field":"mac","value":"44:19:b6:12:34:56"},{"field":"manufacturer","value":"Acme"},{"field":"site","value":"Leeds"}]},
		{"type":"device","ecosystem":"network","name":"no id","location":{"source":"s"}}],
		"unknowns":[{"location":{"source":"s"},"reason":"r","mac_registrant":{"mac":"x"}}]}`))
	cat, err := catalog.Embedded()
	if err != nil {
		f.Fatal(err)
	}
	attr := attribute.New(cat)
	f.Fuzz(func(t *testing.T, data []byte) {
		rep, err := decodeScanReport(data)
		if err != nil {
			return
		}
		for i := range rep.Items {
			rep.Items[i].Attribution = attr.Attribute(rep.Items[i].Item)
		}
		for _, e := range equipmentOf(rep, cat) {
			if e.ItemID == "" || len(e.Evidence) > store.MaxEquipmentSignals {
				t.Fatalf("equipment %+v", e)
			}
			for _, s := range []string{e.Name, e.Site, e.IP, e.MAC, e.Model, e.Source} {
				if len(s) > store.MaxDeviceField {
					t.Fatalf("a field of %d bytes", len(s))
				}
			}
			if (e.Supplier == nil) == (e.Confidence != "") {
				t.Fatalf("supplier %+v with confidence %q", e.Supplier, e.Confidence)
			}
		}
	})
}
