package web

import (
	"fmt"
	"net/http"
	"net/url"

	"github.com/embargo-dev/embargo/report"
	"github.com/embargo-dev/embargo/store"
)

// equipmentPage is the network equipment by department and site (issue
// 18): each row a device's addresses, name, maker and how it was
// identified, and where it stands.
type equipmentPage struct {
	Page
	Filter      store.EquipmentFilter
	Departments []string
	Sites       []equipmentOption
	Suppliers   []equipmentOption
	Groups      []equipmentDepartment
	Rows        int
	Truncated   bool
	// Export is the CSV export of every row the filter keeps.
	Export string
}

// equipmentOption is one choice of a filter.
type equipmentOption struct {
	Value, Label string
	N            int
	Selected     bool
}

// equipmentDepartment is one department's equipment, by site.
type equipmentDepartment struct {
	Department string
	Sites      []equipmentSite
}

// equipmentSite is one site's equipment, by address.
type equipmentSite struct {
	Site string
	Rows []equipmentRow
}

// equipmentRow is a piece of equipment with what the page says of it.
type equipmentRow struct {
	store.Equipment
	// Label is its name, and its model when that is another.
	Label string
	// Registrant says, for equipment no catalogued supplier matched, who
	// the IEEE registry lists its MAC address's block as registered to.
	Registrant string
	// StatusText and StatusClass are its status in words and as the
	// stylesheet's state class.
	StatusText, StatusClass string
}

// equipmentStatus gives each status its words and state class: a
// finding and an unknown maker alarm (unknown is never compliant), a
// waiver warns, clear is fine.
var equipmentStatus = map[store.EquipmentStatus][2]string{
	store.EquipmentHasFinding: {"restricted: a finding is open", "open"},
	store.EquipmentWaived:     {"waived", "waived"},
	store.EquipmentUnknown:    {"unknown maker: not compliant until resolved", "open"},
	store.EquipmentClear:      {"clear: no rule in force forbids it here", "remediated"},
}

// groupEquipment splits rows, ordered by department and site, into
// groups.
func groupEquipment(rows []store.Equipment) []equipmentDepartment {
	var out []equipmentDepartment
	for _, e := range rows {
		if n := len(out); n == 0 || out[n-1].Department != e.Department {
			out = append(out, equipmentDepartment{Department: e.Department})
		}
		d := &out[len(out)-1]
		site := e.Site
		if site == "" {
			site = store.NoSite
		}
		if n := len(d.Sites); n == 0 || d.Sites[n-1].Site != site {
			d.Sites = append(d.Sites, equipmentSite{Site: site})
		}
		s := &d.Sites[len(d.Sites)-1]
		row := equipmentRow{Equipment: e, Label: e.Name}
		if e.Model != "" && e.Model != e.Name {
			row.Label += " (" + e.Model + ")"
		}
		if m := e.MACRegistrant; m != nil {
			r := report.MACRegistrant{MAC: m.MAC, Organization: m.Organization, Registry: m.Registry, Prefix: m.Prefix, CataloguedAs: m.CataloguedAs}
			row.Registrant = "MAC " + m.MAC + " " + r.Text()
		}
		st := equipmentStatus[e.Status]
		row.StatusText, row.StatusClass = st[0], st[1]
		if row.StatusText == "" {
			row.StatusText = string(e.Status)
		}
		s.Rows = append(s.Rows, row)
	}
	return out
}

// equipment lists the network equipment that v may see (an officer's
// department's) by department, site and address, filtered by
// department, site and supplier, with the export of every row.
func (d *dashboard) equipment(w http.ResponseWriter, r *http.Request, v store.Viewer) error {
	q := r.URL.Query()
	f := store.EquipmentFilter{Department: clip(q.Get("department"), 200), Site: clip(q.Get("site"), store.MaxDeviceField),
		Supplier: clip(q.Get("supplier"), 200), Limit: listRows*2 + 1}
	p := equipmentPage{Page: d.page(r, v, "Network equipment"), Filter: f}
	rows, err := d.st.Equipment(r.Context(), v, f)
	if err != nil {
		return fmt.Errorf("listing network equipment: %w", err)
	}
	if len(rows) > listRows*2 {
		rows, p.Truncated = rows[:listRows*2], true
	}
	p.Rows, p.Groups = len(rows), groupEquipment(rows)
	if p.Departments, err = d.st.Departments(r.Context(), v); err != nil {
		return fmt.Errorf("listing departments: %w", err)
	}
	facets, err := d.st.EquipmentFacets(r.Context(), v, f.Department)
	if err != nil {
		return fmt.Errorf("reading the equipment's sites and suppliers: %w", err)
	}
	for _, c := range facets.Sites {
		p.Sites = append(p.Sites, equipmentOption{Value: c.Name, Label: c.Name, N: c.N, Selected: c.Name == f.Site})
	}
	for _, c := range facets.Suppliers {
		label := "none catalogued (unknown maker)"
		if c.Name != store.NoSupplier {
			label = p.Names.Entity(c.Name)
		}
		p.Suppliers = append(p.Suppliers, equipmentOption{Value: c.Name, Label: label, N: c.N, Selected: c.Name == f.Supplier})
	}
	u := url.Values{"format": {"csv"}}
	for k, val := range map[string]string{"department": f.Department, "site": f.Site, "supplier": f.Supplier} {
		if val != "" {
			u.Set(k, val)
		}
	}
	p.Export = "/api/v1/export/equipment?" + u.Encode()
	d.render(w, http.StatusOK, "equipment", p)
	return nil
}
