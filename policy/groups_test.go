package policy

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/catalog"
)

// TestGroups resolves each jurisdiction's group by its instruments'
// countries in the catalogue and checks it against the packs' ids, which
// name their jurisdiction independently (uk-..., us-..., eu-...).
func TestGroups(t *testing.T) {
	cat, err := catalog.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	all, err := Packs()
	if err != nil {
		t.Fatal(err)
	}
	prefix := map[string]string{"uk": "uk-", "us-federal": "us-", "eu": "eu-", "de": "de-", "au": "au-", "ca": "ca-"}
	grouped := map[string]bool{}
	for _, g := range GroupNames() {
		ps, err := Resolve([]string{g}, nil, cat)
		if err != nil {
			t.Fatalf("%s: %v", g, err)
		}
		var got, want []string
		for _, p := range ps {
			got = append(got, p.ID)
			grouped[p.ID] = true
		}
		for _, p := range all {
			if strings.HasPrefix(p.ID, prefix[g]) {
				want = append(want, p.ID)
			}
		}
		if diff := cmp.Diff(want, got); diff != "" || len(got) == 0 {
			t.Errorf("group %s (-by id +by instrument country):\n%s", g, diff)
		}
	}
	for _, p := range all {
		if !grouped[p.ID] {
			t.Errorf("pack %s is in no jurisdiction's group", p.ID)
		}
	}
	// A group and one of its packs: the pack once.
	ps, err := Resolve([]string{"uk", "uk-ncsc-2017-russia-av", "au"}, nil, cat)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, p := range ps {
		seen[p.ID]++
		if seen[p.ID] > 1 {
			t.Errorf("%s resolved twice", p.ID)
		}
	}
	if _, err := Resolve([]string{"uk"}, nil, nil); err == nil {
		t.Error("a group resolved without a catalogue")
	}
	if _, err := Resolve([]string{"narnia"}, nil, cat); err == nil || !strings.Contains(err.Error(), "narnia") {
		t.Errorf("an unknown name: %v", err)
	}
}
