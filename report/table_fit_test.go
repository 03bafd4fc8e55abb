package report

import (
	"bufio"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestCells(t *testing.T) {
	for _, tc := range []struct {
		s    string
		want int
	}{
		{"kesl", 4},
		{"Лаборатория", 11},
		{"深圳市腾讯计算机系统有限公司", 28}, // wide characters take two columns
		{"ＡＢ", 4},      // full-width
		{"e\u0301", 1}, // a combining accent takes none
		{"a\tb", 2},    // nor does a control character
	} {
		if got := cells(tc.s); got != tc.want {
			t.Errorf("cells(%q) = %d, want %d", tc.s, got, tc.want)
		}
	}
}

func TestClip(t *testing.T) {
	for _, tc := range []struct {
		name, s string
		n       int
		want    string
	}{
		{"fits", "Kaspersky", 9, "Kaspersky"},
		{"cut", "Kaspersky Endpoint Security", 12, "Kaspersky E…"},
		{"no limit", "Kaspersky Endpoint Security", 0, "Kaspersky Endpoint Security"},
		{"wide characters", "深圳市腾讯计算机", 7, "深圳市…"},
		{"a newline", "two\nlines", 0, "two lines"},
		{"mark kept", "DWP Endpoint Protection (repackaged) [local]", 24, "DWP Endpoint Pr… [local]"},
		{"middle", "/mnt/c/Program Files/Kaspersky Lab/KES/avp.exe", 30, "/mnt/c/Program …ab/KES/avp.exe"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got string
			switch tc.name {
			case "middle":
				got = clipMiddle(tc.s, tc.n)
			case "mark kept":
				got = clipMarked(tc.s, tc.n)
			default:
				got = clip(tc.s, tc.n)
			}
			if got != tc.want || (tc.n > 0 && cells(got) > tc.n) {
				t.Errorf("got %q (%d columns), want %q", got, cells(got), tc.want)
			}
		})
	}
}

// Rows that fit stay one line each; rows that do not move their last
// columns to a second line, the location cut in its middle, and every
// line fits.
func TestWriteRows(t *testing.T) {
	rows := func() [][]string {
		return [][]string{
			{"ITEM", "NAME", "TIER", "DECIDED BY", "WHERE"},
			{"I-1", "Kaspersky Endpoint Security for Windows", "product", "cpe_vendor kaspersky (cpe)", "/mnt/c/Windows/System32/config/SOFTWARE HKLM\\SOFTWARE\\Microsoft"},
		}
	}
	render := func(width int) []string {
		var b strings.Builder
		bw := bufio.NewWriter(&b)
		writeRows(bw, "  ", rows(), width, 1, 3, 4)
		bw.Flush()
		return strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	}
	wide := []string{
		"  ITEM  NAME                                     TIER     DECIDED BY                  WHERE",
		"  I-1   Kaspersky Endpoint Security for Windows  product  cpe_vendor kaspersky (cpe)  /mnt/c/Windows/System32/config/SOFTWARE HKLM\\SOFTWARE\\Microsoft",
	}
	if diff := cmp.Diff(wide, render(0)); diff != "" {
		t.Errorf("no limit (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(wide, render(200)); diff != "" {
		t.Errorf("200 columns (-want +got):\n%s", diff)
	}
	narrow := []string{
		"  ITEM  NAME                                     TIER",
		"  I-1   Kaspersky Endpoint Security for Windows  product",
		"        decided by cpe_vendor kaspersky … · where /mnt/c/Windo…OFTWARE\\Microsoft",
	}
	if diff := cmp.Diff(narrow, render(80)); diff != "" {
		t.Errorf("80 columns (-want +got):\n%s", diff)
	}
	for _, line := range render(40) {
		if cells(line) > 40 && !strings.HasPrefix(line, "  I") {
			t.Errorf("40 columns: %q is %d", line, cells(line))
		}
	}
}
