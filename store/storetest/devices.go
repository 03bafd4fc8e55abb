package storetest

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/store"
)

// device is a phone of user name that the Intune connector lists, as
// host id.
func device(id, name, ownership string) store.DeviceHost {
	return store.DeviceHost{ID: id, Host: "intune:" + name, Device: store.DeviceInfo{MDM: "intune", MDMID: name + "-guid",
		Name: name + "'s iPhone", User: name + "@dwp.example", Ownership: ownership, Platform: "ios", Manufacturer: "Apple",
		Model: "iPhone 15", OSVersion: "17.4", Serial: "SN-" + name, IMEI: "353456789012345", Group: "Phones", Apps: 3}}
}

// pull keeps one pull of connector's devices in dept.
func (f *fixture) pull(t *testing.T, dept, connector string, at time.Time, complete bool, ds ...store.DeviceHost) store.DevicePullResult {
	t.Helper()
	res, err := f.st.UpsertDeviceHosts(f.ctx, store.System, store.DevicePull{Department: dept, Connector: connector, At: at, Complete: complete, Devices: ds})
	if err != nil {
		t.Fatalf("pull of %s at %s: %v", connector, at, err)
	}
	return res
}

// deviceScan applies the apps of device host id, judged as fs.
func (f *fixture) deviceScan(t *testing.T, id, name string, at time.Time, fs ...store.Finding) {
	t.Helper()
	present := make([]string, 0, len(fs))
	for _, x := range fs {
		present = append(present, x.ItemKey)
	}
	if _, err := f.st.ApplyScan(f.ctx, store.ScanUpload{AgentID: id, Actor: "mdm:intune-dwp", Digest: digest(name), Received: at,
		Host: store.Host{Items: len(fs), Tags: []string{"government-device", "mdm-enrolled"}}, Report: []byte(`{}`), Findings: fs, Present: present}); err != nil {
		t.Fatalf("apps of device %s: %v", id, err)
	}
}

// testDeviceHosts: a pull's devices become hosts of its department with
// their records, which uploads of their apps keep; a device's row is no
// agent (no credential finds, rotates or revokes it); an id that is an
// agent's or another department's device is refused; only admins keep
// devices.
func testDeviceHosts(t *testing.T, f *fixture) {
	agent := f.enrol(t, "DWP", "ws-1")
	ada, bob := device("mdm-ada", "ada", "corporate"), device("mdm-bob", "bob", "")
	bob.Device.Name = strings.Repeat("é", store.MaxDeviceField) // 1024 bytes, cut to 512
	res := f.pull(t, "DWP", "intune-dwp", t0, true, ada, bob, device(agent, "ws", "corporate"))
	want := store.DevicePullResult{Created: []string{"mdm-ada", "mdm-bob"}, Refused: map[string]string{agent: "the id is an enrolled agent's"}}
	if d := cmp.Diff(want, res); d != "" {
		t.Errorf("first pull (-want +got):\n%s", d)
	}
	wantAda := ada.Device
	wantAda.Connector, wantAda.Seen = "intune-dwp", t0
	h := f.host(t, "mdm-ada")
	if d := cmp.Diff(&wantAda, h.Device); d != "" || h.Department != "DWP" || h.Host != "intune:ada" {
		t.Errorf("ada's host %+v; device (-want +got):\n%s", h, d)
	}
	if h := f.host(t, "mdm-bob"); h.Device == nil || h.Device.Name != strings.Repeat("é", store.MaxDeviceField/2) {
		t.Errorf("bob's name is not cut to %d bytes: %+v", store.MaxDeviceField, h.Device)
	}
	if h := f.host(t, agent); h.Device != nil {
		t.Errorf("the agent's host was given a device: %+v", h.Device)
	}

	// No credential acts as a device.
	if _, err := f.st.AgentByID(f.ctx, "mdm-ada"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("AgentByID of a device = %v, want not found", err)
	}
	if err := f.st.RotateAgentSecret(f.ctx, "mdm-ada", randomHash(t)); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("RotateAgentSecret of a device = %v, want not found", err)
	}
	if _, err := f.st.AgentByID(f.ctx, "mdm-ada"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("AgentByID of a device after a rotation tried = %v, want not found", err)
	}
	if err := f.st.RevokeAgent(f.ctx, f.admin, "mdm-ada", t0); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("RevokeAgent of a device = %v, want not found", err)
	}
	var secret int
	if err := f.db.QueryRowContext(f.ctx, `SELECT LENGTH(secret_hash) FROM agents WHERE id = 'mdm-ada' AND kind = 'device'`).Scan(&secret); err != nil || secret != 0 {
		t.Errorf("the device's agents row: a secret of %d bytes (%v), want a device row with none", secret, err)
	}

	// Only admins (and the server) keep devices; an officer cannot see
	// another department's.
	for _, v := range []store.Viewer{f.dwp, f.auditor} {
		_, err := f.st.UpsertDeviceHosts(f.ctx, v, store.DevicePull{Department: "DWP", Connector: "intune-dwp", At: t0, Devices: []store.DeviceHost{ada}})
		if !errors.Is(err, store.ErrForbidden) {
			t.Errorf("%s keeping devices = %v, want forbidden", v.Role, err)
		}
	}
	if _, err := f.st.Host(f.ctx, f.hmrc, "mdm-ada"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("HMRC's officer reading DWP's device = %v, want not found", err)
	}
	if h, err := f.st.Host(f.ctx, f.dwp, "mdm-ada"); err != nil || h.Device == nil || h.Device.MDMID != "ada-guid" {
		t.Errorf("DWP's officer reading DWP's device: %+v %v", h.Device, err)
	}
	for name, p := range map[string]store.DevicePull{
		"no connector": {Department: "DWP", At: t0},
		"no time":      {Department: "DWP", Connector: "c"},
		"no id":        {Department: "DWP", Connector: "c", At: t0, Devices: []store.DeviceHost{{Host: "intune:x"}}},
	} {
		if _, err := f.st.UpsertDeviceHosts(f.ctx, store.System, p); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("%s: %v, want invalid", name, err)
		}
	}

	// The device's apps, uploaded for it, keep its record; the audit
	// names the connector.
	f.deviceScan(t, "mdm-ada", "ada-1", t0.Add(time.Minute), item("F-ada", "I1"))
	h = f.host(t, "mdm-ada")
	if d := cmp.Diff(&wantAda, h.Device); d != "" || h.Items != 1 || h.Open != 1 {
		t.Errorf("ada's host after its apps: %+v; device (-want +got):\n%s", h, d)
	}
	es, err := f.st.Audit(f.ctx, f.auditor, 0, 1000)
	if err != nil || len(es) == 0 {
		t.Fatalf("audit: %d entries, %v", len(es), err)
	}
	if last := es[len(es)-1]; last.Actor != "mdm:intune-dwp" || last.Action != "upload.inventory" || last.Object != "mdm-ada" {
		t.Errorf("the last audit entry is not the connector's upload of ada's apps: %+v", last)
	}

	// Another department's connector may not take ada; a later pull that
	// says ada is personal changes her record, not her apps.
	res = f.pull(t, "HMRC", "intune-hmrc", t0.Add(time.Hour), true, ada)
	if d := cmp.Diff(map[string]string{"mdm-ada": "the id is a device of department DWP"}, res.Refused); d != "" || len(res.Created) != 0 {
		t.Errorf("HMRC's pull of DWP's device: %+v (-want +got refused):\n%s", res, d)
	}
	ada.Device.Ownership, ada.Device.Apps = "personal", -1
	res = f.pull(t, "DWP", "intune-dwp", t0.Add(2*time.Hour), true, ada, bob)
	if d := cmp.Diff([]string{"mdm-ada"}, res.Changed); d != "" || len(res.Created) != 0 || len(res.Missing) != 0 {
		t.Errorf("second pull: %+v; changed (-want +got):\n%s", res, d)
	}
	h = f.host(t, "mdm-ada")
	if h.Device.Ownership != "personal" || h.Device.Apps != -1 || !h.Device.Seen.Equal(t0.Add(2*time.Hour)) || h.Items != 1 || h.Open != 1 {
		t.Errorf("ada's host after the second pull: %+v %+v", h, h.Device)
	}
	if f.state(t, "F-ada") != store.Open {
		t.Errorf("a pull changed a finding")
	}
}

// testDeviceMissed: a complete pull that leaves a device out counts one
// missed pull for it (once, however often the pull is applied); an
// incomplete pull counts none; a device listed again has missed none;
// another connector's devices are not counted; none is deleted.
func testDeviceMissed(t *testing.T, f *fixture) {
	a, b, c := device("mdm-a", "a", "corporate"), device("mdm-b", "b", "corporate"), device("mdm-c", "c", "personal")
	f.pull(t, "DWP", "intune-dwp", t0, true, a, b, c)
	f.pull(t, "DWP", "jamf-dwp", t0, true, device("mdm-x", "x", "corporate"))
	missed := func(res store.DevicePullResult) map[string]int {
		out := map[string]int{}
		for _, h := range res.Missing {
			out[h.ID] = h.Device.Missed
		}
		return out
	}
	for _, step := range []struct {
		name     string
		at       time.Time
		complete bool
		ds       []store.DeviceHost
		want     map[string]int
	}{
		{"a alone", t0.Add(day), true, []store.DeviceHost{a}, map[string]int{"mdm-b": 1, "mdm-c": 1}},
		{"the same pull again", t0.Add(day), true, []store.DeviceHost{a}, map[string]int{"mdm-b": 1, "mdm-c": 1}},
		{"an incomplete pull", t0.Add(2 * day), false, []store.DeviceHost{a}, map[string]int{"mdm-b": 1, "mdm-c": 1}},
		{"b back", t0.Add(3 * day), true, []store.DeviceHost{a, b}, map[string]int{"mdm-c": 2}},
	} {
		if d := cmp.Diff(step.want, missed(f.pull(t, "DWP", "intune-dwp", step.at, step.complete, step.ds...))); d != "" {
			t.Errorf("%s: missed (-want +got):\n%s", step.name, d)
		}
	}
	if h := f.host(t, "mdm-c"); h.Device.Missed != 2 || !h.Device.Seen.Equal(t0) {
		t.Errorf("c: %+v, want missed twice, last seen at the first pull", h.Device)
	}
	if h := f.host(t, "mdm-b"); h.Device.Missed != 0 || !h.Device.Seen.Equal(t0.Add(3*day)) {
		t.Errorf("b: %+v, want seen at the last pull", h.Device)
	}
	if h := f.host(t, "mdm-x"); h.Device.Missed != 0 || h.Device.Connector != "jamf-dwp" {
		t.Errorf("another connector's device: %+v", h.Device)
	}
	hs, err := f.st.Hosts(f.ctx, f.admin, store.HostFilter{Department: "DWP"})
	if err != nil || len(hs) != 4 {
		t.Errorf("hosts after the pulls: %d (%v), want all 4 kept", len(hs), err)
	}
}

// testDeviceFindings: the devices view lists the standing findings on
// managed devices (not on agents' hosts, not remediated ones) with each
// device's record, by instrument, product, app and device; filtered by
// instrument and app; an officer sees their own department's; pages by
// id hold every row once.
func testDeviceFindings(t *testing.T, f *fixture) {
	agent := f.enrol(t, "DWP", "ws-1")
	f.pull(t, "DWP", "intune-dwp", t0, true, device("mdm-ada", "ada", "corporate"), device("mdm-bob", "bob", ""))
	f.pull(t, "HMRC", "intune-hmrc", t0, true, device("mdm-hal", "hal", "corporate"))
	app := func(id, inst, name string) store.Finding {
		fd := item(id, "I-"+name)
		fd.Instrument, fd.Item, fd.Product = inst, name, strings.ToLower(name)
		return fd
	}
	f.deviceScan(t, "mdm-ada", "ada-1", t0, app("F-ada-tt", "uk-tiktok", "TikTok"), app("F-ada-wc", "uk-tiktok", "WeChat"), app("F-ada-ca", "ca-tiktok", "TikTok"))
	f.deviceScan(t, "mdm-bob", "bob-1", t0, app("F-bob-tt", "uk-tiktok", "TikTok"), app("F-bob-wc", "uk-tiktok", "WeChat"))
	f.deviceScan(t, "mdm-hal", "hal-1", t0, app("F-hal-tt", "uk-tiktok", "TikTok"))
	f.scan(t, agent, "ws-1", t0, app("F-ws-tt", "uk-tiktok", "TikTok"))
	f.deviceScan(t, "mdm-bob", "bob-2", t0.Add(time.Hour), app("F-bob-tt", "uk-tiktok", "TikTok")) // WeChat removed

	ids := func(xs []store.DeviceFinding) []string {
		var out []string
		for _, x := range xs {
			out = append(out, x.FindingID)
		}
		return out
	}
	for _, c := range []struct {
		name string
		v    store.Viewer
		f    store.DeviceFilter
		want []string
	}{
		{"DWP's", f.admin, store.DeviceFilter{Department: "DWP"}, []string{"F-ada-ca", "F-ada-tt", "F-bob-tt", "F-ada-wc"}},
		{"every department", f.auditor, store.DeviceFilter{}, []string{"F-ada-ca", "F-ada-tt", "F-bob-tt", "F-hal-tt", "F-ada-wc"}},
		{"by instrument", f.admin, store.DeviceFilter{Department: "DWP", Instrument: "uk-tiktok"}, []string{"F-ada-tt", "F-bob-tt", "F-ada-wc"}},
		{"by app, any case", f.admin, store.DeviceFilter{Department: "DWP", App: "TIKTOK"}, []string{"F-ada-ca", "F-ada-tt", "F-bob-tt"}},
		{"officer's own", f.dwp, store.DeviceFilter{}, []string{"F-ada-ca", "F-ada-tt", "F-bob-tt", "F-ada-wc"}},
		{"officer asking for another department", f.hmrc, store.DeviceFilter{Department: "DWP"}, nil},
		{"first by id", f.admin, store.DeviceFilter{Department: "DWP", ByID: true, Limit: 2}, []string{"F-ada-ca", "F-ada-tt"}},
		{"next by id", f.admin, store.DeviceFilter{Department: "DWP", ByID: true, AfterID: "F-ada-tt"}, []string{"F-ada-wc", "F-bob-tt"}},
	} {
		got, err := f.st.DeviceFindings(f.ctx, c.v, c.f)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if d := cmp.Diff(c.want, ids(got)); d != "" {
			t.Errorf("%s (-want +got):\n%s", c.name, d)
		}
	}
	got, err := f.st.DeviceFindings(f.ctx, f.dwp, store.DeviceFilter{App: "wechat"})
	if err != nil || len(got) != 1 {
		t.Fatalf("ada's WeChat: %+v %v", got, err)
	}
	want := store.DeviceFinding{FindingID: "F-ada-wc", HostID: "mdm-ada", Host: "intune:ada", Department: "DWP", Instrument: "uk-tiktok",
		Title: "Remove F-ada-wc", Effect: "remove-by", App: "WeChat", Version: "1.0", Product: "wechat", Supplier: "Supplier",
		State: store.Open, FirstSeen: t0, Device: device("", "ada", "corporate").Device}
	want.Device.Connector, want.Device.Seen = "intune-dwp", t0
	if d := cmp.Diff(want, got[0]); d != "" {
		t.Errorf("ada's WeChat (-want +got):\n%s", d)
	}
}

// testDeviceRejudge: re-judging reads a device's record with its host,
// and writing the re-judged host keeps it.
func testDeviceRejudge(t *testing.T, f *fixture) {
	ada := device("mdm-ada", "ada", "personal")
	f.pull(t, "DWP", "intune-dwp", t0, true, ada)
	v0 := f.version(t)
	if _, err := f.st.ApplyScan(f.ctx, store.ScanUpload{AgentID: "mdm-ada", Digest: digest("ada-1"), Received: t0, PolicyVersion: v0.Version,
		Host: store.Host{Items: 2}, Report: []byte(`{}`), Findings: []store.Finding{item("F1", "I1")}, Present: []string{"I1", "I2"}}); err != nil {
		t.Fatal(err)
	}
	if err := f.st.PutPolicies(f.ctx, f.admin, []string{"eu"}); err != nil {
		t.Fatal(err)
	}
	job, in, err := f.st.ClaimHosts(f.ctx, "r1", 10, t0, time.Minute)
	if err != nil || len(in) != 1 {
		t.Fatalf("claim: %+v %v", in, err)
	}
	wantDevice := ada.Device
	wantDevice.Connector, wantDevice.Seen = "intune-dwp", t0
	if d := cmp.Diff(&wantDevice, in[0].Host.Device); d != "" {
		t.Errorf("the claimed host's device (-want +got):\n%s", d)
	}
	r := store.Rejudged{HostID: "mdm-ada", Inventory: in[0].Received, At: t0.Add(time.Minute), Reason: job.Reason,
		Host:     store.Host{Classification: "OFFICIAL", Tags: []string{"mdm-enrolled", "personal-device"}},
		Software: []store.Finding{item("F1", "I1"), item("F2", "I2")}}
	if n, err := f.st.ApplyRejudged(f.ctx, job, []store.Rejudged{r}); err != nil || n != 1 {
		t.Fatalf("apply: %d %v", n, err)
	}
	h := f.host(t, "mdm-ada")
	if d := cmp.Diff(&wantDevice, h.Device); d != "" || h.Open != 2 || !cmp.Equal(h.Tags, r.Host.Tags) {
		t.Errorf("the re-judged host %+v; device (-want +got):\n%s", h, d)
	}
}
