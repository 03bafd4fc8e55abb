package cyclonedx

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/inventory"
)

func read(t *testing.T, name string, data []byte, lim inventory.Limits) (*inventory.Inventory, error) {
	t.Helper()
	return Reader{}.Read(context.Background(), name, bytes.NewReader(data), lim)
}

func readFile(t *testing.T, path string) *inventory.Inventory {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !(Reader{}).Sniff("", data) {
		t.Fatalf("%s: not recognised as CycloneDX", path)
	}
	inv, err := read(t, path, data, inventory.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	return inv
}

type row struct {
	Ref, Type, Name, Version string
	Attrs                    []inventory.Attr
}

func rows(inv *inventory.Inventory) []row {
	var out []row
	for _, it := range inv.Items {
		out = append(out, row{it.Location.Ref, string(it.Type), it.Name, it.Version, it.Attrs})
	}
	return out
}

func TestReadJSON(t *testing.T) {
	inv := readFile(t, "testdata/small.cdx.json")
	want := []row{
		{"/metadata/component", "application", "ws-0142", "1", nil},
		{"/components/0", "application", "Kaspersky Endpoint Security for Windows", "12.5.0.539", []inventory.Attr{
			{Field: "cpe", Value: "cpe:2.3:a:kaspersky:endpoint_security:12.5:*:*:*:*:*:*:*"}, {Field: "publisher", Value: "AO Kaspersky Lab"}}},
		{"/components/1", "library", "com.kaspersky.android-components/kaspresso", "1.5.3", []inventory.Attr{
			{Field: "purl", Value: "pkg:maven/com.kaspersky.android-components/kaspresso@1.5.3"}}},
		{"/components/1/components/0", "file", "/opt/kaspersky/klnagent64/bin/klnagent", "", []inventory.Attr{
			{Field: "path", Value: "/opt/kaspersky/klnagent64/bin/klnagent"}}},
		{"/components/2", "library", "left-pad", "1.3.0", []inventory.Attr{
			{Field: "purl", Value: "pkg:npm/left-pad@1.3.0"}, {Field: "supplier", Value: "Example Org"},
			{Field: "author", Value: "Dahua Lin"}, {Field: "url", Value: "https://example.org/left-pad"}}},
		{"/services/0", "other", "chat", "", []inventory.Attr{
			{Field: "supplier", Value: "Hangzhou DeepSeek"}, {Field: "url", Value: "https://api.deepseek.com/v1"}}},
	}
	if diff := cmp.Diff(want, rows(inv)); diff != "" {
		t.Errorf("items (-want +got):\n%s", diff)
	}
	wantUnknown := []inventory.Unknown{{
		Location: inventory.Location{Source: "testdata/small.cdx.json", Ref: "/components/3", Reader: "cyclonedx"},
		Reason:   "no name, package URL, CPE, supplier or location to attribute it by",
	}}
	if diff := cmp.Diff(wantUnknown, inv.Unknowns); diff != "" {
		t.Errorf("unknowns (-want +got):\n%s", diff)
	}
	if inv.Format != "CycloneDX 1.6 JSON" {
		t.Errorf("format %q", inv.Format)
	}
}

func TestReadXML(t *testing.T) {
	inv := readFile(t, "testdata/small.cdx.xml")
	want := []row{
		{"/components/0", "package", "kesl", "11.2.0", []inventory.Attr{{Field: "purl", Value: "pkg:deb/debian/kesl@11.2.0"}}},
		{"/components/1", "application", "Касперский", "", []inventory.Attr{{Field: "publisher", Value: "АО «Лаборатория Касперского»"}}},
	}
	if diff := cmp.Diff(want, rows(inv)); diff != "" {
		t.Errorf("items (-want +got):\n%s", diff)
	}
	if inv.Format != "CycloneDX 1.4 XML" {
		t.Errorf("format %q", inv.Format)
	}
}

func TestItemIDsAreStable(t *testing.T) {
	a, b := readFile(t, "testdata/small.cdx.json"), readFile(t, "testdata/small.cdx.json")
	seen := map[string]bool{}
	for i := range a.Items {
		if a.Items[i].ID != b.Items[i].ID {
			t.Errorf("item %d: id %s then %s", i, a.Items[i].ID, b.Items[i].ID)
		}
		if seen[a.Items[i].ID] {
			t.Errorf("duplicate id %s", a.Items[i].ID)
		}
		seen[a.Items[i].ID] = true
	}
}

func TestBadInput(t *testing.T) {
	tests := []struct {
		name, doc string
		want      string // substring of the error
	}{
		{"empty", "   ", "x.json: byte 0: empty document"},
		{"truncated", `{"bomFormat":"CycloneDX","specVersion":"1.5","components":[{"name":"a"`, "x.json:1:70: unexpected end of JSON input"},
		{"syntax error on line 3", "{\"bomFormat\":\"CycloneDX\",\n\"specVersion\":\"1.5\",\n\"components\": [}]}", "x.json:3:16: invalid character '}'"},
		{"wrong type", `{"bomFormat":"CycloneDX","specVersion":"1.5","components":[{"name":7}]}`, `x.json:1:68: field "components.name": JSON number where string was expected`},
		{"invalid UTF-8", "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.5\",\"components\":[{\"name\":\"\xff\"}]}", "x.json:1:69: invalid UTF-8"},
		{"unknown spec version", `{"bomFormat":"CycloneDX","specVersion":"9.9"}`, "x.json"},
		{"not CycloneDX", `{"bomFormat":"Other","specVersion":"1.5"}`, `bomFormat is "Other"`},
		{"no spec version", `{"bomFormat":"CycloneDX"}`, "specVersion is missing"},
		{"XML entity expansion", `<?xml version="1.0"?><!DOCTYPE bom [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]>` +
			`<bom xmlns="http://cyclonedx.org/schema/bom/1.5"><components><component type="library"><name>&b;</name></component></components></bom>`,
			"x.json:1: XML syntax error on line 1: invalid character entity &b;"},
		{"XML external entity", `<?xml version="1.0"?><!DOCTYPE bom [<!ENTITY x SYSTEM "file:///etc/passwd">]>` +
			`<bom xmlns="http://cyclonedx.org/schema/bom/1.5"><components><component type="library"><name>&x;</name></component></components></bom>`,
			"invalid character entity &x;"},
		{"XML wrong namespace", `<bom xmlns="http://example.org/bom"></bom>`, "is not a CycloneDX BOM namespace"},
		{"XML truncated", `<bom xmlns="http://cyclonedx.org/schema/bom/1.5"><components><component`, "x.json:1: XML syntax error on line 1: unexpected EOF"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := read(t, "x.json", []byte(tc.doc), inventory.DefaultLimits)
			if err == nil {
				t.Fatal("no error")
			}
			var ie *inventory.InputError
			if !errors.As(err, &ie) {
				t.Fatalf("error %v is not an InputError", err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not contain %q", err, tc.want)
			}
		})
	}
}

func TestLimits(t *testing.T) {
	doc := []byte(`{"bomFormat":"CycloneDX","specVersion":"1.5","components":[{"type":"library","name":"` + strings.Repeat("a", 100) + `"},{"type":"library","name":"b"}]}`)
	t.Run("too large", func(t *testing.T) {
		_, err := read(t, "x.json", doc, inventory.Limits{MaxBytes: 50, MaxItems: 10, MaxString: 1000, MaxDepth: 8})
		if !errors.Is(err, inventory.ErrTooLarge) {
			t.Fatalf("got %v, want ErrTooLarge", err)
		}
	})
	t.Run("long string becomes an unknown", func(t *testing.T) {
		inv, err := read(t, "x.json", doc, inventory.Limits{MaxBytes: 1 << 20, MaxItems: 10, MaxString: 50, MaxDepth: 8})
		if err != nil {
			t.Fatal(err)
		}
		if len(inv.Items) != 1 || len(inv.Unknowns) != 1 || !strings.Contains(inv.Unknowns[0].Reason, "longer than 50 bytes") {
			t.Errorf("items %d, unknowns %+v", len(inv.Items), inv.Unknowns)
		}
	})
	t.Run("too many items", func(t *testing.T) {
		_, err := read(t, "x.json", doc, inventory.Limits{MaxBytes: 1 << 20, MaxItems: 1, MaxString: 1000, MaxDepth: 8})
		if err == nil || !strings.Contains(err.Error(), "more than 1 components") {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("deep nesting is reported, not dropped", func(t *testing.T) {
		var b strings.Builder
		b.WriteString(`{"bomFormat":"CycloneDX","specVersion":"1.5","components":[`)
		for i := 0; i < 100; i++ {
			b.WriteString(`{"type":"library","name":"n","components":[`)
		}
		b.WriteString(`{"type":"library","name":"leaf"}`)
		b.WriteString(strings.Repeat("]}", 100) + "]}")
		inv, err := read(t, "x.json", []byte(b.String()), inventory.Limits{MaxBytes: 1 << 20, MaxItems: 1000, MaxString: 100, MaxDepth: 10})
		if err != nil {
			t.Fatal(err)
		}
		if len(inv.Unknowns) != 1 || !strings.Contains(inv.Unknowns[0].Reason, "nested deeper than 10") {
			t.Errorf("unknowns %+v", inv.Unknowns)
		}
	})
}

// TestRealBOMs reads the CycloneDX files that ship in the cyclonedx-go
// module's own test data and checks every component and service is
// accounted for, counted by an independent generic parse.
func TestRealBOMs(t *testing.T) {
	dir := moduleDir(t, "github.com/CycloneDX/cyclonedx-go")
	files, _ := filepath.Glob(filepath.Join(dir, "testdata", "valid-*.*"))
	if len(files) < 50 {
		t.Fatalf("found %d test BOMs in %s, want the module's ~80", len(files), dir)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			inv, err := read(t, f, data, inventory.DefaultLimits)
			if err != nil {
				t.Fatal(err)
			}
			want := independentCount(t, f, data)
			if got := len(inv.Items) + len(inv.Unknowns); got != want {
				t.Errorf("%d items + unknowns, independent count %d", got, want)
			}
		})
	}
}

func moduleDir(t *testing.T, mod string) string {
	t.Helper()
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", mod).Output()
	if err != nil {
		t.Fatalf("go list -m %s: %v", mod, err)
	}
	dir := strings.TrimSpace(string(out))
	if dir == "" {
		if out, err := exec.Command("go", "mod", "download", mod).CombinedOutput(); err != nil {
			t.Fatalf("go mod download %s: %v\n%s", mod, err, out)
		}
		out, _ = exec.Command("go", "list", "-m", "-f", "{{.Dir}}", mod).Output()
		dir = strings.TrimSpace(string(out))
	}
	if dir == "" {
		t.Fatalf("module %s is not in the module cache", mod)
	}
	return dir
}

// independentCount counts components (at any depth, plus the metadata
// subject) and services (at any depth) without the cyclonedx-go model.
func independentCount(t *testing.T, name string, data []byte) int {
	t.Helper()
	if strings.HasSuffix(name, ".xml") {
		return xmlCount(t, data)
	}
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	n := 0
	var walk func(key string, v any)
	walk = func(key string, v any) {
		list, _ := v.([]any)
		for _, x := range list {
			n++
			if m, ok := x.(map[string]any); ok {
				walk(key, m[key])
			}
		}
	}
	walk("components", doc["components"])
	walk("services", doc["services"])
	if md, ok := doc["metadata"].(map[string]any); ok && md["component"] != nil {
		n++
	}
	return n
}

func xmlCount(t *testing.T, data []byte) int {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(data))
	var stack []string
	n := 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return n
		}
		if err != nil {
			t.Fatal(err)
		}
		switch x := tok.(type) {
		case xml.StartElement:
			parent := ""
			if len(stack) > 0 {
				parent = stack[len(stack)-1]
			}
			name := x.Name.Local
			if (name == "component" && parent == "components") || (name == "service" && parent == "services") ||
				(name == "component" && parent == "metadata") {
				// components under pedigree (ancestors, variants), tools
				// (what made the BOM), formulation (how it was built) and
				// vulnerabilities are not the inventory itself
				if !under(stack, "pedigree", "tools", "formulation", "vulnerabilities") {
					n++
				}
			}
			stack = append(stack, name)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		}
	}
}

func under(stack []string, names ...string) bool {
	for _, s := range stack {
		for _, n := range names {
			if s == n {
				return true
			}
		}
	}
	return false
}
