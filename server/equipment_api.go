package server

import (
	"net/http"
	"strings"

	"github.com/embargo-dev/embargo/report"
	"github.com/embargo-dev/embargo/store"
)

// equipmentFilter reads the equipment list's filters: department, site
// and supplier (an entity id; store.NoSite and store.NoSupplier select
// what has none), and the limit.
func equipmentFilter(r *http.Request) (store.EquipmentFilter, error) {
	q := r.URL.Query()
	f := store.EquipmentFilter{Department: q.Get("department"), Site: q.Get("site"), Supplier: q.Get("supplier")}
	for name, v := range map[string]string{"department": f.Department, "site": f.Site, "supplier": f.Supplier} {
		if len(v) > store.MaxDeviceField {
			return f, errorf(http.StatusBadRequest, "%s: at most %d bytes", name, store.MaxDeviceField)
		}
	}
	var err error
	f.Limit, err = intParam(r, "limit", 0, maxListLimit)
	return f, err
}

// equipment lists the network equipment the viewer may see (an
// officer's department's), by department, site and address, each piece
// with who made it, how that is known and where it stands.
func (s *Server) equipment(w http.ResponseWriter, r *http.Request) error {
	f, err := equipmentFilter(r)
	if err != nil {
		return err
	}
	return listCapped(w, f.Limit, "/api/v1/export/equipment", func(limit int) ([]store.Equipment, error) {
		f.Limit = limit
		return s.st.Equipment(r.Context(), viewer(r), f)
	})
}

// equipmentColumns are the equipment export's columns, in order.
var equipmentColumns = []string{"department", "site", "ip", "mac", "name", "model", "device_type", "hostname", "supplier_id", "supplier",
	"controlling_country", "confidence", "sold_as", "evidence", "mac_registrant", "status", "findings", "first_seen", "last_seen",
	"source", "reader", "host_id", "host", "item_id"}

// exportEquipment writes every piece of equipment of the list the viewer
// may see, filtered alike, as CSV or JSON, read from the store in pages
// by host and item and streamed.
func (s *Server) exportEquipment(w http.ResponseWriter, r *http.Request) error {
	format := r.URL.Query().Get("format")
	if format != "csv" && format != "json" && format != "" {
		return errorf(http.StatusBadRequest, "format=%q: want csv or json", format)
	}
	f, err := equipmentFilter(r)
	if err != nil {
		return err
	}
	f.ByID, f.Limit = true, exportPage
	page, err := s.st.Equipment(r.Context(), viewer(r), f)
	if err != nil {
		return err
	}
	next := func(last []store.Equipment) ([]store.Equipment, error) {
		if len(last) < exportPage {
			return nil, nil
		}
		f.AfterHost, f.AfterItem = last[len(last)-1].HostID, last[len(last)-1].ItemID
		return s.st.Equipment(r.Context(), viewer(r), f)
	}
	return streamRows(w, "embargo-equipment-"+s.now().UTC().Format("20060102"), format, equipmentColumns, equipmentRow, page, next)
}

// equipmentRow is one CSV row; every cell goes through report.CSVCell so
// a spreadsheet never runs a cell as a formula.
func equipmentRow(x store.Equipment) []string {
	var supplierID, supplier, country, soldAs, registrant string
	if s := x.Supplier; s != nil {
		supplierID, supplier, country = s.ID, s.Name, s.Country
	}
	if l := x.SoldAs; l != nil {
		soldAs = l.Label
	}
	if m := x.MACRegistrant; m != nil {
		registrant = registrantText(*m)
	}
	evidence := make([]string, len(x.Evidence))
	for i, e := range x.Evidence {
		evidence[i] = e.Text + " (" + e.Confidence + ")"
	}
	findings := make([]string, len(x.Findings))
	for i, f := range x.Findings {
		findings[i] = f.ID + " " + string(f.State)
	}
	row := []string{x.Department, x.Site, x.IP, x.MAC, x.Name, x.Model, x.DeviceType, x.Hostname, supplierID, supplier, country,
		x.Confidence, soldAs, strings.Join(evidence, "; "), registrant, string(x.Status), strings.Join(findings, "; "), stamp(x.FirstSeen),
		stamp(x.LastSeen), x.Source, x.Reader, x.HostID, x.Host, x.ItemID}
	for i := range row {
		row[i] = report.CSVCell(row[i])
	}
	return row
}

// registrantText says a stored MAC registrant as the report does:
// "registered to Apple, Inc. (IEEE MA-L 00:1E:C2), not a catalogued
// supplier".
func registrantText(m store.MACRegistrant) string {
	r := report.MACRegistrant{MAC: m.MAC, Organization: m.Organization, Registry: m.Registry, Prefix: m.Prefix, CataloguedAs: m.CataloguedAs}
	return r.Text()
}
