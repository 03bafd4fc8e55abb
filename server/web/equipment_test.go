package web

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/store"
)

// TestGroupEquipment: rows ordered by department and site become a
// heading each, equipment without a site under "(no site)"; each row
// says its model beside its name when they differ, the registrant of an
// unattributed device's MAC in words, and its status.
func TestGroupEquipment(t *testing.T) {
	cam := store.Equipment{Department: "DWP", Site: "Leeds", Name: "cam-gate", Model: "DS-2CD2143G2-I", Status: store.EquipmentHasFinding,
		Supplier: &store.EquipmentSupplier{ID: "hikvision"}}
	sw := store.Equipment{Department: "DWP", Site: "Leeds", Name: "C9200L-24T", Model: "C9200L-24T", Status: store.EquipmentUnknown,
		MACRegistrant: &store.MACRegistrant{MAC: "00:00:0c:12:34:56", Organization: "Cisco Systems, Inc", Registry: "MA-L", Prefix: "00000C"}}
	rtr := store.Equipment{Department: "DWP", Name: "AR651", Status: store.EquipmentWaived}
	prn := store.Equipment{Department: "HMRC", Site: "Croydon", Name: "printer", Status: store.EquipmentClear,
		MACRegistrant: &store.MACRegistrant{MAC: "00:d0:d0:01:02:03", Organization: "ZHONGXING TELECOM LTD.", Registry: "MA-L", Prefix: "00D0D0", CataloguedAs: "zte"}}
	got := groupEquipment([]store.Equipment{cam, sw, rtr, prn})
	want := []equipmentDepartment{
		{Department: "DWP", Sites: []equipmentSite{
			{Site: "Leeds", Rows: []equipmentRow{
				{Equipment: cam, Label: "cam-gate (DS-2CD2143G2-I)", StatusText: "restricted: a finding is open", StatusClass: "open"},
				{Equipment: sw, Label: "C9200L-24T", Registrant: "MAC 00:00:0c:12:34:56 registered to Cisco Systems, Inc (IEEE MA-L 00:00:0C), not a catalogued supplier",
					StatusText: "unknown maker: not compliant until resolved", StatusClass: "open"},
			}},
			{Site: store.NoSite, Rows: []equipmentRow{{Equipment: rtr, Label: "AR651", StatusText: "waived", StatusClass: "waived"}}},
		}},
		{Department: "HMRC", Sites: []equipmentSite{
			{Site: "Croydon", Rows: []equipmentRow{{Equipment: prn, Label: "printer",
				Registrant: "MAC 00:d0:d0:01:02:03 registered to ZHONGXING TELECOM LTD. (IEEE MA-L 00:D0:D0), a name of catalogued supplier zte, though the catalogue does not list this block for it",
				StatusText: "clear: no rule in force forbids it here", StatusClass: "remediated"}}},
		}},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("groups (-want +got):\n%s", d)
	}
}
