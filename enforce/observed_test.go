package enforce

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// observedItem is one item of a scan report as `embargo scan -o json`
// writes it, with only what AddObserved reads.
func observedItem(path, supplier string, chain []string, attrs ...[2]string) map[string]any {
	var as []map[string]string
	for _, a := range attrs {
		as = append(as, map[string]string{"field": a[0], "value": a[1]})
	}
	var links []map[string]string
	for _, c := range chain {
		links = append(links, map[string]string{"id": c})
	}
	it := map[string]any{"name": path, "location": map[string]string{"source": "/", "ref": path}, "attributes": as}
	if supplier != "" {
		it["attribution"] = map[string]any{"supplier": map[string]string{"id": supplier}, "control_chain": links}
	}
	return it
}

func TestAddObserved(t *testing.T) {
	const ksp = "O=AO Kaspersky Lab, L=Moscow, C=RU, CN=AO Kaspersky Lab"
	sig := func(subject, status string) [][2]string {
		return [][2]string{{"signer", subject}, {"signer_issuer", "CN=Test CA"}, {"signature_status", status}}
	}
	items := []map[string]any{
		observedItem("a/avp.exe", "kaspersky-ao", nil, sig(ksp, "valid digest")...),
		// Controlled by a blocked entity: the chain decides.
		observedItem("b/sub.exe", "kaspersky-sub", []string{"kaspersky-sub", "kaspersky-ao"},
			sig("O=Kaspersky Sub GmbH, L=Ingolstadt, C=DE", "valid digest")...),
		// A tampered copy: its subject proves nothing.
		observedItem("c/evil.exe", "kaspersky-ao", nil, sig("O=Forged Org, C=RU", "digest mismatch")...),
		// Not a blocked supplier.
		observedItem("d/ok.exe", "example-corp", nil, sig("O=Example Corp, C=US", "valid digest")...),
		// An organisation name alone is no AppLocker publisher.
		observedItem("e/org.exe", "kaspersky-ao", nil, sig("Kaspersky Lab", "valid digest")...),
		// Unattributed.
		observedItem("f/none.exe", "", nil, sig("O=Nobody, C=RU", "valid digest")...),
		// Two signatures, the second valid.
		observedItem("g/dual.exe", "kaspersky-ao", nil, append(sig("O=Old Kaspersky, C=RU", "digest mismatch"),
			sig(ksp, "valid digest")...)...),
	}
	doc, err := json.Marshal(map[string]any{"items": items})
	if err != nil {
		t.Fatal(err)
	}
	tg := &Targets{Entities: []string{"kaspersky-ao"}}
	n, err := tg.AddObserved("scan.json", doc)
	if err != nil {
		t.Fatal(err)
	}
	want := []Publisher{
		{Name: ksp, Entity: "kaspersky-ao", Source: "observed in scan.json: / a/avp.exe, signature valid"},
		{Name: "O=Kaspersky Sub GmbH, L=Ingolstadt, C=DE", Entity: "kaspersky-ao", Source: "observed in scan.json: / b/sub.exe, signature valid"},
	}
	if diff := cmp.Diff(want, tg.Publishers); diff != "" {
		t.Errorf("publishers (-want +got):\n%s", diff)
	}
	if n != 3 { // avp.exe, sub.exe, dual.exe's second signature (one name with avp.exe's)
		t.Errorf("added %d, want 3", n)
	}
	out := string(emit(t, &AppLocker{}, tg))
	if !strings.Contains(out, `PublisherName="O=AO KASPERSKY LAB, L=MOSCOW, C=RU"`) {
		t.Errorf("no deny rule for the observed subject:\n%s", out)
	}
}

func TestAddObservedErrors(t *testing.T) {
	tg := &Targets{Entities: []string{"kaspersky-ao"}}
	_, err := tg.AddObserved("scan.json", []byte(`{"items": [ {"name": 3} ]}`))
	if err == nil || !strings.Contains(err.Error(), "scan.json") {
		t.Errorf("bad report: %v, want an error naming the file", err)
	}
}
