package web

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/embargo-dev/embargo/store"
)

// dataPage is what the fleet is judged by: the policy version and how
// far judging it again has gone, and every data feed installed.
type dataPage struct {
	Page
	Policy store.PolicyVersion
	Feeds  []store.FeedBundle
}

func (d *dashboard) data(w http.ResponseWriter, r *http.Request, v store.Viewer) error {
	pv, err := d.st.PolicyVersion(r.Context())
	if err != nil {
		return fmt.Errorf("reading the policy version: %w", err)
	}
	fs, err := d.st.Feeds(r.Context(), v)
	if err != nil {
		return fmt.Errorf("reading the feeds: %w", err)
	}
	d.render(w, http.StatusOK, "data", dataPage{Page: d.page(r, v, "Data the estate is judged by"), Policy: pv, Feeds: fs})
	return nil
}

// feedChangesPage is what changed with one feed: the findings its
// re-judging opened, reopened, ended or moved, that the viewer may see.
type feedChangesPage struct {
	Page
	Feed    store.FeedBundle
	Changes []store.FindingChange
	// More is set when the list stops at its limit.
	More bool
}

// maxChangeRows bounds the changes one page lists.
const maxChangeRows = 2000

func (d *dashboard) feedChanges(w http.ResponseWriter, r *http.Request, v store.Viewer) error {
	n, err := strconv.ParseInt(r.PathValue("version"), 10, 64)
	if err != nil {
		return fmt.Errorf("feed version %q: %w", r.PathValue("version"), store.ErrNotFound)
	}
	fs, err := d.st.Feeds(r.Context(), v)
	if err != nil {
		return fmt.Errorf("reading the feeds: %w", err)
	}
	for _, f := range fs {
		if f.FeedVersion != n {
			continue
		}
		cs, err := d.st.Changes(r.Context(), v, f.PolicyVersion, maxChangeRows+1)
		if err != nil {
			return fmt.Errorf("reading the changes of feed version %d: %w", n, err)
		}
		p := feedChangesPage{Page: d.page(r, v, fmt.Sprintf("What changed with feed version %d", n)), Feed: f, Changes: cs}
		if len(cs) > maxChangeRows {
			p.Changes, p.More = cs[:maxChangeRows], true
		}
		d.render(w, http.StatusOK, "feedchanges", p)
		return nil
	}
	return fmt.Errorf("feed version %d: %w", n, store.ErrNotFound)
}
