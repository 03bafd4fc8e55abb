package webtest

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/embargo-dev/embargo/store"
)

// Phones names what SeedDevices made: DWP's corporate iPhone and
// personal Android phone (its work profile), and HMRC's phone, each a
// managed device's host, by id.
type Phones struct {
	Corp, Personal, HMRC string
}

// SeedDevices adds managed devices, as a device manager's pull keeps
// them, to a seeded fleet: TikTok and WeChat on DWP's corporate iPhone,
// TikTok on its personal phone's work profile (only the European
// Commission's notice covers it), TikTok on HMRC's phone.
func SeedDevices(t testing.TB, st store.Store) Phones {
	t.Helper()
	ctx := context.Background()
	p := Phones{Corp: "mdm-dwp-corp", Personal: "mdm-dwp-byod", HMRC: "mdm-hmrc-1"}
	pull := func(dept, connector string, ds ...store.DeviceHost) {
		t.Helper()
		if _, err := st.UpsertDeviceHosts(ctx, store.System, store.DevicePull{Department: dept, Connector: connector, At: Now.Add(-time.Hour),
			Complete: true, Devices: ds}); err != nil {
			t.Fatalf("keeping the devices of %s: %v", connector, err)
		}
	}
	pull("DWP", "intune-dwp",
		store.DeviceHost{ID: p.Corp, Host: "intune:0f8fad5b", Device: store.DeviceInfo{MDM: "intune", MDMID: "0f8fad5b-d9cb-469f-a165-70867728950e",
			Name: "Ada's iPhone", User: "ada.lovelace@dwp.example", Ownership: "corporate", Platform: "ios", Manufacturer: "Apple", Model: "iPhone 15",
			OSVersion: "17.4", Serial: "F2LXK1ABCD", Group: "DWP phones", Apps: 42}},
		store.DeviceHost{ID: p.Personal, Host: "intune:7c9e6679", Device: store.DeviceInfo{MDM: "intune", MDMID: "7c9e6679-7425-40de-944b-e07fc1f90ae7",
			Name: "Bob's Pixel", User: "bob.baker@dwp.example", Ownership: "personal", Scope: "work-profile", Platform: "android",
			Manufacturer: "Google", Model: "Pixel 8", Apps: 9}})
	pull("HMRC", "jamf-hmrc",
		store.DeviceHost{ID: p.HMRC, Host: "jamf:1042", Device: store.DeviceInfo{MDM: "jamf", MDMID: "1042", Name: "HMRC-iPad-07",
			User: "sam.ray@hmrc.example", Ownership: "shared", Platform: "ipados", Apps: 30}})
	app := func(id, inst, title, effect, name, pkg string, deadline time.Time) store.Finding {
		return store.Finding{ID: id, Pack: inst, Rule: "ban", Instrument: inst, Title: title, Effect: effect, Item: name, Version: "33.1.4",
			Product: pkg, Supplier: "bytedance-ltd", Country: "CN", Deadline: deadline, ItemKey: "I-" + id,
			Evidence: json.RawMessage(`{"finding":{"id":"` + id + `","instrument":"` + inst + `","item_name":"` + name + `"}}`)}
	}
	uk := "uk-tiktok-govdevices-2023"
	scan := func(id, digest string, tags []string, fs ...store.Finding) {
		t.Helper()
		if _, err := st.ApplyScan(ctx, store.ScanUpload{AgentID: id, Actor: "mdm:test", Digest: digest, Received: Now.Add(-time.Hour),
			Host: store.Host{Classification: "OFFICIAL", Tags: tags, Items: 40}, Report: []byte(`{}`), Findings: fs}); err != nil {
			t.Fatalf("the apps of %s: %v", id, err)
		}
	}
	scan(p.Corp, "corp-1", []string{"government-device", "mdm-enrolled", "mobile-device"},
		app("F-corp-tiktok", uk, "Cabinet Office 2023, TikTok", "prohibit", "TikTok", "tiktok", time.Time{}),
		app("F-corp-wechat", "ca-wechat-kaspersky-2023", "Canada 2023, WeChat", "prohibit", "WeChat", "wechat-ios", time.Time{}))
	scan(p.Personal, "byod-1", []string{"mdm-enrolled", "mobile-device", "personal-device", "work-profile"},
		app("F-byod-tiktok", "eu-ec-tiktok-2023", "European Commission 2023, TikTok", "remove-by", "TikTok", "tiktok", Now.AddDate(0, 0, 10).Truncate(24*time.Hour)))
	scan(p.HMRC, "hmrc-1", []string{"government-device", "mdm-enrolled", "mobile-device"},
		app("F-hmrc-tiktok", uk, "Cabinet Office 2023, TikTok", "prohibit", "TikTok", "tiktok", time.Time{}))
	return p
}
