package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/embargo-dev/embargo/store"
)

// deviceDoc is the JSON of hosts.device: what the device's manager says
// (DeviceInfo without what the store keeps in columns of its own).
type deviceDoc struct {
	MDM          string `json:"mdm,omitempty"`
	MDMID        string `json:"mdm_id,omitempty"`
	Name         string `json:"name,omitempty"`
	User         string `json:"user,omitempty"`
	Ownership    string `json:"ownership,omitempty"`
	Scope        string `json:"scope,omitempty"`
	Platform     string `json:"platform,omitempty"`
	Manufacturer string `json:"manufacturer,omitempty"`
	Model        string `json:"model,omitempty"`
	OSVersion    string `json:"os_version,omitempty"`
	Serial       string `json:"serial,omitempty"`
	IMEI         string `json:"imei,omitempty"`
	Group        string `json:"group,omitempty"`
	Apps         int    `json:"apps"`
}

// encodeDevice is d's JSON as hosts.device keeps it (d clipped).
func encodeDevice(d store.DeviceInfo) (string, error) {
	b, err := json.Marshal(deviceDoc{MDM: d.MDM, MDMID: d.MDMID, Name: d.Name, User: d.User, Ownership: d.Ownership,
		Scope: d.Scope, Platform: d.Platform, Manufacturer: d.Manufacturer, Model: d.Model, OSVersion: d.OSVersion,
		Serial: d.Serial, IMEI: d.IMEI, Group: d.Group, Apps: d.Apps})
	return string(b), err
}

// decodeDevice reads hosts.device.
func decodeDevice(s string) (store.DeviceInfo, error) {
	var x deviceDoc
	if err := json.Unmarshal([]byte(s), &x); err != nil {
		return store.DeviceInfo{}, err
	}
	return store.DeviceInfo{MDM: x.MDM, MDMID: x.MDMID, Name: x.Name, User: x.User, Ownership: x.Ownership, Scope: x.Scope,
		Platform: x.Platform, Manufacturer: x.Manufacturer, Model: x.Model, OSVersion: x.OSVersion, Serial: x.Serial, IMEI: x.IMEI,
		Group: x.Group, Apps: x.Apps}, nil
}

// judgedAlike reports whether two records of a device say the same in
// what judging reads (labels and tags) and findings name.
func judgedAlike(a, b store.DeviceInfo) bool {
	return a.MDM == b.MDM && a.MDMID == b.MDMID && a.Name == b.Name && a.User == b.User && a.Ownership == b.Ownership &&
		a.Scope == b.Scope && a.Platform == b.Platform && a.Group == b.Group
}

// keptDevice is what UpsertDeviceHosts reads of a host already kept.
type keptDevice struct {
	dept, kind string
	doc        sql.NullString
}

// UpsertDeviceHosts implements store.Store.
func (s *Store) UpsertDeviceHosts(ctx context.Context, v store.Viewer, p store.DevicePull) (store.DevicePullResult, error) {
	what := fmt.Sprintf("keep the devices of %q in %q", p.Connector, p.Department)
	if err := adminOnly(v, what); err != nil {
		return store.DevicePullResult{}, err
	}
	switch {
	case p.Department == "" || p.Connector == "":
		return store.DevicePullResult{}, fmt.Errorf("%s: %w: a department and a connector are needed", what, store.ErrInvalid)
	case p.At.IsZero():
		return store.DevicePullResult{}, fmt.Errorf("%s: %w: no time of the pull", what, store.ErrInvalid)
	}
	ds := dedupe(p.Devices, func(d store.DeviceHost) string { return d.ID })
	docs := make([]string, len(ds))
	for i, d := range ds {
		if d.ID == "" || len(d.ID) > 128 || d.Host == "" {
			return store.DevicePullResult{}, fmt.Errorf("%s: %w: a device needs an id (at most 128 bytes) and a host name", what, store.ErrInvalid)
		}
		ds[i].Device = store.ClipDevice(d.Device)
		var err error
		if docs[i], err = encodeDevice(ds[i].Device); err != nil {
			return store.DevicePullResult{}, fmt.Errorf("%s: %w", what, err)
		}
	}
	at := ts(p.At)
	var res store.DevicePullResult
	err := s.update(ctx, func(tx *sql.Tx) error {
		res = store.DevicePullResult{Refused: map[string]string{}}
		kept, err := s.keptDevices(ctx, tx, ds)
		if err != nil {
			return err
		}
		var fresh, seen []int
		for i, d := range ds {
			k, ok := kept[d.ID]
			switch {
			case !ok:
				fresh = append(fresh, i)
				res.Created = append(res.Created, d.ID)
			case k.kind != "device":
				res.Refused[d.ID] = "the id is an enrolled agent's"
			case k.dept != p.Department:
				res.Refused[d.ID] = "the id is a device of department " + k.dept
			default:
				seen = append(seen, i)
				if old, err := decodeDevice(k.doc.String); !k.doc.Valid || err != nil || !judgedAlike(old, d.Device) {
					res.Changed = append(res.Changed, d.ID)
				}
			}
		}
		if err := s.insertRows(ctx, tx, `INSERT INTO agents (id, department, host, secret_hash, enrolled, kind) VALUES %s`, 6, len(fresh),
			func(i int, args []any) []any {
				d := ds[fresh[i]]
				return append(args, d.ID, p.Department, truncate(d.Host, 512), []byte{}, at, "device")
			}); err != nil {
			return fmt.Errorf("device agents: %w", err)
		}
		if err := s.insertRows(ctx, tx, `INSERT INTO hosts (id, department, host, device, device_source, device_seen) VALUES %s`, 6, len(fresh),
			func(i int, args []any) []any {
				d := ds[fresh[i]]
				return append(args, d.ID, p.Department, truncate(d.Host, 512), docs[fresh[i]], p.Connector, at)
			}); err != nil {
			return fmt.Errorf("device hosts: %w", err)
		}
		if err := s.updateFrom(ctx, tx, "hosts", `host = v.column2, device = v.column3, device_source = v.column4,
			device_seen = `+s.d.greatest+`(hosts.device_seen, v.column5), device_missed = 0`,
			"(?, ?, ?, ?, CAST(? AS BIGINT))", 5, len(seen), func(i int, args []any) []any {
				d := ds[seen[i]]
				return append(args, d.ID, truncate(d.Host, 512), docs[seen[i]], p.Connector, at)
			}); err != nil {
			return fmt.Errorf("device hosts: %w", err)
		}
		if p.Complete {
			// Each pull counted once: applied again, it finds device_pull
			// already at its time.
			if _, err := tx.ExecContext(ctx, s.d.q(`UPDATE hosts SET device_missed = device_missed + 1, device_pull = ?
				WHERE department = ? AND device_source = ? AND device IS NOT NULL AND device_seen < ? AND device_pull < ?`),
				at, p.Department, p.Connector, at, at); err != nil {
				return fmt.Errorf("missed devices: %w", err)
			}
		}
		if err := each(ctx, s, tx, `SELECT `+hostCols+` FROM hosts WHERE department = ? AND device_source = ? AND device IS NOT NULL
			AND device_seen < ? ORDER BY device_seen, host, id`, []any{p.Department, p.Connector, at}, func(row *sql.Rows) error {
			h, err := scanHost(row)
			res.Missing = append(res.Missing, h)
			return err
		}); err != nil {
			return fmt.Errorf("missing devices: %w", err)
		}
		refused := slices.Sorted(maps.Keys(res.Refused))
		return s.audit(ctx, tx, actor(v), "devices.pull", p.Department+"/"+p.Connector, map[string]any{
			"devices": len(ds), "created": len(res.Created), "changed": len(res.Changed), "refused": refused,
			"complete": p.Complete, "missing": len(res.Missing)})
	})
	if err != nil {
		return store.DevicePullResult{}, fmt.Errorf("%s: %w", what, err)
	}
	return res, nil
}

// keptDevices reads the hosts already kept under the devices' ids, with
// the kind of their agents row.
func (s *Store) keptDevices(ctx context.Context, tx *sql.Tx, ds []store.DeviceHost) (map[string]keptDevice, error) {
	out := make(map[string]keptDevice, len(ds))
	for start := 0; start < len(ds); start += inChunk {
		part := make([]any, 0, inChunk)
		for _, d := range ds[start:min(len(ds), start+inChunk)] {
			part = append(part, d.ID)
		}
		err := each(ctx, s, tx, `SELECT h.id, h.department, a.kind, h.device FROM hosts h JOIN agents a ON a.id = h.id WHERE h.id IN `+inList(len(part)),
			part, func(row *sql.Rows) error {
				var id string
				var k keptDevice
				err := row.Scan(&id, &k.dept, &k.kind, &k.doc)
				out[id] = k
				return err
			})
		if err != nil {
			return nil, fmt.Errorf("read device hosts: %w", err)
		}
	}
	return out, nil
}

// deviceFindingCols are a finding (f) with its device's host (h).
const deviceFindingCols = `f.id, f.host_id, h.host, f.department, f.instrument, f.title, f.effect, f.item, f.version, f.product, f.supplier,
	f.state, f.deadline, f.first_seen, h.device, h.device_source, h.device_seen, h.device_missed`

func scanDeviceFinding(row interface{ Scan(...any) error }) (store.DeviceFinding, error) {
	var x store.DeviceFinding
	var state, doc, source string
	var deadline, first, seen int64
	var missed int
	err := row.Scan(&x.FindingID, &x.HostID, &x.Host, &x.Department, &x.Instrument, &x.Title, &x.Effect, &x.App, &x.Version, &x.Product,
		&x.Supplier, &state, &deadline, &first, &doc, &source, &seen, &missed)
	if err != nil {
		return x, err
	}
	x.State, x.Deadline, x.FirstSeen = store.FindingState(state), deadlineTM(deadline), tm(first)
	if x.Device, err = decodeDevice(doc); err != nil {
		return x, fmt.Errorf("host %q device: %w", x.HostID, err)
	}
	x.Device.Connector, x.Device.Seen, x.Device.Missed = source, tm(seen), missed
	return x, nil
}

// DeviceFindings implements store.Store.
func (s *Store) DeviceFindings(ctx context.Context, v store.Viewer, f store.DeviceFilter) ([]store.DeviceFinding, error) {
	cond, args := scope(v, "f.department")
	add := func(c string, a ...any) {
		cond += c
		args = append(args, a...)
	}
	if f.Department != "" {
		add(" AND f.department = ?", f.Department)
	}
	if f.Instrument != "" {
		add(" AND f.instrument = ?", f.Instrument)
	}
	if f.App != "" {
		app := strings.ToLower(truncate(f.App, maxQuery))
		add(" AND (LOWER(f.item) = ? OR LOWER(f.product) = ?)", app, app)
	}
	order := ` ORDER BY f.instrument, f.product, f.item, h.host, f.id`
	if f.ByID {
		add(" AND f.id > ?", f.AfterID)
		order = ` ORDER BY f.id`
	}
	out, err := list(ctx, s, `SELECT `+deviceFindingCols+` FROM findings f JOIN hosts h ON h.id = f.host_id
		WHERE h.device IS NOT NULL AND f.`+standing+cond+order+` LIMIT ?`, append(args, limit(f.Limit)), scanDeviceFinding)
	if err != nil {
		return nil, fmt.Errorf("list device findings: %w", err)
	}
	return out, nil
}
