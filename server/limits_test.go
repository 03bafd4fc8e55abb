package server

import (
	"net/http"
	"strings"
	"testing"

	"github.com/embargo-dev/embargo/store"
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

func TestItemStoredOnce(t *testing.T) { testItemStoredOnce(t, sqliteEngine) }

// A large item is kept once, in the host's inventory: each of its
// findings' evidence keeps only the attributes that decided or name it
// (issue 14: every finding copied the whole item).
func testItemStoredOnce(t *testing.T, e engine) {
	f := newFixture(t, e, nil)
	a := f.enroll("ws-0142", "DWP")
	blob := strings.Repeat("d", 900<<10)
	withBlob := forge(t, scanReport(t), func(doc map[string]any) {
		for _, x := range doc["items"].([]any) {
			it := x.(map[string]any)
			if it["name"] == "kesl" {
				attrs, _ := it["attributes"].([]any)
				it["attributes"] = append(attrs, map[string]any{"field": "description", "value": blob})
			}
		}
	})
	if code, body, _ := a.upload("inventory", withBlob, nil); code != http.StatusCreated {
		t.Fatalf("upload: %d %s", code, body)
	}
	admin := f.login("admin")
	var fs []store.Finding
	admin.getJSON("/api/v1/findings?host="+a.id, http.StatusOK, &fs)
	if len(fs) < 2 {
		t.Fatalf("%d findings; the fixture should give several on kesl", len(fs))
	}
	for _, x := range fs {
		if len(x.Evidence) > 64<<10 || strings.Contains(string(x.Evidence), blob[:1000]) {
			t.Errorf("finding %s keeps %d bytes of evidence, the item's large attribute included", x.ID, len(x.Evidence))
		}
		if !strings.Contains(string(x.Evidence), `"purl"`) && !strings.Contains(string(x.Evidence), `"attribution"`) {
			t.Errorf("finding %s's evidence lost what decided it: %.300s", x.ID, x.Evidence)
		}
	}
	_, inv := admin.do("GET", "/api/v1/hosts/"+a.id+"/inventory", nil, nil)
	if n := strings.Count(string(inv), blob); n != 1 {
		t.Errorf("the inventory holds the large attribute %d times; want once", n)
	}
	// The page still explains the finding.
	if code, page := admin.do("GET", "/findings/"+fs[0].ID, nil, nil); code != http.StatusOK || strings.Contains(string(page), "cannot be read") {
		t.Errorf("finding page: %d", code)
	}
}
