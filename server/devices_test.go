package server

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/finding"
	"github.com/embargo-dev/embargo/inventory"
	"github.com/embargo-dev/embargo/report"
	"github.com/embargo-dev/embargo/store"
)

// tiktok and notes are the package names of two Android apps: TikTok,
// which the device bans name, and one no rule judges.
const (
	tiktok = "com.zhiliaoapp.musically"
	notes  = "org.example.notes"
)

// phone is a device of a pull and the apps it lists (nil: given without
// its apps).
type phone struct {
	id, ownership, scope string
	apps                 []string
}

// mdmReport is the report of one pull of Intune: each phone's record
// and its apps, as `embargo scan` of the pull's pages makes it.
func mdmReport(phones ...phone) *report.Report {
	rep := &report.Report{Tool: report.Tool{Name: "embargo", Version: "test"}, Inputs: []report.Input{{Source: "intune/managedDevices.json", Reader: "intune"}}}
	for _, p := range phones {
		host := inventory.DeviceHost("intune", p.id)
		d := inventory.ManagedDevice{Host: host, MDM: "intune", ID: p.id, Name: p.id + "'s phone", Platform: inventory.PlatformAndroid,
			Model: "Pixel 8", Serial: "SN-" + p.id, Ownership: inventory.Ownership(p.ownership), Scope: inventory.Scope(p.scope),
			User: p.id + "@dwp.example", Apps: len(p.apps)}
		if p.apps == nil {
			d.Apps = -1
		}
		rep.Devices = append(rep.Devices, d)
		if p.apps != nil {
			rep.Inputs = append(rep.Inputs, report.Input{Source: "intune/detectedApps-" + p.id + ".json", Reader: "intune", Items: len(p.apps)})
		}
		for _, pkg := range p.apps {
			it := &inventory.Item{Type: inventory.Application, Ecosystem: "android", Name: pkg, Version: "1.0",
				Location: inventory.Location{Source: "intune/detectedApps-" + p.id + ".json", Host: host}}
			it.Add(inventory.AndroidID, pkg)
			it.SetID()
			rep.Items = append(rep.Items, report.Entry{Item: it})
		}
	}
	return rep
}

// packsOn are the packs of the standing findings on host id, by state.
func packsOn(t *testing.T, b *browser, id string) map[store.FindingState][]string {
	t.Helper()
	var fs []store.Finding
	b.getJSON("/api/v1/findings?host="+id, http.StatusOK, &fs)
	out := map[store.FindingState][]string{}
	for _, x := range fs {
		out[x.State] = append(out[x.State], x.Pack)
	}
	for _, ps := range out {
		slices.Sort(ps)
	}
	return out
}

func TestIngestDevices(t *testing.T) { testIngestDevices(t, sqliteEngine) }

// testIngestDevices: a pull's phones become hosts of the department,
// judged by what their manager says: TikTok on a corporate phone, and on
// one whose ownership is unknown, breaks the UK ban; on a personal
// phone's work profile only the European Commission's. The hosts keep
// the record and the device's tags; the devices list names each device
// by the manager's id, name, user, ownership and platform, filtered by
// instrument and app, an officer's own department only; no credential
// acts as a device.
func testIngestDevices(t *testing.T, e engine) {
	f := newFixture(t, e, nil)
	ctx := context.Background()
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	rep := mdmReport(phone{"corp", "corporate", "", []string{tiktok, notes}}, phone{"byod", "personal", "work-profile", []string{tiktok}},
		phone{"anon", "", "", []string{tiktok}})
	sum, err := f.srv.IngestDevices(ctx, "DWP", "intune-dwp", rep, now)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Devices != 3 || sum.New != 3 || sum.Judged != 3 || !sum.Complete || sum.Findings == 0 || len(sum.Failed) != 0 {
		t.Errorf("summary: %+v", sum)
	}
	corp, byod, anon := deviceHostID("intune-dwp", "intune:corp"), deviceHostID("intune-dwp", "intune:byod"), deviceHostID("intune-dwp", "intune:anon")
	admin := f.login("admin")
	uk, eu := "uk-tiktok-govdevices-2023", "eu-ec-tiktok-2023"
	for _, c := range []struct {
		id      string
		has     []string
		hasNot  []string
		tags    []string
		noTags  []string
		ownerIs string
	}{
		{corp, []string{uk, eu}, nil, []string{"government-device", "mdm-enrolled", "mobile-device"}, []string{"personal-device"}, "corporate"},
		{byod, []string{eu}, []string{uk}, []string{"personal-device", "work-profile"}, []string{"government-device"}, "personal"},
		{anon, []string{uk, eu}, nil, []string{"government-device", "ownership-unknown"}, nil, ""},
	} {
		open := packsOn(t, admin, c.id)[store.Open]
		for _, p := range c.has {
			if !slices.Contains(open, p) {
				t.Errorf("%s: no open finding of %s (%v)", c.id, p, open)
			}
		}
		for _, p := range c.hasNot {
			if slices.Contains(open, p) {
				t.Errorf("%s: an open finding of %s (%v)", c.id, p, open)
			}
		}
		var h store.Host
		admin.getJSON("/api/v1/hosts/"+c.id, http.StatusOK, &h)
		if h.Device == nil || h.Device.Ownership != c.ownerIs || h.Device.Connector != "intune-dwp" || h.Department != "DWP" || !h.Device.Seen.Equal(now) {
			t.Errorf("%s: host %+v, device %+v", c.id, h, h.Device)
		}
		for _, tag := range c.tags {
			if !slices.Contains(h.Tags, tag) {
				t.Errorf("%s: tags %v lack %s", c.id, h.Tags, tag)
			}
		}
		for _, tag := range c.noTags {
			if slices.Contains(h.Tags, tag) {
				t.Errorf("%s: tags %v hold %s", c.id, h.Tags, tag)
			}
		}
	}
	// The phone's stored apps name the page they were read from.
	body, err := f.st.Inventory(ctx, store.System, corp)
	if err != nil {
		t.Fatal(err)
	}
	stored, err := decodeScanReport(body)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]report.Input{{Source: "intune/detectedApps-corp.json", Reader: "intune", Items: 2}}, stored.Inputs); d != "" || len(stored.Items) != 2 {
		t.Errorf("the corporate phone's stored apps: %d items; inputs (-want +got):\n%s", len(stored.Items), d)
	}
	// The evidence names the device as its manager does.
	var fs []store.Finding
	admin.getJSON("/api/v1/findings?host="+corp, http.StatusOK, &fs)
	if len(fs) == 0 {
		t.Fatal("no findings on the corporate phone")
	}
	var fd store.Finding
	admin.getJSON("/api/v1/findings/"+fs[0].ID, http.StatusOK, &fd)
	var ev struct {
		Finding finding.Finding `json:"finding"`
	}
	if err := json.Unmarshal(fd.Evidence, &ev); err != nil {
		t.Fatal(err)
	}
	wantRef := &finding.DeviceRef{MDM: "intune", ID: "corp", Name: "corp's phone", User: "corp@dwp.example", Ownership: "corporate", Platform: "android"}
	if d := cmp.Diff(wantRef, ev.Finding.Device); d != "" {
		t.Errorf("the evidence's device (-want +got):\n%s", d)
	}

	// The devices list, as the MDM team reads it.
	var rows []store.DeviceFinding
	admin.getJSON("/api/v1/devices?department=DWP&instrument="+uk, http.StatusOK, &rows)
	var got []string
	for _, r := range rows {
		got = append(got, r.Device.MDMID+"/"+r.App+"/"+r.Device.Ownership+"/"+r.Device.User+"/"+r.Device.Platform)
	}
	want := []string{"anon/" + tiktok + "//anon@dwp.example/android", "corp/" + tiktok + "/corporate/corp@dwp.example/android"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("devices with UK findings (-want +got):\n%s", d)
	}
	admin.getJSON("/api/v1/devices?department=DWP&app="+strings.ToUpper(notes), http.StatusOK, &rows)
	if len(rows) != 0 {
		t.Errorf("devices with findings of an app no rule judges: %+v", rows)
	}
	admin.getJSON("/api/v1/devices?department=DWP&app="+tiktok, http.StatusOK, &rows)
	byDevice := map[string]int{}
	for _, r := range rows {
		byDevice[r.Device.MDMID]++
	}
	if byDevice["corp"] == 0 || byDevice["byod"] == 0 || byDevice["anon"] == 0 || len(byDevice) != 3 {
		t.Errorf("devices with TikTok findings: %v", byDevice)
	}
	var mine, theirs []store.DeviceFinding
	f.login("dwp-officer").getJSON("/api/v1/devices", http.StatusOK, &mine)
	f.login("hmrc-officer").getJSON("/api/v1/devices?department=DWP", http.StatusOK, &theirs)
	if len(mine) != len(rows) || len(theirs) != 0 {
		t.Errorf("DWP's officer sees %d rows (want %d), HMRC's %d (want none)", len(mine), len(rows), len(theirs))
	}
	code, body := f.login("hmrc-officer").do("GET", "/api/v1/hosts/"+corp, nil, nil)
	if code != http.StatusNotFound {
		t.Errorf("HMRC's officer reading DWP's phone: %d %s", code, body)
	}

	// No credential acts as a device: its id with any secret is refused.
	for _, secret := range []string{"x", "00", strings.Repeat("0", 64)} {
		code, body := f.anon().do("GET", "/api/v1/agent/config", nil, map[string]string{"Authorization": "Bearer " + corp + "." + secret})
		if code != http.StatusUnauthorized {
			t.Errorf("a device's id as a credential: %d %s", code, body)
		}
	}
	code, _ = admin.do("POST", "/api/v1/agents/"+corp+"/revoke", nil, nil)
	if code != http.StatusNotFound {
		t.Errorf("revoking a device as an agent: %d, want 404", code)
	}
}

// testDevicePulls: a pull that lists fewer devices removes none (the
// others keep their apps and findings), and one left out of three
// complete pulls in a row is reported not seen since its last listing;
// an incomplete pull (a page failed, or the run did not finish) counts
// no miss; a device given without its apps
// keeps them, and is judged again when its record changes; a device
// listed again is judged by its new apps; the same pull twice is a
// duplicate.
func TestDevicePulls(t *testing.T) { testDevicePulls(t, sqliteEngine) }

func testDevicePulls(t *testing.T, e engine) {
	f := newFixture(t, e, nil)
	ctx := context.Background()
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	a, b := deviceHostID("intune-dwp", "intune:a"), deviceHostID("intune-dwp", "intune:b")
	ingest := func(at time.Time, rep *report.Report) IngestSummary {
		t.Helper()
		sum, err := f.srv.IngestDevices(ctx, "DWP", "intune-dwp", rep, at)
		if err != nil {
			t.Fatal(err)
		}
		return sum
	}
	admin := f.login("admin")
	host := func(id string) store.Host {
		t.Helper()
		var h store.Host
		admin.getJSON("/api/v1/hosts/"+id, http.StatusOK, &h)
		return h
	}
	ingest(t0, mdmReport(phone{"a", "corporate", "", []string{tiktok}}, phone{"b", "corporate", "", []string{tiktok, notes}}))
	before := host(b)
	if before.Open == 0 || before.Items != 2 {
		t.Fatalf("b after the first pull: %+v", before)
	}
	notSeen := func(s IngestSummary) []string {
		var out []string
		for _, n := range s.NotSeen {
			out = append(out, fmt.Sprintf("%s %d %s", n.HostID, n.Missed, n.Seen.Format(time.RFC3339)))
		}
		return out
	}
	onlyA := mdmReport(phone{"a", "corporate", "", []string{tiktok}})
	broken := mdmReport(phone{"a", "corporate", "", []string{tiktok}})
	broken.Inputs = append(broken.Inputs, report.Input{Source: "intune/managedDevices-page2.json", Error: "HTTP 502"})
	for i, step := range []struct {
		rep      *report.Report
		partial  bool
		complete bool
		want     []string
	}{
		{onlyA, false, true, nil},
		{onlyA, false, true, nil},
		{broken, false, false, nil},
		{onlyA, true, false, nil},
		{onlyA, false, true, []string{b + " 3 " + t0.Format(time.RFC3339)}},
	} {
		at := t0.Add(time.Duration(i+1) * time.Hour)
		var sum IngestSummary
		if step.partial {
			var err error
			if sum, err = f.srv.IngestPartialDevices(ctx, "DWP", "intune-dwp", step.rep, at); err != nil {
				t.Fatal(err)
			}
		} else {
			sum = ingest(at, step.rep)
		}
		if sum.Complete != step.complete {
			t.Errorf("pull %d: complete %v, want %v", i+2, sum.Complete, step.complete)
		}
		if d := cmp.Diff(step.want, notSeen(sum)); d != "" {
			t.Errorf("pull %d: not seen (-want +got):\n%s", i+2, d)
		}
	}
	if h := host(b); h.Open != before.Open || h.Items != 2 || !h.LastScan.Equal(before.LastScan) || h.Device.Missed != 3 {
		t.Errorf("b, left out of five pulls: %+v %+v; want its apps and findings kept", h, h.Device)
	}

	// a given without its apps keeps them; then as personal, its apps
	// are judged again by the new record.
	aBefore := host(a)
	sum := ingest(t0.Add(6*time.Hour), mdmReport(phone{"a", "corporate", "", nil}))
	if len(sum.WithoutApps) != 1 || sum.WithoutApps[0].HostID != a || sum.Judged != 0 {
		t.Errorf("a without its apps: %+v", sum)
	}
	if h := host(a); h.Open != aBefore.Open || h.Items != 1 || h.Device.Apps != -1 {
		t.Errorf("a after a pull without its apps: %+v %+v", h, h.Device)
	}
	sum = ingest(t0.Add(7*time.Hour), mdmReport(phone{"a", "personal", "work-profile", nil}))
	if len(sum.WithoutApps) != 1 || sum.Judged != 1 {
		t.Errorf("a, personal now, without its apps: %+v", sum)
	}
	states := packsOn(t, admin, a)
	if slices.Contains(states[store.Open], "uk-tiktok-govdevices-2023") || !slices.Contains(states[store.OutOfScope], "uk-tiktok-govdevices-2023") ||
		!slices.Contains(states[store.Open], "eu-ec-tiktok-2023") {
		t.Errorf("a's findings as a personal phone's work profile: %v", states)
	}
	if h := host(a); !slices.Contains(h.Tags, "personal-device") || !h.LastScan.Equal(aBefore.LastScan) || h.Items != 1 {
		t.Errorf("a after its record changed: %+v; want personal-device, its apps as received at %s", h, aBefore.LastScan)
	}

	// b listed again, without TikTok: its finding is remediated.
	again := mdmReport(phone{"a", "personal", "work-profile", []string{tiktok}}, phone{"b", "corporate", "", []string{notes}})
	sum = ingest(t0.Add(8*time.Hour), again)
	if sum.Judged != 2 || len(sum.NotSeen) != 0 || sum.Duplicate != 0 {
		t.Errorf("b back: %+v", sum)
	}
	if st := packsOn(t, admin, b); len(st[store.Open]) != 0 || len(st[store.Remediated]) == 0 {
		t.Errorf("b without TikTok: %v", st)
	}
	if h := host(b); h.Device.Missed != 0 || h.Items != 1 || h.Open != 0 {
		t.Errorf("b listed again: %+v %+v", h, h.Device)
	}
	if sum = ingest(t0.Add(8*time.Hour), again); sum.Duplicate != 2 || sum.New != 0 {
		t.Errorf("the same pull again: %+v, want 2 duplicates", sum)
	}
	if _, err := f.srv.IngestDevices(ctx, "", "intune-dwp", again, t0); err == nil {
		t.Error("a pull without a department was taken")
	}
}
