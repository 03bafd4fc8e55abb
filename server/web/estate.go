package web

import (
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"time"

	"github.com/embargo-dev/embargo/report"
	"github.com/embargo-dev/embargo/store"
)

// trendDays is how far back the trend charts look.
const trendDays = 90

// Rows a department page lists at most: those that need attention first
// (nearest deadlines; hosts with overdue findings or stale scans). The
// counts above the tables cover them all, and the report and the API
// hold the rest; a page of tens of thousands of rows helps nobody.
const (
	maxFindingRows = 200
	maxHostRows    = 300
)

type overviewPage struct {
	Page
	O               store.Overview
	Policy          store.PolicyVersion // Done < Version: the estate is being judged again
	Departments     []string
	InstrumentChart template.HTML
	DepartmentChart template.HTML
	TrendChart      template.HTML
}

func (d *dashboard) overview(w http.ResponseWriter, r *http.Request, v store.Viewer) error {
	ctx, now := r.Context(), d.opts.Now()
	o, err := d.st.Overview(ctx, v, now)
	if err != nil {
		return fmt.Errorf("reading the overview: %w", err)
	}
	deps, err := d.st.Departments(ctx, v)
	if err != nil {
		return fmt.Errorf("listing departments: %w", err)
	}
	trend, err := d.st.Trend(ctx, v, 30, now)
	if err != nil {
		return fmt.Errorf("reading the trend: %w", err)
	}
	pv, err := d.st.PolicyVersion(ctx)
	if err != nil {
		return fmt.Errorf("reading the policy version: %w", err)
	}
	title := "Estate overview"
	if v.Role == store.Officer {
		title = v.Department + " overview"
	}
	d.render(w, http.StatusOK, "overview", overviewData(d.page(r, v, title), o, deps, trend, pv, d.instrumentTitle))
	return nil
}

func overviewData(p Page, o store.Overview, deps []string, trend []store.TrendPoint, pv store.PolicyVersion, names func(string) string) overviewPage {
	trend = fromFirstData(trend)
	return overviewPage{
		Page: p, O: o, Departments: deps, Policy: pv,
		InstrumentChart: barChart("Open findings by instrument", instrumentBars(o.ByInstrument, names)),
		DepartmentChart: barChart("Open findings by department", countBars(o.ByDepartment, "/departments/")),
		TrendChart:      trendChart("Findings over the last 30 days", trend),
	}
}

type departmentPage struct {
	Page
	Department string
	Hosts      []store.Host              // those needing attention first, at most maxHostRows
	Findings   []store.DepartmentFinding // open and reopened, nearest deadline first, at most maxFindingRows
	// AllHosts and AllOpen count every host and open finding.
	AllHosts, AllOpen int
	InstrumentChart   template.HTML
	Stale             int // hosts not scanned in 30 days
}

// department shows one department: its counts and the rows that need
// attention first, read with DepartmentFacts (a few indexed aggregate
// queries) and one page of hosts, whatever the department's size.
func (d *dashboard) department(w http.ResponseWriter, r *http.Request, v store.Viewer) error {
	dep := r.PathValue("d")
	ctx := r.Context()
	// DepartmentFacts is ErrNotFound for a department v may not see.
	x, err := d.st.DepartmentFacts(ctx, v, dep, time.Time{}, d.opts.Now(), maxFindingRows)
	if err != nil {
		return fmt.Errorf("reading department %q: %w", dep, err)
	}
	hosts, err := d.st.Hosts(ctx, v, store.HostFilter{Department: dep, ByAttention: true, Limit: maxHostRows})
	if err != nil {
		return fmt.Errorf("listing the hosts of %q: %w", dep, err)
	}
	d.render(w, http.StatusOK, "department", departmentData(d.page(r, v, "Department "+dep), dep, x, hosts, d.instrumentTitle))
	return nil
}

func departmentData(p Page, dep string, x store.DepartmentFacts, hosts []store.Host, names func(string) string) departmentPage {
	// The chart lists instruments by name, so that they keep their place
	// from one visit to the next.
	counts := slices.Clone(x.ByInstrument)
	sort.Slice(counts, func(i, j int) bool { return counts[i].Name < counts[j].Name })
	return departmentPage{Page: p, Department: dep, AllHosts: x.Hosts, AllOpen: x.Open,
		Hosts: hosts[:min(len(hosts), maxHostRows)], Findings: x.Findings[:min(len(x.Findings), maxFindingRows)], Stale: x.Stale,
		InstrumentChart: barChart("Open findings of "+dep+" by instrument", instrumentBars(counts, names))}
}

type hostPage struct {
	Page
	Host      store.Host
	Inventory *report.Report // nil when nothing was uploaded
	// InventoryError says why the stored report could not be read.
	InventoryError string
	Findings       []store.Finding
	Flows          []store.FlowFinding
}

func (d *dashboard) host(w http.ResponseWriter, r *http.Request, v store.Viewer) error {
	ctx, id := r.Context(), r.PathValue("id")
	h, err := d.st.Host(ctx, v, id)
	if err != nil {
		return fmt.Errorf("reading host %q: %w", id, err)
	}
	p := hostPage{Page: d.page(r, v, "Host "+h.Host), Host: h}
	raw, err := d.st.Inventory(ctx, v, id)
	switch {
	case err == nil && len(raw) > 0:
		var rep report.Report
		if err := json.Unmarshal(raw, &rep); err != nil {
			p.InventoryError = "the stored scan report cannot be read: " + err.Error()
		} else {
			p.Inventory = &rep
		}
	case err != nil && !isNotFound(err):
		return fmt.Errorf("reading the inventory of host %q: %w", id, err)
	}
	if p.Findings, err = d.st.Findings(ctx, v, store.FindingFilter{HostID: id}); err != nil {
		return fmt.Errorf("listing the findings of host %q: %w", id, err)
	}
	if p.Flows, err = d.st.FlowFindings(ctx, v, store.FindingFilter{HostID: id}); err != nil {
		return fmt.Errorf("listing the flows of host %q: %w", id, err)
	}
	d.render(w, http.StatusOK, "host", p)
	return nil
}

type trendsPage struct {
	Page
	Days   int
	Points []store.TrendPoint
	Chart  template.HTML
}

func (d *dashboard) trends(w http.ResponseWriter, r *http.Request, v store.Viewer) error {
	pts, err := d.st.Trend(r.Context(), v, trendDays, d.opts.Now())
	if err != nil {
		return fmt.Errorf("reading the trend: %w", err)
	}
	pts = fromFirstData(pts)
	d.render(w, http.StatusOK, "trends", trendsPage{Page: d.page(r, v, "Trends"), Days: trendDays, Points: pts,
		Chart: trendChart(fmt.Sprintf("Findings over the last %d days", trendDays), pts)})
	return nil
}

// revokeAgent revokes the host's agent credential (admins; the store
// refuses anyone else) and shows the host again.
func (d *dashboard) revokeAgent(w http.ResponseWriter, r *http.Request, v store.Viewer) error {
	id := r.PathValue("id")
	if err := d.st.RevokeAgent(r.Context(), v, id, d.opts.Now()); err != nil {
		return fmt.Errorf("revoking agent %q: %w", id, err)
	}
	http.Redirect(w, r, "/hosts/"+url.PathEscape(id), http.StatusSeeOther)
	return nil
}

// fromFirstData drops the days before the first with any finding: a
// trend starts where the store's record does, not with weeks of zeros
// from before the server existed.
func fromFirstData(pts []store.TrendPoint) []store.TrendPoint {
	for i, p := range pts {
		if p.Open != 0 || p.Overdue != 0 || p.Remediated != 0 {
			return pts[i:]
		}
	}
	return nil
}

// instrumentTitle is an instrument's title in the catalogue ("" when
// there is none).
func (d *dashboard) instrumentTitle(id string) string {
	cat := d.cat()
	if cat == nil {
		return ""
	}
	if in := cat.Instrument(id); in != nil {
		return in.Title
	}
	return ""
}
