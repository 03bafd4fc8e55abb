package server

import (
	"fmt"
	"math"
	"net/http"
	"strconv"

	"github.com/embargo-dev/embargo/store"
)

// maxListLimit bounds the rows one list request returns.
const maxListLimit = 10_000

// viewer is the logged-in user (the api wrapper guarantees one).
func viewer(r *http.Request) store.Viewer {
	v, _ := viewerFrom(r)
	return v
}

// intParam reads an optional non-negative integer query parameter.
func intParam(r *http.Request, name string, def, max int) (int, error) {
	s := r.URL.Query().Get(name)
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return 0, errorf(http.StatusBadRequest, "%s=%q: want a whole number", name, s)
	}
	return min(n, max), nil
}

func (s *Server) overview(w http.ResponseWriter, r *http.Request) error {
	o, err := s.st.Overview(r.Context(), viewer(r), s.now())
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, o)
}

// trend is the daily open, overdue and remediated counts (software and
// traffic findings alike), oldest first.
func (s *Server) trend(w http.ResponseWriter, r *http.Request) error {
	days, err := intParam(r, "days", 90, 366)
	if err != nil {
		return err
	}
	if days == 0 {
		days = 90
	}
	tr, err := s.st.Trend(r.Context(), viewer(r), days, s.now())
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, tr)
}

func (s *Server) hosts(w http.ResponseWriter, r *http.Request) error {
	limit, err := intParam(r, "limit", 0, maxListLimit)
	if err != nil {
		return err
	}
	offset, err := intParam(r, "offset", 0, 1<<31-1)
	if err != nil {
		return err
	}
	hs, err := s.st.Hosts(r.Context(), viewer(r), store.HostFilter{Department: r.URL.Query().Get("department"), Query: r.URL.Query().Get("q"),
		Limit: limit, Offset: offset})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, nonNil(hs))
}

func (s *Server) host(w http.ResponseWriter, r *http.Request) error {
	h, err := s.st.Host(r.Context(), viewer(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, h)
}

// inventory is the host's last scan report, as the agent uploaded it.
func (s *Server) inventory(w http.ResponseWriter, r *http.Request) error {
	data, err := s.st.Inventory(r.Context(), viewer(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_, err = w.Write(data)
	return err
}

// findingFilter reads the finding filters of the query.
func findingFilter(r *http.Request) (store.FindingFilter, error) {
	q := r.URL.Query()
	f := store.FindingFilter{Department: q.Get("department"), HostID: q.Get("host"), State: store.FindingState(q.Get("state")), Instrument: q.Get("instrument"),
		Kind: store.Kind(q.Get("kind")), Query: q.Get("q")}
	switch f.State {
	case "", store.Open, store.Waived, store.Remediated, store.OutOfScope, store.Reopened:
	case "standing":
		f.State, f.OpenOrReopened = "", true
	default:
		return f, errorf(http.StatusBadRequest, "state=%q: want open, waived, remediated, out_of_scope, reopened or standing (open or reopened)", f.State)
	}
	switch f.Kind {
	case "", store.Software, store.Traffic:
	default:
		return f, errorf(http.StatusBadRequest, "kind=%q: want software or traffic", f.Kind)
	}
	var err error
	f.Limit, err = intParam(r, "limit", 0, maxListLimit)
	return f, err
}

// TruncatedHeader is set on a list cut at its limit, so that a client
// never takes a page for the whole (the export has every row).
const TruncatedHeader = "Embargo-Truncated"

func (s *Server) findings(w http.ResponseWriter, r *http.Request) error {
	f, err := findingFilter(r)
	if err != nil {
		return err
	}
	want := f.Limit
	if want == 0 {
		want = maxListLimit
	}
	f.Limit = want + 1 // one more tells whether the list goes on
	fs, err := s.st.Findings(r.Context(), viewer(r), f)
	if err != nil {
		return err
	}
	if len(fs) > want {
		fs = fs[:want]
		w.Header().Set(TruncatedHeader, fmt.Sprintf("the first %d findings; GET /api/v1/export/findings has them all", want))
	}
	return writeJSON(w, http.StatusOK, nonNil(fs))
}

func (s *Server) finding(w http.ResponseWriter, r *http.Request) error {
	f, err := s.st.Finding(r.Context(), viewer(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, f)
}

func (s *Server) flows(w http.ResponseWriter, r *http.Request) error {
	f, err := findingFilter(r)
	if err != nil {
		return err
	}
	fs, err := s.st.FlowFindings(r.Context(), viewer(r), f)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, nonNil(fs))
}

func (s *Server) audit(w http.ResponseWriter, r *http.Request) error {
	after, err := intParam(r, "after", 0, math.MaxInt)
	if err != nil {
		return err
	}
	limit, err := intParam(r, "limit", 100, 1000)
	if err != nil {
		return err
	}
	es, err := s.st.Audit(r.Context(), viewer(r), int64(after), limit)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, nonNil(es))
}

// nonNil makes an empty list encode as [] rather than null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
