package release

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestVersionFromDescribe(t *testing.T) {
	date := time.Date(2026, 12, 8, 23, 59, 0, 0, time.UTC)
	tests := []struct {
		describe, abbrev string
		want             string
		err              string
	}{
		{"", "901e5d9eaa0f", "0.0.0-dev.20261208.g901e5d9eaa0f", ""},
		{"v1.4.0-0-g901e5d9", "901e5d9", "1.4.0", ""},
		{"v1.4.0-12-g901e5d9", "901e5d9", "1.4.0+12.g901e5d9", ""},
		{"v2.0.0-rc.1-0-gabcdef0", "abcdef0", "2.0.0-rc.1", ""},
		{"v2.0.0-rc.1-3-gabcdef0", "abcdef0", "2.0.0-rc.1+3.gabcdef0", ""},
		{"", "", "", "no tag and no commit"},
		{"1.4.0-0-g901e5d9", "901e5d9", "", "want vMAJOR"},
		{"v1.4-0-g901e5d9", "901e5d9", "", "want vMAJOR"},
		{"v01.4.0-0-g901e5d9", "901e5d9", "", "want vMAJOR"},
		{"v1.4.0+meta-2-g901e5d9", "901e5d9", "", "want vMAJOR"},
	}
	for _, tt := range tests {
		got, err := VersionFromDescribe(tt.describe, tt.abbrev, date)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("VersionFromDescribe(%q): %q, %v; want an error saying %q", tt.describe, got, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("VersionFromDescribe(%q) = %q, %v; want %q", tt.describe, got, err, tt.want)
		}
		if err := (Stamp{Version: got, Commit: "901e5d9", Date: date}).Validate(); err != nil {
			t.Errorf("the version %q does not validate: %v", got, err)
		}
	}
}

// Versions sort as releases should in dpkg: a development build before any
// release, commits after a tag after it, a pre-release before its release.
func TestDebVersionOrder(t *testing.T) {
	ordered := []string{"0.0.0-dev.20261208.g901e5d9", "1.4.0-rc.1", "1.4.0", "1.4.0+12.g901e5d9", "1.4.1"}
	var deb []string
	for _, v := range ordered {
		deb = append(deb, DebVersion(v))
	}
	want := []string{"0.0.0~dev.20261208.g901e5d9", "1.4.0~rc.1", "1.4.0", "1.4.0+12.g901e5d9", "1.4.1"}
	if diff := cmp.Diff(want, deb); diff != "" {
		t.Fatalf("DebVersion (-want +got):\n%s", diff)
	}
	dpkg := need(t, "dpkg", "dpkg")
	for i := 1; i < len(deb); i++ {
		runOut(t, dpkg, "--compare-versions", deb[i-1], "lt", deb[i])
	}
}

func TestStampValidate(t *testing.T) {
	ok := testStamp
	tests := []struct {
		name string
		edit func(*Stamp)
		want string
	}{
		{"good", func(*Stamp) {}, ""},
		{"dirty commit", func(s *Stamp) { s.Commit += "-dirty" }, ""},
		{"leading v", func(s *Stamp) { s.Version = "v1.2.3" }, "not a semantic version"},
		{"space in version", func(s *Stamp) { s.Version = "1.2.3 -X main.commit=evil" }, "not a semantic version"},
		{"no commit", func(s *Stamp) { s.Commit = "" }, "commit"},
		{"flag in commit", func(s *Stamp) { s.Commit = "abc -X main.version=1" }, "commit"},
		{"no date", func(s *Stamp) { s.Date = time.Time{} }, "build date"},
	}
	for _, tt := range tests {
		s := ok
		tt.edit(&s)
		err := s.Validate()
		if (tt.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tt.want)) {
			t.Errorf("%s: %v, want %q", tt.name, err, tt.want)
		}
	}
	want := "-s -w -buildid= -X main.version=1.2.3-test.1 -X main.commit=0123456789abcdef0123456789abcdef01234567 -X main.date=2026-01-02T03:04:05Z"
	if got := ok.LDFlags(); got != want {
		t.Errorf("LDFlags\n got %s\nwant %s", got, want)
	}
}

func TestSourceDate(t *testing.T) {
	commit := func() (string, error) { return "1796689030", nil }
	t.Setenv("SOURCE_DATE_EPOCH", "")
	if got, err := sourceDate(commit); err != nil || !got.Equal(time.Unix(1796689030, 0)) {
		t.Errorf("the commit's time: %v, %v", got, err)
	}
	t.Setenv("SOURCE_DATE_EPOCH", "1700000000")
	if got, err := sourceDate(commit); err != nil || !got.Equal(time.Unix(1700000000, 0)) || got.Location() != time.UTC {
		t.Errorf("SOURCE_DATE_EPOCH: %v, %v", got, err)
	}
	t.Setenv("SOURCE_DATE_EPOCH", "yesterday")
	if _, err := sourceDate(commit); err == nil || !strings.Contains(err.Error(), "SOURCE_DATE_EPOCH") {
		t.Errorf("a bad SOURCE_DATE_EPOCH: %v", err)
	}
}

// The stamp of this very repository: a commit id, a version git describe
// gives, the commit's time.
func TestStampFromGit(t *testing.T) {
	need(t, "git", "git")
	t.Setenv("SOURCE_DATE_EPOCH", "")
	s, err := StampFromGit(t.Context(), root)
	if err != nil {
		t.Fatal(err)
	}
	head := strings.TrimSpace(runOut(t, "git", "-C", root, "rev-parse", "HEAD"))
	if strings.TrimSuffix(s.Commit, "-dirty") != head {
		t.Errorf("commit %q, want HEAD %s", s.Commit, head)
	}
	ct := strings.TrimSpace(runOut(t, "git", "-C", root, "log", "-1", "--format=%cI", "HEAD"))
	if want, _ := time.Parse(time.RFC3339, ct); !s.Date.Equal(want) {
		t.Errorf("date %v, want the commit's %v", s.Date, want)
	}
}
