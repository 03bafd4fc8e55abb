package systems

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestScaleCompare(t *testing.T) {
	uk, us := UKScale(), USScale()
	tests := []struct {
		name  string
		scale Scale
		a, b  string
		want  int
		err   string
	}{
		{"uk below", uk, "OFFICIAL", "SECRET", -1, ""},
		{"uk equal spelling", uk, "top_secret", "Top Secret", 0, ""},
		{"uk above", uk, "TOP SECRET", "SECRET", 1, ""},
		{"zero is uk", Scale{}, "SECRET", "OFFICIAL", 1, ""},
		{"us", us, "CONFIDENTIAL", "UNCLASSIFIED", 1, ""},
		{"us not uk", us, "OFFICIAL", "SECRET", 0, `classification "OFFICIAL" is not on the scale UNCLASSIFIED < CONFIDENTIAL < SECRET < TOP SECRET`},
		{"marking", uk, "OFFICIAL-SENSITIVE", "OFFICIAL", 0, `looks like a marking within "OFFICIAL"`},
		{"empty", uk, "SECRET", " ", 0, "empty classification"},
	}
	for _, tt := range tests {
		got, err := tt.scale.Compare(tt.a, tt.b)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%s: Compare(%q, %q) error = %v, want %q", tt.name, tt.a, tt.b, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("%s: Compare(%q, %q) = %d, %v; want %d", tt.name, tt.a, tt.b, got, err, tt.want)
		}
	}
}

func TestScaleAtLeast(t *testing.T) {
	uk := UKScale()
	tests := []struct {
		c, min string
		want   bool
	}{
		{"SECRET", "SECRET", true},
		{"TOP SECRET", "SECRET", true},
		{"OFFICIAL", "SECRET", false},
		{"SECRETT", "SECRET", false}, // a misspelling is never in scope by accident
		{"SECRET", "", false},
	}
	for _, tt := range tests {
		if got := uk.AtLeast(tt.c, tt.min); got != tt.want {
			t.Errorf("AtLeast(%q, %q) = %v, want %v", tt.c, tt.min, got, tt.want)
		}
	}
}

func TestNewScale(t *testing.T) {
	s, err := NewScale([]string{" Public ", "Internal", "Restricted"})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"Public", "Internal", "Restricted"}, s.Levels()); diff != "" {
		t.Errorf("levels (-want +got):\n%s", diff)
	}
	if c, err := s.Canonical("restricted"); c != "Restricted" || err != nil {
		t.Errorf("Canonical = %q, %v", c, err)
	}
	for _, bad := range [][]string{nil, {"A", ""}, {"A", "a"}, make([]string, MaxLevels+1)} {
		if _, err := NewScale(bad); err == nil {
			t.Errorf("NewScale(%q) succeeded", bad)
		}
	}
}

func TestOneOff(t *testing.T) {
	got, err := OneOff(UKScale(), "secret", []string{"national-security", "government-device", "national-security"})
	if err != nil {
		t.Fatal(err)
	}
	want := System{ID: OneOffID, Name: "one-off target", Classification: "SECRET",
		Tags: []string{"government-device", "national-security"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if got, _ := OneOff(USScale(), "", nil); got.Classification != "UNCLASSIFIED" || got.Tags != nil {
		t.Errorf("OneOff with nothing = %+v, want the lowest level and no tags", got)
	}
	_, err = OneOff(UKScale(), "CONFIDENTIAL", []string{"National Security"})
	if err == nil || !strings.Contains(err.Error(), `"CONFIDENTIAL" is not on the scale`) || !strings.Contains(err.Error(), `tag "National Security"`) {
		t.Errorf("OneOff error = %v, want both problems", err)
	}
}
