package server

import (
	"net/http"

	"github.com/embargo-dev/embargo/report"
	"github.com/embargo-dev/embargo/store"
)

// deviceFilter reads the devices list's filters: department, instrument
// and app (an app's name or product, any case).
func deviceFilter(r *http.Request) (store.DeviceFilter, error) {
	q := r.URL.Query()
	f := store.DeviceFilter{Department: q.Get("department"), Instrument: q.Get("instrument"), App: q.Get("app")}
	if len(f.App) > maxQueryLen {
		return f, errorf(http.StatusBadRequest, "app: at most %d bytes", maxQueryLen)
	}
	var err error
	f.Limit, err = intParam(r, "limit", 0, maxListLimit)
	return f, err
}

// maxQueryLen bounds a name a list is filtered by.
const maxQueryLen = 200

// devices lists the standing findings on managed devices the viewer may
// see (an officer's department's only), by instrument, app and device,
// each with the device as its manager names it: what the team that runs
// the manager acts on.
func (s *Server) devices(w http.ResponseWriter, r *http.Request) error {
	f, err := deviceFilter(r)
	if err != nil {
		return err
	}
	return listCapped(w, f.Limit, "/api/v1/export/devices", func(limit int) ([]store.DeviceFinding, error) {
		f.Limit = limit
		return s.st.DeviceFindings(r.Context(), viewer(r), f)
	})
}

// deviceColumns are the devices export's columns, in order.
var deviceColumns = []string{"finding_id", "department", "instrument", "app", "version", "product", "supplier", "effect", "state",
	"deadline", "first_seen", "mdm", "mdm_id", "device_name", "user", "ownership", "platform", "model", "serial", "host_id", "last_listed"}

// exportDevices writes every row of the devices list the viewer may see,
// filtered alike, as CSV or JSON, read from the store in pages by
// finding id and streamed.
func (s *Server) exportDevices(w http.ResponseWriter, r *http.Request) error {
	format := r.URL.Query().Get("format")
	if format != "csv" && format != "json" && format != "" {
		return errorf(http.StatusBadRequest, "format=%q: want csv or json", format)
	}
	f, err := deviceFilter(r)
	if err != nil {
		return err
	}
	f.ByID, f.Limit = true, exportPage
	page, err := s.st.DeviceFindings(r.Context(), viewer(r), f)
	if err != nil {
		return err
	}
	last := page
	next := func() ([]store.DeviceFinding, error) {
		if len(last) < exportPage {
			return nil, nil
		}
		f.AfterID = last[len(last)-1].FindingID
		var err error
		last, err = s.st.DeviceFindings(r.Context(), viewer(r), f)
		return last, err
	}
	return streamRows(w, "embargo-devices-"+s.now().UTC().Format("20060102"), format, deviceColumns, deviceRow, page, func([]store.DeviceFinding) ([]store.DeviceFinding, error) { return next() })
}

// deviceRow is one CSV row; every cell goes through report.CSVCell so a
// spreadsheet never runs a cell as a formula.
func deviceRow(x store.DeviceFinding) []string {
	d := x.Device
	row := []string{x.FindingID, x.Department, x.Instrument, x.App, x.Version, x.Product, x.Supplier, x.Effect, string(x.State),
		day(x.Deadline), stamp(x.FirstSeen), d.MDM, d.MDMID, d.Name, d.User, ownershipText(d.Ownership), d.Platform, d.Model, d.Serial,
		x.HostID, stamp(d.Seen)}
	for i := range row {
		row[i] = report.CSVCell(row[i])
	}
	return row
}

// ownershipText is a device's ownership for people: "unknown" when its
// manager does not say.
func ownershipText(o string) string {
	if o == "" {
		return "unknown"
	}
	return o
}
