package scan

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/attribute"
	"github.com/embargo-dev/embargo/catalog"
)

// Nmap's XML of the namespace lab (internal/netlab: the real nmap
// scanning a real snmpd and camera web interfaces) is read as-is: the
// camera whose MAC is in a Hikvision block is Hikvision's; the camera
// with only a locally administered MAC and a consumer label is listed as
// unknown equipment, not as compliant.
func TestLabNmapEquipment(t *testing.T) {
	cat, err := catalog.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Run(context.Background(), attribute.New(cat), []string{"../internal/netlab/testdata/lab-nmap.xml"}, Options{Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, e := range rep.Items {
		who := ""
		if e.Attribution != nil {
			who = e.Attribution.Entity.ID + " by " + string(e.Attribution.Evidence[0].Kind)
		}
		got[e.Location.Host] = who
	}
	for _, u := range rep.Unknowns {
		if strings.Contains(u.Reason, "equipment whose maker nothing identifies") {
			got[u.Location.Host] += "unknown equipment"
		}
	}
	want := map[string]string{
		"10.250.0.10": "hikvision by oui",
		"10.250.0.11": "unknown equipment",
		"10.250.0.1":  "unknown equipment", // the scanner itself: a Linux box nmap saw no MAC of
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("equipment (-want +got):\n%s", diff)
	}
}
