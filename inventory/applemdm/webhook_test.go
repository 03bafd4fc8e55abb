package applemdm

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/inventory"
)

// at moves the iOS fixture's apps to where a webhook event puts them.
func at(prefix string, line int) []item {
	var out []item
	for _, it := range iosApps {
		it.Ref, it.Line = prefix+"/acknowledge_event/raw_payload"+it.Ref, line
		out = append(out, it)
	}
	return out
}

// TestWebhook reads MicroMDM and NanoMDM webhook events: a log of one
// event a line (a check-in, an Idle poll, the app list, NanoMDM's
// DeviceInformation and a User Enrollment's list), one pretty-printed
// event, and an array of events.
func TestWebhook(t *testing.T) {
	log := fixture(t, "webhook-events.ndjson")
	// An array of the same events, one a line after the bracket's.
	array := append(append([]byte("[\n"), bytes.ReplaceAll(bytes.TrimSpace(log), []byte("\n"), []byte(",\n"))...), "\n]\n"...)
	info := iphoneInfo
	info.Apps = 4
	ue := inventory.ManagedDevice{Host: byod, MDM: MDM, ID: "5F0E8A3C1B2D4E6F8091A2B3C4D5E6F7", Manufacturer: "Apple",
		Ownership: inventory.Personal, Scope: inventory.ScopeManaged, Apps: 2}
	ueApps := func(prefix string, line int) []item {
		return []item{
			{"Microsoft Teams", "6.12.1", "com.microsoft.skype.teams", "ios", prefix + "/acknowledge_event/raw_payload/InstalledApplicationList/0", byod, line},
			{"WeCom", "4.1.22", "com.tencent.wework", "ios", prefix + "/acknowledge_event/raw_payload/InstalledApplicationList/1", byod, line},
		}
	}
	for _, c := range []struct {
		name    string
		data    []byte
		items   []item
		devices []inventory.ManagedDevice
	}{
		{"webhook-events.ndjson", log, append(at("", 3), ueApps("", 5)...), []inventory.ManagedDevice{info, ue}},
		{"webhook-event.json", fixture(t, "webhook-event.json"), at("", 1), []inventory.ManagedDevice{iphoneApps}},
		{"events.json", array, append(at("/2", 4), ueApps("/4", 6)...), []inventory.ManagedDevice{info, ue}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if !(Reader{}).Sniff(c.name, c.data[:min(len(c.data), 4096)]) {
				t.Error("not recognised")
			}
			inv, err := read(t, c.name, c.data, inventory.DefaultLimits)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(c.items, items(t, inv)); diff != "" {
				t.Errorf("items (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(c.devices, devices(inv)); diff != "" {
				t.Errorf("devices (-want +got):\n%s", diff)
			}
			if len(inv.Unknowns) != 0 {
				t.Errorf("unknowns %+v", inv.Unknowns)
			}
		})
	}
}

// Broken events are unknowns at their line; a log with a truncated last
// line keeps the lines before it.
func TestWebhookMalformed(t *testing.T) {
	good := bytes.TrimSpace(fixture(t, "webhook-event.json"))
	var compact bytes.Buffer
	if err := json.Compact(&compact, good); err != nil {
		t.Fatal(err)
	}
	payload := func(s string) string {
		return `{"topic":"mdm.Connect","acknowledge_event":{"udid":"U1","status":"Acknowledged","raw_payload":"` +
			base64.StdEncoding.EncodeToString([]byte(s)) + `"}}`
	}
	log := strings.Join([]string{
		compact.String(),
		`{"topic":"mdm.Connect","acknowledge_event":{"udid":"U1","status":"Acknowledged","raw_payload":"not base64!"}}`,
		`{"topic":"mdm.Connect","acknowledge_event":{"udid":"U1","status":"Acknowledged"}}`,
		payload("<plist><dict><key>Status</key><string>Acknowledged</string>"),
		`{"topic":42}`,
		`["an array", "of strings"]`,
		payload(`<plist><dict><key>Status</key><string>Error</string><key>UDID</key><string>U2</string></dict></plist>`),
		compact.String()[:200],
	}, "\n")
	inv, err := read(t, "events.ndjson", []byte(log), inventory.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(at("", 1), items(t, inv)); diff != "" {
		t.Errorf("items (-want +got):\n%s", diff)
	}
	var lines []int
	for _, u := range inv.Unknowns {
		lines = append(lines, u.Location.Line)
		if u.Reason == "" || u.Location.Source != "events.ndjson" {
			t.Errorf("unknown %+v", u)
		}
	}
	if diff := cmp.Diff([]int{2, 3, 4, 5, 6, 6, 7, 8}, lines); diff != "" {
		t.Errorf("unknown lines (-want +got):\n%s", diff)
	}

	for name, data := range map[string]string{
		"truncated":      compact.String()[:300],
		"not JSON":       "{nope",
		"check-ins only": `{"topic":"mdm.Authenticate","checkin_event":{"udid":"U1","raw_payload":""}}`,
		"deep":           strings.Repeat("[", 100) + strings.Repeat("]", 100),
		"bad UTF-8":      "{\"topic\":\"mdm.\xff\"}",
	} {
		_, err := read(t, "events.json", []byte(data), inventory.DefaultLimits)
		ie, ok := err.(*inventory.InputError)
		if !ok || ie.Source != "events.json" {
			t.Errorf("%s: %v, want an InputError naming the input", name, err)
		}
	}
}
