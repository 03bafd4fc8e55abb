package storetest

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/store"
)

// testFindingPages reads a list of findings in pages by id, as an export
// does: every finding once, in id order, and an officer's pages hold
// their department's only.
func testFindingPages(t *testing.T, f *fixture) {
	a, b := f.enrol(t, "DWP", "ws-1"), f.enrol(t, "HMRC", "ws-2")
	var dwp, hmrc []store.Finding
	for i := range 5 {
		dwp = append(dwp, finding(fmt.Sprintf("P-DWP-%d", i), "BOD-17-01", t0.Add(-day)))
		hmrc = append(hmrc, finding(fmt.Sprintf("P-HMRC-%d", i), "BOD-17-01", t0.Add(-day)))
	}
	f.scan(t, a, "pages-a", t0, dwp...)
	f.scan(t, b, "pages-b", t0, hmrc...)
	pages := func(v store.Viewer, size int) (ids []string) {
		t.Helper()
		after := ""
		for n := 0; ; n++ {
			page, err := f.st.Findings(f.ctx, v, store.FindingFilter{ByID: true, AfterID: after, Limit: size, NoEvidence: true})
			if err != nil {
				t.Fatal(err)
			}
			if len(page) == 0 || n > 20 {
				return ids
			}
			for _, x := range page {
				ids = append(ids, x.ID)
				if x.Evidence != nil {
					t.Errorf("%s: evidence read with NoEvidence", x.ID)
				}
			}
			after = page[len(page)-1].ID
		}
	}
	want := []string{"P-DWP-0", "P-DWP-1", "P-DWP-2", "P-DWP-3", "P-DWP-4", "P-HMRC-0", "P-HMRC-1", "P-HMRC-2", "P-HMRC-3", "P-HMRC-4"}
	for _, size := range []int{1, 3, 10, 100} {
		if diff := cmp.Diff(want, pages(f.admin, size)); diff != "" {
			t.Errorf("admin, pages of %d (-want +got):\n%s", size, diff)
		}
		if diff := cmp.Diff(want[:5], pages(f.dwp, size)); diff != "" {
			t.Errorf("DWP officer, pages of %d (-want +got):\n%s", size, diff)
		}
	}
}
