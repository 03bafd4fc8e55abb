package server

import (
	"net/http"
	"strings"
	"testing"
)

func TestUploadLimits(t *testing.T) { testUploadLimits(t, sqliteEngine) }

// One oversized field, item or list is refused with 413 naming it, before
// any finding copies it (issue 14: a 200 MiB attribute cost 7.3 GB).
func testUploadLimits(t *testing.T, e engine) {
	f := newFixture(t, e, nil)
	a := f.enroll("ws-0142", "DWP")
	honest := scanReport(t)
	big := strings.Repeat("A", MaxUploadField+1)
	for _, tc := range []struct {
		name   string
		change func(doc map[string]any)
		says   string
	}{
		{"an attribute value", func(doc map[string]any) {
			it := doc["items"].([]any)[0].(map[string]any)
			it["attributes"] = []any{map[string]any{"field": "description", "value": big}}
		}, "items[0].attributes[0].value"},
		{"a name", func(doc map[string]any) { doc["items"].([]any)[1].(map[string]any)["name"] = big }, "items[1].name"},
		{"an item of many fields", func(doc map[string]any) {
			var attrs []any
			for range 5 {
				attrs = append(attrs, map[string]any{"field": "x", "value": strings.Repeat("B", MaxUploadField)})
			}
			doc["items"].([]any)[0].(map[string]any)["attributes"] = attrs
		}, "items[0]:"},
		{"too many attributes", func(doc map[string]any) {
			var attrs []any
			for range MaxItemAttrs + 1 {
				attrs = append(attrs, map[string]any{"field": "x", "value": "y"})
			}
			doc["items"].([]any)[0].(map[string]any)["attributes"] = attrs
		}, "items[0].attributes:"},
		{"an unknown's reason", func(doc map[string]any) {
			doc["unknowns"] = []any{map[string]any{"location": map[string]any{"source": "x"}, "reason": big}}
		}, "unknowns[0].reason"},
	} {
		code, body, _ := a.upload("inventory", forge(t, honest, tc.change), nil)
		if code != http.StatusRequestEntityTooLarge || !strings.Contains(string(body), tc.says) {
			t.Errorf("%s: %d %.300s; want 413 naming %s", tc.name, code, body, tc.says)
		}
	}
	if code, body, _ := a.upload("inventory", honest, nil); code != http.StatusCreated {
		t.Errorf("an honest upload after them: %d %s", code, body)
	}
}
