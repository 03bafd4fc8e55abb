package attribute

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/catalog"
	"github.com/embargo-dev/embargo/inventory"
)

// TestEquipment checks, against the shipped catalogue, how equipment on
// the network is attributed: by its MAC's IEEE block, its SNMP
// enterprise number, its web server and certificate, and by the label on
// the box only when a rebrand fact covers it.
func TestEquipment(t *testing.T) {
	cat, err := catalog.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	a := New(cat)
	type sold struct {
		Label     string
		Field     inventory.Field
		Rebrand   string
		Disagrees bool
	}
	type want struct {
		Entity     string
		Confidence string
		Kind       catalog.Kind
		SoldAs     *sold
	}
	device := func(name string, attrs ...string) *inventory.Item { return item(inventory.Device, "", name, attrs...) }
	const (
		hikMAC   = "44:19:b6:12:34:56" // IEEE MA-L 44:19:B6, Hangzhou Hikvision Digital Technology
		dahuaMAC = "3c:ef:8c:12:34:56" // IEEE MA-L 3C:EF:8C, Zhejiang Dahua Technology
		hikOID   = "1.3.6.1.4.1.39165.1.1"
	)
	tests := []struct {
		name string
		item *inventory.Item
		want *want
	}{
		{"a rebranded camera: Acme on the box, Hikvision's OUI and enterprise number",
			device("Acme Cam 4MP", "manufacturer", "Acme", "mac", hikMAC, "snmp_sysobjectid", hikOID),
			&want{"hikvision", "high", catalog.OUI, &sold{"Acme", "manufacturer", "", true}}},
		{"the same camera by its MAC alone", device("cam", "manufacturer", "Acme", "mac", "44-19-B6-12-34-56"),
			&want{"hikvision", "high", catalog.OUI, &sold{"Acme", "manufacturer", "", true}}},
		{"a Lorex recorder bought within the rebrand period, by the fact alone",
			device("Lorex 4K NVR", "manufacturer", "Lorex", "model", "N841", "acquired", "2020-06-15"),
			&want{"dahua", "medium", catalog.RebrandKind, &sold{"Lorex", "manufacturer", "lorex-dahua-subsidiary", false}}},
		{"a Lorex recorder named so, bought within the period", device("Lorex 4K NVR", "acquired", "2021-03"),
			&want{"dahua", "medium", catalog.RebrandKind, &sold{"Lorex", "name", "lorex-dahua-subsidiary", false}}},
		{"the same label after the period is not Dahua by the fact", device("Lorex 4K NVR", "manufacturer", "Lorex", "acquired", "2024-03-01"), nil},
		{"the same label with no date is not Dahua by the fact", device("Lorex 4K NVR", "manufacturer", "Lorex"), nil},
		{"after the period with Dahua's OUI: Dahua, and the label disagrees",
			device("Lorex 4K NVR", "manufacturer", "Lorex", "mac", dahuaMAC, "acquired", "2024-03-01"),
			&want{"dahua", "high", catalog.OUI, &sold{"Lorex", "manufacturer", "", true}}},
		{"within the period with Dahua's OUI: the fact is cited",
			device("NVR", "manufacturer", "LOREX TECHNOLOGY INC", "mac", dahuaMAC, "acquired", "2019-01-10"),
			&want{"dahua", "high", catalog.OUI, &sold{"LOREX TECHNOLOGY INC", "manufacturer", "lorex-dahua-subsidiary", false}}},
		{"a consumer label alone is unattributed", device("Acme Cam", "manufacturer", "Acme"), nil},
		{"a label some of whose equipment is Hikvision's, alone, is unattributed", device("camera", "manufacturer", "Honeywell"), nil},
		{"that label with Hikvision's OUI cites the OEM fact", device("camera", "manufacturer", "Honeywell", "mac", hikMAC),
			&want{"hikvision", "high", catalog.OUI, &sold{"Honeywell", "manufacturer", "honeywell-hikvision-oem", false}}},
		{"Hikvision's own HiWatch brand with its OUI", device("camera", "manufacturer", "HiWatch", "mac", hikMAC),
			&want{"hikvision", "high", catalog.OUI, &sold{"HiWatch", "manufacturer", "hiwatch-hikvision", false}}},
		{"the maker's name on the label is no rebrand",
			device("camera", "manufacturer", "Hikvision", "mac", hikMAC, "mac_vendor", "Hangzhou Hikvision Digital Technology Co.,Ltd."),
			&want{"hikvision", "high", catalog.OUI, nil}},
		{"a locally administered MAC gives no OUI evidence", device("cam", "mac", "46:19:b6:12:34:56"), nil},
		{"a multicast MAC gives no OUI evidence", device("cam", "mac", "45:19:b6:12:34:56"), nil},
		{"a private block's vendor names no organisation", device("sensor", "mac_vendor", "Private"), nil},
		{"the IEEE's own blocks name no organisation", device("sensor", "mac", "70:b3:d5:00:00:01", "mac_vendor", "IEEE Registration Authority"), nil},
		{"Huawei's enterprise number 2011", device("switch", "snmp_sysobjectid", "1.3.6.1.4.1.2011.2.23.1"),
			&want{"huawei-technologies", "medium", catalog.SNMPEnterprise, nil}},
		{"20110 is not 2011", device("switch", "snmp_sysobjectid", "1.3.6.1.4.1.20110.1"), nil},
		{"a Hikvision web server banner alone is weak", device("cam", "http_server", "DNVRS-Webs"),
			&want{"hikvision", "low", catalog.HTTPServer, nil}},
		{"a generic banner is nobody's", device("cam", "http_server", "Webs"), nil},
		{"a Dahua device certificate", device("cam", "tls_subject", "OU=DAHUATECH,O=DAHUA,L=HANGZHOU,ST=ZHEJIANG,C=CN,CN=192.168.1.108"),
			&want{"dahua", "low", catalog.TLSSubject, nil}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			at := a.Attribute(tc.item)
			var got *want
			if at != nil {
				got = &want{Entity: at.Entity.ID, Confidence: at.Confidence.String(), Kind: at.Evidence[0].Kind}
				if s := at.SoldAs; s != nil {
					got.SoldAs = &sold{Label: s.Label, Field: s.Field, Disagrees: s.Disagrees}
					if s.Rebrand != nil {
						got.SoldAs.Rebrand = s.Rebrand.ID
					}
				}
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestSoldAsNote checks that a label a fact does not cover says why.
func TestSoldAsNote(t *testing.T) {
	cat, err := catalog.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	at := New(cat).Attribute(item(inventory.Device, "", "NVR", "manufacturer", "Lorex", "mac", "3c:ef:8c:12:34:56"))
	if at == nil || at.SoldAs == nil {
		t.Fatalf("attribution %+v", at)
	}
	const want = "rebrand lorex-dahua-subsidiary does not cover the item: the item's date is unknown and the fact holds from 2018-02-06 until 2022-11-23"
	if at.SoldAs.Note != want {
		t.Errorf("note %q, want %q", at.SoldAs.Note, want)
	}
	if v := at.View(); v.SoldAs == nil || MadeByEvidence(v).Kind != catalog.OUI {
		t.Errorf("view %+v", v.SoldAs)
	}
	// Software has publishers, not labels: another supplier named beside
	// its publisher is no rebrand.
	sw := New(cat).Attribute(item(inventory.Application, "windows", "Thing", "publisher", "AO Kaspersky Lab", "supplier", "Acme"))
	if sw == nil || sw.SoldAs != nil {
		t.Errorf("software attribution %+v", sw)
	}
}
