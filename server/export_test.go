package server

import (
	"encoding/csv"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/store"
)

// TestExportReadsEveryPage: an export longer than one page of the store
// holds every finding once, in CSV and in JSON.
func TestExportReadsEveryPage(t *testing.T) {
	f := newFixture(t, sqliteEngine, nil)
	for _, h := range []string{"ws-0001", "ws-0002", "ws-0003"} {
		if code, body, _ := f.enroll(h, "DWP").upload("inventory", scanReport(t), nil); code != http.StatusCreated {
			t.Fatalf("upload: %d %s", code, body)
		}
	}
	admin := f.login("admin")
	var all []store.Finding
	admin.getJSON("/api/v1/findings", http.StatusOK, &all)
	var want []string
	for _, x := range all {
		want = append(want, x.ID)
	}
	slices.Sort(want)
	for _, page := range []int{1, 4, 7, len(want), len(want) + 1} {
		old := exportPage
		exportPage = page
		var exported []store.Finding
		admin.getJSON("/api/v1/export/findings?format=json", http.StatusOK, &exported)
		code, body := admin.do("GET", "/api/v1/export/findings?format=csv", nil, nil)
		exportPage = old
		if code != http.StatusOK {
			t.Fatalf("CSV export: %d", code)
		}
		rows, err := csv.NewReader(strings.NewReader(string(body))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		var fromJSON, fromCSV []string
		for _, x := range exported {
			fromJSON = append(fromJSON, x.ID)
			if x.Evidence != nil {
				t.Errorf("%s: evidence in the export", x.ID)
			}
		}
		for _, r := range rows[1:] {
			fromCSV = append(fromCSV, r[0])
		}
		if diff := cmp.Diff(want, fromJSON); diff != "" {
			t.Errorf("JSON export in pages of %d (-want +got):\n%s", page, diff)
		}
		if diff := cmp.Diff(want, fromCSV); diff != "" {
			t.Errorf("CSV export in pages of %d (-want +got):\n%s", page, diff)
		}
	}
	if len(want) < 10 {
		t.Fatalf("only %d findings: the pages prove little", len(want))
	}
}

// TestFindingsListSaysWhenCut: a list cut at its limit says so; a whole
// one does not.
func TestFindingsListSaysWhenCut(t *testing.T) {
	f := newFixture(t, sqliteEngine, nil)
	if code, body, _ := f.enroll("ws-0001", "DWP").upload("inventory", scanReport(t), nil); code != http.StatusCreated {
		t.Fatalf("upload: %d %s", code, body)
	}
	admin := f.login("admin")
	var all []store.Finding
	admin.getJSON("/api/v1/findings", http.StatusOK, &all)
	if len(all) < 3 {
		t.Fatalf("%d findings", len(all))
	}
	for _, c := range []struct {
		limit int
		cut   bool
	}{{1, true}, {len(all) - 1, true}, {len(all), false}, {len(all) + 1, false}} {
		req, _ := http.NewRequest("GET", f.ts.URL+"/api/v1/findings?limit="+strconv.Itoa(c.limit), nil)
		resp, err := admin.c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var got []store.Finding
		json.NewDecoder(resp.Body).Decode(&got)
		resp.Body.Close()
		if cut := resp.Header.Get(TruncatedHeader) != ""; cut != c.cut || len(got) != min(c.limit, len(all)) {
			t.Errorf("limit %d: %d findings, cut %v; want %d, %v", c.limit, len(got), cut, min(c.limit, len(all)), c.cut)
		}
	}
}
