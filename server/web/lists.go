package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/embargo-dev/embargo/store"
)

// listRows is how many rows a list page shows at a time.
const listRows = 100

type hostsPage struct {
	Page
	Hosts       []store.Host
	Query       string
	Department  string
	Departments []string
	Offset      int
	// Prev and Next are the addresses of the pages around this one
	// (empty: none).
	Prev, Next string
}

// hostsList lists the hosts v may see, searched by name, system or owner
// and filtered by department, a page at a time.
func (d *dashboard) hostsList(w http.ResponseWriter, r *http.Request, v store.Viewer) error {
	q := r.URL.Query()
	p := hostsPage{Page: d.page(r, v, "Hosts"), Query: clip(q.Get("q"), 200), Department: q.Get("department")}
	p.Offset, _ = strconv.Atoi(q.Get("offset"))
	p.Offset = max(0, p.Offset)
	hs, err := d.st.Hosts(r.Context(), v, store.HostFilter{Query: p.Query, Department: p.Department, Limit: listRows + 1, Offset: p.Offset})
	if err != nil {
		return fmt.Errorf("listing hosts: %w", err)
	}
	if p.Departments, err = d.st.Departments(r.Context(), v); err != nil {
		return fmt.Errorf("listing departments: %w", err)
	}
	at := func(off int) string {
		u := url.Values{}
		for k, v := range map[string]string{"q": p.Query, "department": p.Department} {
			if v != "" {
				u.Set(k, v)
			}
		}
		if off > 0 {
			u.Set("offset", strconv.Itoa(off))
		}
		return "/hosts?" + u.Encode()
	}
	if len(hs) > listRows {
		hs, p.Next = hs[:listRows], at(p.Offset+listRows)
	}
	if p.Offset > 0 {
		p.Prev = at(max(0, p.Offset-listRows))
	}
	p.Hosts = hs
	d.render(w, http.StatusOK, "hosts", p)
	return nil
}

type findingsPage struct {
	Page
	Findings  []store.Finding
	Filter    store.FindingFilter
	Truncated bool
	// Export is the CSV export of every finding the filter keeps.
	Export    string
	States    []store.FindingState
	Instrs    []string
	Titles    map[string]string
	HostNames map[string]string
}

// findingsList lists the findings v may see, searched and filtered, the
// first rows of them, with the CSV export of all.
func (d *dashboard) findingsList(w http.ResponseWriter, r *http.Request, v store.Viewer) error {
	q := r.URL.Query()
	f := store.FindingFilter{Query: clip(q.Get("q"), 200), State: store.FindingState(q.Get("state")), Instrument: q.Get("instrument"),
		Kind: store.Kind(q.Get("kind")), Department: q.Get("department"), NoEvidence: true, Limit: listRows*2 + 1}
	if f.State == "standing" {
		f.State, f.OpenOrReopened = "", true
	}
	p := findingsPage{Page: d.page(r, v, "Findings"), Filter: f, Titles: map[string]string{}, HostNames: map[string]string{},
		States: []store.FindingState{store.Open, store.Reopened, store.Waived, store.Remediated, store.OutOfScope}}
	fs, err := d.st.Findings(r.Context(), v, f)
	if err != nil {
		return fmt.Errorf("listing findings: %w", err)
	}
	if len(fs) > listRows*2 {
		fs, p.Truncated = fs[:listRows*2], true
	}
	p.Findings = fs
	o, err := d.st.Overview(r.Context(), v, d.opts.Now())
	if err != nil {
		return fmt.Errorf("reading the instruments: %w", err)
	}
	for _, c := range o.ByInstrument {
		p.Instrs = append(p.Instrs, c.Name)
		p.Titles[c.Name] = d.instrumentTitle(c.Name)
	}
	for _, x := range fs {
		if _, ok := p.Titles[x.Instrument]; !ok {
			p.Titles[x.Instrument] = d.instrumentTitle(x.Instrument)
		}
		if _, ok := p.HostNames[x.HostID]; !ok {
			p.HostNames[x.HostID] = x.HostID
			if h, err := d.st.Host(r.Context(), v, x.HostID); err == nil {
				p.HostNames[x.HostID] = h.Host
			}
		}
	}
	u := url.Values{"format": {"csv"}}
	state := string(f.State)
	if f.OpenOrReopened {
		state = "standing"
	}
	for k, val := range map[string]string{"q": f.Query, "state": state, "instrument": f.Instrument, "kind": string(f.Kind), "department": f.Department} {
		if val != "" {
			u.Set(k, val)
		}
	}
	p.Export = "/api/v1/export/findings?" + u.Encode()
	d.render(w, http.StatusOK, "findings", p)
	return nil
}
