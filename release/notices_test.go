package release

import (
	"debug/buildinfo"
	"regexp"
	"strings"
	"testing"
)

// Every module linked into the binary has its licence in the notices, and
// so has Go; the Debian form refers to common-licenses instead of holding
// the texts lintian objects to.
func TestNotices(t *testing.T) {
	bin := hostBinary(t)
	full, err := Notices(t.Context(), root, bin)
	if err != nil {
		t.Fatal(err)
	}
	deb, err := DebianCopyright(t.Context(), root, bin)
	if err != nil {
		t.Fatal(err)
	}
	info, err := buildinfo.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	if len(info.Deps) < 10 {
		t.Fatalf("%d modules in the binary's build information", len(info.Deps))
	}
	for _, d := range info.Deps {
		head := "\n" + d.Path + " " + d.Version + " ("
		if !strings.Contains(string(full), head) || !strings.Contains(string(deb), head) {
			t.Errorf("no licence of %s %s", d.Path, d.Version)
		}
	}
	for _, s := range []string{"Go " + info.GoVersion, "Embedded data: ipdata/data/NOTICE", "Embedded data: oui/data/NOTICE"} {
		if !strings.Contains(string(full), s) {
			t.Errorf("the notices lack %q", s)
		}
	}
	// lintian's tests for a full licence text in a copyright file
	// (Lintian::Check::Debian::Copyright).
	apache := regexp.MustCompile(`(?s)Apache License\s+Version 2\.0,.*TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION`)
	gpl := regexp.MustCompile(`(?s)GNU GENERAL PUBLIC LICENSE\s*TERMS AND CONDITIONS FOR COPYING,\s*DISTRIBUTION AND MODIFICATION`)
	if !apache.Match(full) {
		t.Error("the full notices lack the Apache licence's text: the test's pattern is stale")
	}
	if apache.Match(deb) || gpl.Match(deb) {
		t.Error("the Debian copyright file holds a full Apache or GPL text")
	}
	if strings.Contains(string(deb), "\r") {
		t.Error("the Debian copyright file has carriage returns")
	}
}

func TestShortenCommon(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Copyright 2020 X\n\n  Apache License\n  Version 2.0, January 2004\n  http://www.apache.org/licenses/\n\n  TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION\n  1. ...\n  END OF TERMS AND CONDITIONS\n\n  APPENDIX",
			"Copyright 2020 X\n\n  The full text of this licence is in /usr/share/common-licenses/Apache-2.0.\n\n  APPENDIX"},
		// spf13/cobra's copy stops before its last line.
		{"Apache License\nVersion 2.0, January 2004\nTERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION\n9. Accepting Warranty\n",
			"The full text of this licence is in /usr/share/common-licenses/Apache-2.0."},
		{"GNU GENERAL PUBLIC LICENSE\n   Version 2, June 1991\n Preamble\n GNU GENERAL PUBLIC LICENSE\n TERMS AND CONDITIONS FOR COPYING, DISTRIBUTION AND MODIFICATION\n...\nEND OF TERMS AND CONDITIONS\nHow to apply",
			"The full text of this licence is in /usr/share/common-licenses/GPL-2.\nHow to apply"},
		{"MIT License\n\nPermission is hereby granted", "MIT License\n\nPermission is hereby granted"},
		// A title alone, with no end, is left as it is.
		{"Apache License\nVersion 2.0, January 2004\n(see the web)", "Apache License\nVersion 2.0, January 2004\n(see the web)"},
	}
	for _, tt := range tests {
		if got := shortenCommon(tt.in); got != tt.want {
			t.Errorf("shortenCommon(%q)\n got %q\nwant %q", tt.in, got, tt.want)
		}
	}
}
