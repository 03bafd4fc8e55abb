package osquery

import (
	"bufio"
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/inventory"
)

func ev(query, action, columns string) string {
	return `{"name":"` + query + `","hostIdentifier":"h1","unixTime":1,"epoch":0,"counter":1,"action":"` + action + `","columns":` + columns + "}\n"
}

func TestNothingRead(t *testing.T) {
	tiny := inventory.DefaultLimits
	tiny.MaxBytes = 100
	few := inventory.DefaultLimits
	few.MaxItems = 2
	tests := []struct {
		name  string
		input string
		lim   inventory.Limits
		line  int
		err   string
	}{
		{"empty", "", inventory.DefaultLimits, 0, "empty log"},
		{"blank lines", "\n  \n\r\n", inventory.DefaultLimits, 0, "empty log"},
		{"garbage", "hello\n{\"severity\":0}\n", inventory.DefaultLimits, 1, "no line is an osquery results line (first: not an osquery results line: invalid character 'h'"},
		{"JSON array", "[1, 2]\n", inventory.DefaultLimits, 1, "a JSON array, not an object"},
		{"too large", strings.Repeat(ev("programs", "added", `{"name":"kesl"}`), 2), tiny, 1, "exceeds the size limit"},
		{"item limit", `{"snapshot":[{"name":"a","publisher":"p"},{"name":"b","publisher":"p"},{"name":"c","publisher":"p"}],"name":"programs","hostIdentifier":"h"}` + "\n",
			few, 1, "more than 2 rows present at once"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			inv, err := readString(t, tc.input, tc.lim)
			var ie *inventory.InputError
			if !errors.As(err, &ie) {
				t.Fatalf("error %v (inventory %+v), want an InputError", err, inv)
			}
			if ie.Source != "osqueryd.results.log" || ie.Line != tc.line || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("error %q at line %d, want line %d and %q", err, ie.Line, tc.line, tc.err)
			}
		})
	}
}

// TestPartlyRead: lines that cannot be read are unknowns and the reader
// goes on.
func TestPartlyRead(t *testing.T) {
	lim := inventory.DefaultLimits
	lim.MaxString = 16 // lines up to 256 bytes
	input := "\xef\xbb\xbf" + strings.TrimSuffix(ev("programs", "added", `{"name":"kesl","publisher":"AO Kaspersky Lab"}`), "\n") + "\r\n" +
		`{"name":"programs","hostIdentifier":"h1","action":"added","columns":{"name":"` + strings.Repeat("x", 300) + `"}}` + "\n" +
		ev("programs", "added", `{"name":"`+strings.Repeat("K", 17)+`","publisher":"p"}`) +
		ev("programs", "removed", `{"name":"never","publisher":"added"}`) +
		ev("programs", "snapshot", `{"name":"kav","publisher":"p"}`) +
		`{"name":5,"hostIdentifier":"h1","action":"added","columns":{}}` + "\n" +
		ev("pack_linux_deb_packages", "added", `{"name":"kesl","version":"12"}`) +
		ev("pack_programs", "added", `{"name":"Kaspersky Free","version":1}`) +
		ev("hash", "added", `{"path":"/bin/ls","sha1":"00"}`) +
		ev("odd", "added", `{"name":"x","version":"1"}`)
	inv, err := readString(t, input, lim)
	if err != nil {
		t.Fatal(err)
	}
	items, unknowns := summarise(t, inv)
	wantItems := []itemRow{
		{app, "windows", "kesl", "", "h1", "programs added", 1, attrs("publisher", "AO Kaspersky Lab")},
		{inventory.Package, "deb", "kesl", "12", "h1", "pack_linux_deb_packages added", 7, nil},
		{app, "windows", "Kaspersky Free", "1", "h1", "pack_programs added", 8, nil},
	}
	if d := cmp.Diff(wantItems, items); d != "" {
		t.Errorf("items (-want +got):\n%s", d)
	}
	wantUnknowns := []gap{
		{2, "", "line longer than 256 bytes was not read"},
		{3, "h1", "column name longer than 16 bytes"},
		{5, "", "not an osquery results line: no snapshot, diffResults, or columns with an added or removed action"},
		{6, "", `not an osquery results line: "name" is JSON number, not string`},
		{9, "h1", `query "hash": rows from a table this reader does not read (1 present on 1 host; columns: path, sha1)`},
		{10, "h1", `query "odd": rows from a table this reader does not read (1 present on 1 host; columns: name, version)`},
	}
	if d := cmp.Diff(wantUnknowns, unknowns, reasonPrefix); d != "" {
		t.Errorf("unknowns (-want +got):\n%s", d)
	}
}

func TestCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Reader{}.Read(ctx, "log", strings.NewReader(ev("programs", "added", `{"name":"kesl"}`)), inventory.DefaultLimits)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want context.Canceled", err)
	}
}

func TestReadLine(t *testing.T) {
	exact := strings.Repeat("a", 40)
	input := exact + "\n" + exact + "b\n" + strings.Repeat("c", 100) + "\r\n\n" + "tail"
	br := bufio.NewReaderSize(strings.NewReader(input), 16) // lines span buffers
	type res struct {
		Line string
		Long bool
	}
	var got []res
	var buf []byte
	for {
		line, long, err := readLine(br, buf, 40)
		got = append(got, res{string(line), long})
		if err != nil {
			if !errors.Is(err, io.EOF) {
				t.Fatal(err)
			}
			break
		}
		buf = line
	}
	want := []res{{exact, false}, {"", true}, {"", true}, {"", false}, {"tail", false}}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("lines (-want +got):\n%s", d)
	}
}

// TestOtherTables: rows of tables not read are one unknown per query,
// whatever the number of hosts, and only while they are present.
func TestOtherTables(t *testing.T) {
	proc := func(host, action, pid string) string {
		return `{"name":"processes","hostIdentifier":"` + host + `","action":"` + action + `","columns":{"pid":"` + pid + `","cmdline":"x"}}` + "\n"
	}
	input := proc("h1", "added", "1") + proc("h2", "added", "2") + proc("h2", "added", "3") +
		`{"name":"users","hostIdentifier":"h1","action":"added","columns":{"uid":"0","username":"root"}}` + "\n" +
		`{"name":"users","hostIdentifier":"h1","action":"removed","columns":{"uid":"0","username":"root"}}` + "\n"
	inv, err := readString(t, input, inventory.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	_, unknowns := summarise(t, inv)
	want := []gap{{1, "", `query "processes": rows from a table this reader does not read (3 present on 2 hosts; columns: cmdline, pid)`}}
	if d := cmp.Diff(want, unknowns); d != "" || len(inv.Items) != 0 {
		t.Errorf("items %v; unknowns (-want +got):\n%s", inv.Items, d)
	}
}
