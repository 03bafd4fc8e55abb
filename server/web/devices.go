package web

import (
	"fmt"
	"net/http"
	"net/url"

	"github.com/embargo-dev/embargo/store"
)

// devicesPage is the managed devices with open findings, grouped by
// instrument, each row an app on a device as its manager names it.
type devicesPage struct {
	Page
	Filter      store.DeviceFilter
	Departments []string
	Instrs      []string
	Titles      map[string]string
	Groups      []deviceGroup
	Rows        int
	Truncated   bool
	// Export is the CSV export of every row the filter keeps.
	Export string
}

// deviceGroup is one instrument's rows, by app then device.
type deviceGroup struct {
	Instrument string
	Rows       []store.DeviceFinding
}

// groupByInstrument splits rows, ordered by instrument, into groups.
func groupByInstrument(rows []store.DeviceFinding) []deviceGroup {
	var out []deviceGroup
	for _, r := range rows {
		if n := len(out); n == 0 || out[n-1].Instrument != r.Instrument {
			out = append(out, deviceGroup{Instrument: r.Instrument})
		}
		out[len(out)-1].Rows = append(out[len(out)-1].Rows, r)
	}
	return out
}

// devices lists the managed devices with open findings that v may see
// (an officer's department's), by instrument, app and device, filtered
// by department, instrument and app: what the team that runs the device
// manager acts on, with the export of every row.
func (d *dashboard) devices(w http.ResponseWriter, r *http.Request, v store.Viewer) error {
	q := r.URL.Query()
	f := store.DeviceFilter{Department: q.Get("department"), Instrument: clip(q.Get("instrument"), 200), App: clip(q.Get("app"), 200),
		Limit: listRows*2 + 1}
	p := devicesPage{Page: d.page(r, v, "Managed devices"), Filter: f, Titles: map[string]string{}}
	rows, err := d.st.DeviceFindings(r.Context(), v, f)
	if err != nil {
		return fmt.Errorf("listing managed devices: %w", err)
	}
	if len(rows) > listRows*2 {
		rows, p.Truncated = rows[:listRows*2], true
	}
	p.Rows, p.Groups = len(rows), groupByInstrument(rows)
	if p.Departments, err = d.st.Departments(r.Context(), v); err != nil {
		return fmt.Errorf("listing departments: %w", err)
	}
	o, err := d.st.Overview(r.Context(), v, d.opts.Now())
	if err != nil {
		return fmt.Errorf("reading the instruments: %w", err)
	}
	for _, c := range o.ByInstrument {
		p.Instrs = append(p.Instrs, c.Name)
		p.Titles[c.Name] = d.instrumentTitle(c.Name)
	}
	for _, g := range p.Groups {
		if _, ok := p.Titles[g.Instrument]; !ok {
			p.Titles[g.Instrument] = d.instrumentTitle(g.Instrument)
		}
	}
	u := url.Values{"format": {"csv"}}
	for k, val := range map[string]string{"department": f.Department, "instrument": f.Instrument, "app": f.App} {
		if val != "" {
			u.Set(k, val)
		}
	}
	p.Export = "/api/v1/export/devices?" + u.Encode()
	d.render(w, http.StatusOK, "devices", p)
	return nil
}
