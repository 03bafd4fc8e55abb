package country

import "testing"

func TestName(t *testing.T) {
	for _, c := range []struct{ code, name, label string }{
		{"RU", "Russian Federation", "Russian Federation (RU)"},
		{"CN", "China", "China (CN)"},
		{"IR", "Iran", "Iran (IR)"},
		{"GB", "United Kingdom", "United Kingdom (GB)"},
		{"XZ", "XZ", "XZ"},
		{"??", "unknown", "unknown"},
		{"", "unknown", "unknown"},
	} {
		if got := Name(c.code); got != c.name {
			t.Errorf("Name(%q) = %q, want %q", c.code, got, c.name)
		}
		if got := Label(c.code); got != c.label {
			t.Errorf("Label(%q) = %q, want %q", c.code, got, c.label)
		}
	}
	if len(names) < 249 {
		t.Errorf("%d names; ISO 3166-1 assigns 249", len(names))
	}
}
