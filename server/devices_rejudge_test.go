package server

import (
	"context"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/store"
)

// deviceRegister is the test register with a system that DWP's personal
// phones join by their manager's label.
const deviceRegister = testRegister + `  - id: dwp-byod
    name: DWP personal phones
    department: DWP
    classification: OFFICIAL
    match:
      labels: ["ownership=personal"]
`

func TestDeviceRejudge(t *testing.T) { testDeviceRejudge(t, sqliteEngine) }

// testDeviceRejudge: after a change of packs and of the register, the
// fleet's phones are judged again by their stored records, without a
// pull: the corporate phone keeps its UK finding (the dropped packs' are
// out of scope), the personal phone's work profile gets none (judged
// without its record it would: an untagged host is a government device)
// and joins the register's system by its ownership label; and judging
// the personal phone from its item index and from its stored inventory
// both find it as stored.
func testDeviceRejudge(t *testing.T, e engine) {
	f := newFixture(t, e, nil)
	ctx := context.Background()
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	rep := mdmReport(phone{"corp", "corporate", "", []string{tiktok}}, phone{"byod", "personal", "work-profile", []string{tiktok}})
	if _, err := f.srv.IngestDevices(ctx, "DWP", "intune-dwp", rep, now); err != nil {
		t.Fatal(err)
	}
	corp, byod := deviceHostID("intune-dwp", "intune:corp"), deviceHostID("intune-dwp", "intune:byod")
	admin := f.login("admin")
	uk, eu := "uk-tiktok-govdevices-2023", "eu-ec-tiktok-2023"
	if code, body := admin.do("PUT", "/api/v1/policies", map[string]any{"packs": []string{uk, eu}}, nil); code >= 300 {
		t.Fatalf("put policies: %d %s", code, body)
	}
	if code, body := admin.do("PUT", "/api/v1/register", []byte(deviceRegister), map[string]string{"Content-Type": "application/yaml"}); code >= 300 {
		t.Fatalf("put register: %d %s", code, body)
	}
	if n, err := f.srv.Rejudge(ctx); err != nil || n != 2 {
		t.Fatalf("re-judging: %d hosts, %v; want 2", n, err)
	}
	corpStates, byodStates := packsOn(t, admin, corp), packsOn(t, admin, byod)
	if d := cmp.Diff([]string{eu, uk}, corpStates[store.Open]); d != "" || len(corpStates[store.OutOfScope]) == 0 {
		t.Errorf("the corporate phone's findings %v; open (-want +got):\n%s", corpStates, d)
	}
	if d := cmp.Diff(map[store.FindingState][]string{store.Open: {eu}}, onlyPacks(byodStates, uk, eu)); d != "" {
		t.Errorf("the personal phone's findings of the packs in force (-want +got):\n%s", d)
	}
	var h store.Host
	admin.getJSON("/api/v1/hosts/"+byod, http.StatusOK, &h)
	if h.SystemID != "dwp-byod" || !slices.Contains(h.Tags, "personal-device") || h.Device == nil || h.Device.Ownership != "personal" {
		t.Errorf("the personal phone after re-judging: %+v %+v; want the dwp-byod system by its label, with its device's tags", h, h.Device)
	}
	admin.getJSON("/api/v1/hosts/"+corp, http.StatusOK, &h)
	if h.SystemID != "" || !slices.Contains(h.Tags, "government-device") {
		t.Errorf("the corporate phone after re-judging: %+v", h)
	}

	// Both ways of judging a host again see the device as stored.
	indexed, fromReport := deviceInputs(t, f, byod)
	ps, err := f.srv.policyState(ctx)
	if err != nil {
		t.Fatal(err)
	}
	job := store.RejudgeJob{Version: ps.version, Reason: "test"}
	var got [2]store.Rejudged
	for i, x := range []store.RejudgeInput{indexed, fromReport} {
		rs, err := f.srv.judgeBatch(ctx, ps, newItemJudge(f.srv, ps), job, []store.RejudgeInput{x}, f.srv.newPacer())
		if err != nil {
			t.Fatal(err)
		}
		got[i] = rs[0]
		if !got[i].Unchanged {
			t.Errorf("judged again from its %s, the personal phone is not as stored: %+v", []string{"index", "inventory"}[i], got[i])
		}
	}
	digests := func(r store.Rejudged) map[string]string {
		out := map[string]string{}
		for _, x := range r.Software {
			out[x.Pack] = x.Digest
		}
		return out
	}
	if d := cmp.Diff(digests(got[0]), digests(got[1])); d != "" || len(got[0].Software) != 1 || got[0].Software[0].Pack != eu {
		t.Errorf("the index and the inventory judge the personal phone apart, or not by its record (%+v):\n%s", got[0].Software, d)
	}
}

// onlyPacks keeps of states the packs named.
func onlyPacks(states map[store.FindingState][]string, packs ...string) map[store.FindingState][]string {
	out := map[store.FindingState][]string{}
	for s, ps := range states {
		for _, p := range ps {
			if slices.Contains(packs, p) {
				out[s] = append(out[s], p)
			}
		}
	}
	return out
}

// deviceInputs are what re-judging reads of host id, claimed for a new
// version of the same policy: from its item index, and as it would be
// from its stored inventory.
func deviceInputs(t *testing.T, f *fixture, id string) (indexed, fromReport store.RejudgeInput) {
	t.Helper()
	ctx := context.Background()
	ps, err := f.st.Policies(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.st.PutPolicies(ctx, store.System, ps); err != nil {
		t.Fatal(err)
	}
	f.srv.forget()
	_, in, err := f.st.ClaimHosts(ctx, "test", 1000, time.Now(), time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(in, func(x store.RejudgeInput) bool { return x.Host.ID == id })
	if i < 0 || !in[i].Indexed || in[i].Host.Device == nil {
		t.Fatalf("claimed %d hosts, %s not among them indexed with its device", len(in), id)
	}
	body, err := f.st.Inventory(ctx, store.System, id)
	if err != nil {
		t.Fatal(err)
	}
	fromReport = in[i]
	fromReport.Indexed, fromReport.Keys, fromReport.Report = false, nil, body
	return in[i], fromReport
}
