package inventory

import (
	"strings"
	"testing"
)

func TestValidIDs(t *testing.T) {
	for _, tc := range []struct {
		s               string
		bundle, android bool
	}{
		{"com.tencent.xin", true, true},
		{"com.tencent.mm", true, true},
		{"us.zoom.videomeetings", true, true},
		{"com.ss.iphone.ugc.Aweme", true, true},
		{"com.mm.android.DMSS", true, true},
		{"android", true, true}, // the platform's package: one segment
		{"a", true, true},
		{"a.b_c.d9", false, true},
		{"com.example.app_1", false, true},
		{"com.example.notes-lists", true, false},
		{"a.b-c", true, false},
		{"1a.b", true, false}, // a bundle id's segment may begin with a digit
		{"com.example.1app", true, false},
		{"a._b", false, false},
		{"com.-x", true, false},
		{"", false, false},
		{".", false, false},
		{"...", false, false},
		{".a", false, false},
		{"a.", false, false},
		{"a..b", false, false},
		{"com.example.bad id", false, false},
		{"com.example/fixture", false, false},
		{"com.evil/../../etc", false, false},
		{"com.exämple.x", false, false},
		{"a.é", false, false},
		{"com.example.x\n", false, false},
	} {
		if got := ValidBundleID(tc.s); got != tc.bundle {
			t.Errorf("ValidBundleID(%q) = %v, want %v", tc.s, got, tc.bundle)
		}
		if got := ValidAndroidPackage(tc.s); got != tc.android {
			t.Errorf("ValidAndroidPackage(%q) = %v, want %v", tc.s, got, tc.android)
		}
	}
}

func TestValidDeviceID(t *testing.T) {
	for s, want := range map[string]bool{
		"5614":                                 true,
		"8c3e2b0a-6f1d-4c39-9e0a-2b7f5d1c4a90": true,
		"a.b_c-D9":                             true,
		strings.Repeat("9", 128):               true,
		strings.Repeat("9", 129):               false,
		"":                                     false,
		"5614 ":                                false,
		"a:b":                                  false,
		"a/b":                                  false,
		"é":                                    false,
	} {
		if got := ValidDeviceID(s); got != want {
			t.Errorf("ValidDeviceID(%q) = %v, want %v", s, got, want)
		}
	}
}
