package intune

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// GraphReader recognises Graph documents of Intune by their context,
// type or properties, and not other JSON.
func TestGraphSniff(t *testing.T) {
	for head, want := range map[string]bool{
		`{"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#deviceManagement/managedDevices","value":[`:                        true,
		`{"@odata.context": "https://graph.microsoft.com/beta/$metadata#deviceManagement/managedDevices('x')/detectedApps"`:               true,
		`{"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#users('a')/managedDevices(id,deviceName)","value":[]}`:             true,
		`{"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#deviceManagement/detectedApps","value":[]}`:                        true,
		"[\r\n  {\r\n    \"id\":  \"x\",\r\n    \"deviceName\":  \"d\",\r\n    \"managedDeviceOwnerType\":  \"company\"":                  true,
		`{"displayName":"WeChat","version":"8","sizeInByte":0}`:                                                                           true,
		`[{"@odata.type":"#microsoft.graph.windowsManagedDevice","id":"x"}]`:                                                              true,
		`{"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#users","value":[{"displayName":"Adele"}]}`:                         false,
		`{"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#deviceManagement/reports/exportJobs/$entity","id":"Devices_05e6"}`: false,
		`{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"name":"x"}]}`:                                                       false,
		`{"devices":[{"name":"enterprises/e/devices/d","ownership":"COMPANY_OWNED","applicationReports":[]}]}`:                            false,
		`{"name":"pack_x","hostIdentifier":"h","columns":{"name":"WeChat"}}`:                                                              false,
		`{"error":{"code":"Forbidden","message":"no"}}`:                                                                                   false,
		"package:com.tencent.mm\n": false,
		"":                         false,
	} {
		if got := (GraphReader{}).Sniff("x", []byte(head)); got != want {
			t.Errorf("Sniff(%.60q) = %v, want %v", head, got, want)
		}
	}
}

// parseContext reads what a context URL describes.
func TestParseContext(t *testing.T) {
	for url, want := range map[string]odataContext{
		"https://graph.microsoft.com/v1.0/$metadata#deviceManagement/managedDevices":                                       {kind: kindDevice},
		"https://graph.microsoft.com/v1.0/$metadata#deviceManagement/managedDevices/$entity":                               {kind: kindDevice},
		"https://graph.microsoft.com/beta/$metadata#deviceManagement/managedDevices(id,deviceName,detectedApps())":         {kind: kindDevice},
		"https://graph.microsoft.com/v1.0/$metadata#users('a%40b')/managedDevices":                                         {kind: kindDevice},
		"https://graph.microsoft.com/v1.0/$metadata#deviceManagement/detectedApps('k')/managedDevices":                     {kind: kindDevice},
		"https://graph.microsoft.com/v1.0/$metadata#deviceManagement/detectedApps":                                         {kind: kindApp, tenant: true},
		"https://graph.microsoft.com/v1.0/$metadata#deviceManagement/detectedApps(displayName,version)":                    {kind: kindApp, tenant: true},
		"https://graph.microsoft.com/beta/$metadata#deviceManagement/managedDevices('3f1c')/detectedApps":                  {kind: kindApp, device: "3f1c"},
		"https://graph.microsoft.com/beta/$metadata#deviceManagement/managedDevices('o''brien')/detectedApps(displayName)": {kind: kindApp, device: "o'brien"},
		"https://graph.microsoft.com/beta/$metadata#users('u')/managedDevices('d/1')/detectedApps":                         {kind: kindApp, device: "d/1"},
		"https://graph.microsoft.com/beta/$metadata#deviceManagement/managedDevices(id)/detectedApps":                      {kind: kindApp},
		"https://graph.microsoft.com/v1.0/$metadata#users":                                                                 {kind: kindOther},
		"https://graph.microsoft.com/v1.0/deviceManagement/managedDevices":                                                 {},
		"":           {},
		"$metadata#": {kind: kindOther},
		"$metadata#deviceManagement/managedDevices('x'": {kind: kindDevice},
	} {
		if diff := cmp.Diff(want, parseContext(url), cmp.AllowUnexported(odataContext{})); diff != "" {
			t.Errorf("%s (-want +got):\n%s", url, diff)
		}
	}
}
