package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/embargo-dev/embargo/store"
)

// Limits of what a waiver form may carry; the store keeps them as text.
const (
	maxReasonRunes = 2000
	maxNoteRunes   = 2000
)

type waiversPage struct {
	Page
	Waivers []store.Waiver
	// Finding is the finding a waiver is requested for (from ?finding=,
	// the finding page's link): the form names it rather than asking for
	// an id. Nil: no form, only the way to one.
	Finding *store.Finding
	// Items names the waivers' findings by their items.
	Items map[string]string
}

func (d *dashboard) waivers(w http.ResponseWriter, r *http.Request, v store.Viewer) error {
	ws, err := d.st.Waivers(r.Context(), v, "")
	if err != nil {
		return fmt.Errorf("listing waivers: %w", err)
	}
	p := waiversPage{Page: d.page(r, v, "Waivers"), Waivers: ws, Items: map[string]string{}}
	if id := r.URL.Query().Get("finding"); id != "" {
		f, err := d.st.Finding(r.Context(), v, clip(id, 200))
		if err != nil {
			return fmt.Errorf("the finding to waive: %w", err)
		}
		p.Finding = &f
	}
	for _, x := range ws {
		if _, ok := p.Items[x.FindingID]; ok {
			continue
		}
		if f, err := d.st.Finding(r.Context(), v, x.FindingID); err == nil {
			p.Items[x.FindingID] = f.Item
		}
	}
	d.render(w, http.StatusOK, "waivers", p)
	return nil
}

type waiverPage struct {
	Page
	W store.Waiver
	// CanDecide is whether the approve and reject forms are shown: an
	// admin other than the requester, on a waiver still requested.
	CanDecide bool
}

func (d *dashboard) waiver(w http.ResponseWriter, r *http.Request, v store.Viewer) error {
	id, err := waiverID(r)
	if err != nil {
		return err
	}
	x, err := d.st.Waiver(r.Context(), v, id)
	if err != nil {
		return fmt.Errorf("reading waiver %d: %w", id, err)
	}
	d.render(w, http.StatusOK, "waiver", waiverData(d.page(r, v, fmt.Sprintf("Waiver #%d", id)), x))
	return nil
}

func waiverData(p Page, x store.Waiver) waiverPage {
	return waiverPage{Page: p, W: x,
		CanDecide: p.IsAdmin && x.State == store.Requested && x.RequestedBy != p.Viewer.Username}
}

// requestWaiver takes the request form: finding_id, reason, expiry
// (YYYY-MM-DD, the waiver ends at the start of that day, UTC).
func (d *dashboard) requestWaiver(w http.ResponseWriter, r *http.Request, v store.Viewer) error {
	if v.Role == store.Auditor {
		return fmt.Errorf("auditors change nothing: %w", store.ErrForbidden)
	}
	f := r.PostForm
	id := strings.TrimSpace(f.Get("finding_id"))
	reason := strings.TrimSpace(f.Get("reason"))
	if id == "" || reason == "" {
		return fmt.Errorf("a waiver needs a finding and a reason: %w", errBadRequest)
	}
	if len([]rune(reason)) > maxReasonRunes {
		return fmt.Errorf("the reason is longer than %d characters: %w", maxReasonRunes, errBadRequest)
	}
	expiry, err := time.Parse(time.DateOnly, strings.TrimSpace(f.Get("expiry")))
	if err != nil {
		return fmt.Errorf("the expiry %q is not a date (YYYY-MM-DD): %w", f.Get("expiry"), errBadRequest)
	}
	if !expiry.After(d.opts.Now()) {
		return fmt.Errorf("the expiry %s is not in the future: %w", expiry.Format(time.DateOnly), errBadRequest)
	}
	x, err := d.st.RequestWaiver(r.Context(), v, store.Waiver{FindingID: id, Reason: reason, Expiry: expiry, Requested: d.opts.Now()})
	if err != nil {
		return fmt.Errorf("requesting a waiver of finding %q: %w", id, err)
	}
	http.Redirect(w, r, fmt.Sprintf("/waivers/%d", x.ID), http.StatusSeeOther)
	return nil
}

// decideWaiver takes the approve or reject form (an optional note).
func (d *dashboard) decideWaiver(approve bool) func(http.ResponseWriter, *http.Request, store.Viewer) error {
	return func(w http.ResponseWriter, r *http.Request, v store.Viewer) error {
		id, err := waiverID(r)
		if err != nil {
			return err
		}
		if v.Role == store.Auditor {
			return fmt.Errorf("auditors change nothing: %w", store.ErrForbidden)
		}
		note := strings.TrimSpace(r.PostForm.Get("note"))
		if len([]rune(note)) > maxNoteRunes {
			return fmt.Errorf("the note is longer than %d characters: %w", maxNoteRunes, errBadRequest)
		}
		if _, err := d.st.DecideWaiver(r.Context(), v, id, approve, note, d.opts.Now()); err != nil {
			return fmt.Errorf("deciding waiver %d: %w", id, err)
		}
		http.Redirect(w, r, fmt.Sprintf("/waivers/%d", id), http.StatusSeeOther)
		return nil
	}
}

// waiverID reads the {id} of the path; a malformed one is a page that
// does not exist.
func waiverID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, fmt.Errorf("waiver %q: %w", r.PathValue("id"), store.ErrNotFound)
	}
	return id, nil
}
