package report_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/catalog"
	"github.com/embargo-dev/embargo/inventory"
	"github.com/embargo-dev/embargo/report"
)

// TestRegistrantOf: the registrant is the first of an item's MAC
// addresses with an assignment in the embedded registry (Debian's
// ieee-data 20220827.1), whatever the registry; an organisation that is
// a catalogued supplier's name says so.
func TestRegistrantOf(t *testing.T) {
	cat, err := catalog.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		macs []string
		want *report.MACRegistrant
		text string
	}{
		{"MA-L", []string{"00:00:0c:12:34:56"}, &report.MACRegistrant{MAC: "00:00:0c:12:34:56", Organization: "Cisco Systems, Inc", Registry: "MA-L", Prefix: "00000C"},
			"registered to Cisco Systems, Inc (IEEE MA-L 00:00:0C), not a catalogued supplier"},
		{"a locally administered address first", []string{"02:00:00:00:00:01", "00:1e:c2:01:02:03"},
			&report.MACRegistrant{MAC: "00:1e:c2:01:02:03", Organization: "Apple, Inc.", Registry: "MA-L", Prefix: "001EC2"},
			"registered to Apple, Inc. (IEEE MA-L 00:1E:C2), not a catalogued supplier"},
		{"MA-S in a block the IEEE divides", []string{"70:b3:d5:00:10:00"},
			&report.MACRegistrant{MAC: "70:b3:d5:00:10:00", Organization: "SOREDI touch systems GmbH", Registry: "MA-S", Prefix: "70B3D5001"},
			"registered to SOREDI touch systems GmbH (IEEE MA-S 70:B3:D5:00:1), not a catalogued supplier"},
		{"IAB", []string{"00-50-C2-00-10-00"}, &report.MACRegistrant{MAC: "00-50-C2-00-10-00", Organization: "JMBS Developpements", Registry: "IAB", Prefix: "0050C2001"},
			"registered to JMBS Developpements (IEEE IAB 00:50:C2:00:1), not a catalogued supplier"},
		// The catalogue names ZTE as ZHONGXING TELECOM but does not list
		// this block of its.
		{"a catalogued supplier's name", []string{"00:d0:d0:01:02:03"},
			&report.MACRegistrant{MAC: "00:d0:d0:01:02:03", Organization: "ZHONGXING TELECOM LTD.", Registry: "MA-L", Prefix: "00D0D0", CataloguedAs: "zte"},
			"registered to ZHONGXING TELECOM LTD. (IEEE MA-L 00:D0:D0), a name of catalogued supplier zte, though the catalogue does not list this block for it"},
		{"no assignment", []string{"02:00:00:00:00:01", "not-a-mac"}, nil, ""},
		{"no MAC", nil, nil, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			it := &inventory.Item{Type: inventory.Device, Ecosystem: "network", Name: "device"}
			it.Add(inventory.IP, "10.0.0.1")
			for _, m := range tc.macs {
				it.Add(inventory.MAC, m)
			}
			got := report.RegistrantOf(nil, cat, it)
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Fatalf("registrant (-want +got):\n%s", d)
			}
			if got != nil && got.Text() != tc.text {
				t.Errorf("text %q, want %q", got.Text(), tc.text)
			}
		})
	}
	private := report.MACRegistrant{MAC: "x", Organization: "Private", Registry: "MA-L", Prefix: "ABCDEF"}
	if got, want := private.Text(), `registered to an assignee the IEEE does not list (IEEE MA-L AB:CD:EF, "Private"), not a catalogued supplier`; got != want {
		t.Errorf("a private assignment: %q, want %q", got, want)
	}
}

// TestUnknownEquipmentRegistrant: a scan of an asset register lists its
// unattributed equipment as unknowns; the JSON report gives each the
// registrant of its MAC address (validating against the schema), the
// table says it after the reason; the rebranded camera is attributed, so
// not among them.
func TestUnknownEquipmentRegistrant(t *testing.T) {
	r := scanReport(t, "testdata/equipment-register.csv")
	out := encode(t, report.JSON{}, r)
	validate(t, compileSchema(t, report.SchemaURL, []schemaFile{{report.SchemaURL, readJSON(t, "../schema/report.schema.json")}}), "report.json", out)
	var doc struct {
		Items []struct {
			Name        string `json:"name"`
			Attribution *struct {
				Supplier struct{ ID string }     `json:"supplier"`
				SoldAs   *struct{ Label string } `json:"sold_as"`
			} `json:"attribution"`
		} `json:"items"`
		Unknowns []struct {
			Name          string                `json:"name"`
			Reason        string                `json:"reason"`
			MACRegistrant *report.MACRegistrant `json:"mac_registrant"`
		} `json:"unknowns"`
	}
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}
	type unknown struct {
		Name string
		Reg  *report.MACRegistrant
	}
	var got []unknown
	for _, u := range doc.Unknowns {
		if !strings.Contains(u.Reason, "who made it is unknown") {
			t.Errorf("unknown %q: %s", u.Name, u.Reason)
		}
		got = append(got, unknown{u.Name, u.MACRegistrant})
	}
	want := []unknown{
		{"C9200L-24T", &report.MACRegistrant{MAC: "00:00:0c:12:34:56", Organization: "Cisco Systems, Inc", Registry: "MA-L", Prefix: "00000C"}},
		{"10.1.0.40", nil},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("unknowns (-want +got):\n%s", d)
	}
	if len(doc.Items) != 3 || doc.Items[0].Attribution == nil || doc.Items[0].Attribution.Supplier.ID != "hikvision" ||
		doc.Items[0].Attribution.SoldAs == nil || doc.Items[0].Attribution.SoldAs.Label != "Acme" {
		t.Errorf("the camera is not attributed to Hikvision, sold as Acme: %+v", doc.Items)
	}
	var table bytes.Buffer
	if err := (report.Table{}).Encode(&table, r); err != nil {
		t.Fatal(err)
	}
	line := "testdata/equipment-register.csv:3 row 2: equipment whose maker nothing identifies (no catalogued MAC block, SNMP enterprise, web server, certificate or rebrand fact): who made it is unknown; MAC 00:00:0c:12:34:56 registered to Cisco Systems, Inc (IEEE MA-L 00:00:0C), not a catalogued supplier\n"
	if !strings.Contains(table.String(), line) {
		t.Errorf("the table does not have the line\n%s\nit says:\n%s", line, table.String())
	}
	if strings.Contains(table.String(), "row 3: equipment whose maker nothing identifies (no catalogued MAC block, SNMP enterprise, web server, certificate or rebrand fact): who made it is unknown;") {
		t.Error("the table gives a registrant to a locally administered address")
	}
}
