package server

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/embargo-dev/embargo/inventory"
	"github.com/embargo-dev/embargo/policy"
	"github.com/embargo-dev/embargo/report"
	"github.com/embargo-dev/embargo/store"
)

// DeviceMissedPulls is how many complete pulls in a row must leave a
// device out before IngestDevices reports it as not seen since its last
// listing. It is only reported: a device is never deleted, since a
// manager's listing can drop a device for a while (a filter, a licence).
const DeviceMissedPulls = 3

// IngestSummary is what one IngestDevices did.
type IngestSummary struct {
	Department string `json:"department"`
	Connector  string `json:"connector"`
	// Complete says the pull listed every device (no input or page of it
	// failed): only a complete pull counts a missed pull for the devices
	// it leaves out.
	Complete bool `json:"complete"`
	// Devices is how many devices the report gave; New how many of them
	// were not kept before; Judged how many had their apps judged and
	// stored, Duplicate how many of those were this same pull applied
	// before; Findings the findings those devices show now.
	Devices   int `json:"devices"`
	New       int `json:"new"`
	Judged    int `json:"judged"`
	Duplicate int `json:"duplicate"`
	Findings  int `json:"findings"`
	// WithoutApps are the devices the report gave without their apps:
	// each keeps the apps of the pull before (judged again when its
	// record changed), and is so reported.
	WithoutApps []DeviceNote `json:"without_apps,omitempty"`
	// NotSeen are the connector's devices of the department that
	// DeviceMissedPulls or more complete pulls in a row left out, with
	// when a pull last listed them; they are kept as they were.
	NotSeen []DeviceNote `json:"not_seen,omitempty"`
	// Failed are the devices not kept or not judged, with why.
	Failed []DeviceNote `json:"failed,omitempty"`
}

// DeviceNote names one device of an IngestSummary.
type DeviceNote struct {
	HostID string    `json:"host_id"`
	Host   string    `json:"host"`
	Name   string    `json:"name,omitempty"`
	Seen   time.Time `json:"seen,omitzero"`
	Missed int       `json:"missed,omitempty"`
	Reason string    `json:"reason,omitempty"`
}

// IngestDevices keeps the devices of rep, one pull of connector (a device
// manager the server itself read), as hosts of department, and judges
// each device's apps (the entries of rep whose Location.Host is the
// device's host) as that host's inventory, by the device's own record:
// matched to its system by its labels, judged with its tags (its
// ownership and scope). Each device's host id is made from the connector
// and the device's host, so that every pull finds the same host. Devices
// the pull leaves out are kept with their last apps; a device given
// without its apps keeps its previous ones. The entries of rep are
// attributed again in copies, and their items placed on their device's
// host, the one they name already: rep must not be in use elsewhere
// meanwhile.
func (s *Server) IngestDevices(ctx context.Context, department, connector string, rep *report.Report, now time.Time) (IngestSummary, error) {
	return s.ingestDevices(ctx, department, connector, rep, now, false)
}

// IngestPartialDevices is IngestDevices for a pull that did not complete
// (a run the mdm package set aside under partial/): its devices are kept
// and judged alike, but it counts no missed pull for the devices it
// leaves out, since a page it never fetched is not in its report to say
// so.
func (s *Server) IngestPartialDevices(ctx context.Context, department, connector string, rep *report.Report, now time.Time) (IngestSummary, error) {
	return s.ingestDevices(ctx, department, connector, rep, now, true)
}

func (s *Server) ingestDevices(ctx context.Context, department, connector string, rep *report.Report, now time.Time, partial bool) (IngestSummary, error) {
	sum := IngestSummary{Department: department, Connector: connector}
	if department == "" || connector == "" || rep == nil {
		return sum, fmt.Errorf("ingesting devices: %w: a department, a connector and a report are needed", store.ErrInvalid)
	}
	devices := inventory.MergeDevices(rep.Devices)
	sum.Complete, sum.Devices = !partial && pullComplete(rep), len(devices)
	pull := store.DevicePull{Department: department, Connector: connector, At: now, Complete: sum.Complete}
	for _, d := range devices {
		if d.Host == "" {
			sum.Failed = append(sum.Failed, DeviceNote{Name: d.Name, Reason: "the device has no host name"})
			continue
		}
		pull.Devices = append(pull.Devices, store.DeviceHost{ID: deviceHostID(connector, d.Host), Host: d.Host, Device: store.ClipDevice(deviceInfo(&d))})
	}
	res, err := s.st.UpsertDeviceHosts(ctx, store.System, pull)
	if err != nil {
		return sum, fmt.Errorf("keeping the devices of %q: %w", connector, err)
	}
	sum.New = len(res.Created)
	created, changed := set(res.Created), set(res.Changed)
	entries, unknowns := byHost(rep)
	inputAt := make(map[string]int, len(rep.Inputs))
	for i, in := range rep.Inputs {
		inputAt[in.Source] = i
	}
	// The devices are judged one after another: an app judged on one
	// is not judged again on a system the rules cannot tell apart.
	var memo *policy.Memo
	var memoOf *policyState
	memoFor := func(ps *policyState) *policy.Memo {
		if memoOf != ps {
			memo, memoOf = ps.engine.NewMemo(), ps
		}
		return memo
	}
	for _, dh := range pull.Devices {
		note := DeviceNote{HostID: dh.ID, Host: dh.Host, Name: dh.Device.Name}
		if why, ok := res.Refused[dh.ID]; ok {
			note.Reason = why
			sum.Failed = append(sum.Failed, note)
			continue
		}
		a := store.Agent{ID: dh.ID, Department: department, Host: dh.Host}
		o := scanStore{judging: scanJudging{evidence: true, device: managedDevice(dh.Host, dh.Device)}, actor: "mdm:" + connector,
			fresh: created[dh.ID], memo: memoFor}
		var n int
		var dup bool
		if dh.Device.Apps < 0 {
			sum.WithoutApps = append(sum.WithoutApps, note)
			if !changed[dh.ID] {
				continue
			}
			// Its record changed: its apps as last received, judged again.
			n, dup, err = s.rejudgeStoredDevice(ctx, a, connector, now, o)
		} else {
			devRep := &report.Report{Tool: rep.Tool, Generated: rep.Generated, Catalog: rep.Catalog, Inputs: inputsOf(rep, inputAt, entries[dh.Host]),
				Items: entries[dh.Host], Unknowns: unknowns[dh.Host]}
			n, dup, err = s.storeDevice(ctx, a, devRep, deviceDigest(connector, dh.Host, now, ""), now, o)
		}
		if err != nil {
			if ctx.Err() != nil {
				return sum, err
			}
			note.Reason = err.Error()
			sum.Failed = append(sum.Failed, note)
			continue
		}
		sum.Judged++
		sum.Findings += n
		if dup {
			sum.Duplicate++
		}
	}
	for _, h := range res.Missing {
		if h.Device != nil && h.Device.Missed >= DeviceMissedPulls {
			sum.NotSeen = append(sum.NotSeen, DeviceNote{HostID: h.ID, Host: h.Host, Name: h.Device.Name, Seen: h.Device.Seen, Missed: h.Device.Missed})
		}
	}
	return sum, nil
}

// storeDevice judges and stores a device's apps, judged again by the
// policy in force if it changed meanwhile.
func (s *Server) storeDevice(ctx context.Context, a store.Agent, rep *report.Report, digest string, now time.Time, o scanStore) (int, bool, error) {
	for try := 0; ; try++ {
		dup, n, err := s.storeScanWith(ctx, a, rep, digest, now, o)
		if !errors.Is(err, store.ErrStale) || try == 2 {
			return n, dup, err
		}
		s.forget()
	}
}

// rejudgeStoredDevice judges a device's apps as last received again, for
// its new record; a device whose apps were never received has none.
func (s *Server) rejudgeStoredDevice(ctx context.Context, a store.Agent, connector string, now time.Time, o scanStore) (int, bool, error) {
	body, received, err := s.st.InventoryAt(ctx, store.System, a.ID)
	if errors.Is(err, store.ErrNotFound) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("reading the apps of %q: %w", a.Host, err)
	}
	rep, err := decodeScanReport(body)
	if err != nil {
		return 0, false, fmt.Errorf("the stored apps of %q: %w", a.Host, err)
	}
	o.seen = received
	return s.storeDevice(ctx, a, rep, deviceDigest(connector, a.Host, now, "record"), now, o)
}

// pullComplete reports whether rep lists every device its manager has:
// no input failed, and no part of one (a page of a listing) was
// unreadable. An unknown that names something (an app, a device given
// without its apps) is not a missing part of the listing.
func pullComplete(rep *report.Report) bool {
	for _, in := range rep.Inputs {
		if in.Error != "" {
			return false
		}
	}
	for _, u := range rep.Unknowns {
		if u.Name == "" {
			return false
		}
	}
	return true
}

// byHost groups the report's entries and unknowns by their host.
func byHost(rep *report.Report) (map[string][]report.Entry, map[string][]inventory.Unknown) {
	es := map[string][]report.Entry{}
	for _, e := range rep.Items {
		if e.Item != nil {
			es[e.Location.Host] = append(es[e.Location.Host], report.Entry{Item: e.Item})
		}
	}
	us := map[string][]inventory.Unknown{}
	for _, u := range rep.Unknowns {
		if u.Location.Host != "" {
			us[u.Location.Host] = append(us[u.Location.Host], u)
		}
	}
	return es, us
}

// inputsOf are the inputs of rep (at, their places by source) that es
// came from, in rep's order: a device's stored apps name the pages they
// were read from, not every page of the pull.
func inputsOf(rep *report.Report, at map[string]int, es []report.Entry) []report.Input {
	var idx []int
	for _, e := range es {
		if i, ok := at[e.Location.Source]; ok && !slices.Contains(idx, i) {
			idx = append(idx, i)
		}
	}
	slices.Sort(idx)
	out := make([]report.Input, 0, len(idx))
	for _, i := range idx {
		out = append(out, rep.Inputs[i])
	}
	return out
}

// deviceHostID is the fleet's id of a device's host: "mdm-" and a digest
// of the connector and the device's host name (its manager and the
// manager's id), the same at every pull, never an agent's (hex alone).
func deviceHostID(connector, host string) string {
	h := sha256.Sum256([]byte(connector + "\x00" + host))
	return "mdm-" + hex.EncodeToString(h[:16])
}

// deviceDigest names one pull's upload of a device: applied twice (the
// same pull ingested again), the second is a duplicate.
func deviceDigest(connector, host string, now time.Time, what string) string {
	h := sha256.Sum256([]byte(connector + "\x00" + host + "\x00" + now.UTC().Format(time.RFC3339Nano) + "\x00" + what))
	return hex.EncodeToString(h[:])
}

// deviceInfo is what the store keeps of a device's record.
func deviceInfo(d *inventory.ManagedDevice) store.DeviceInfo {
	return store.DeviceInfo{MDM: d.MDM, MDMID: d.ID, Name: d.Name, User: d.User, Ownership: string(d.Ownership), Scope: string(d.Scope),
		Platform: d.Platform, Manufacturer: d.Manufacturer, Model: d.Model, OSVersion: d.OSVersion, Serial: d.Serial, IMEI: d.IMEI,
		Group: d.Group, Apps: d.Apps}
}

// managedDevice is the device a stored record describes, as the judge
// reads it.
func managedDevice(host string, d store.DeviceInfo) *inventory.ManagedDevice {
	return &inventory.ManagedDevice{Host: host, MDM: d.MDM, ID: d.MDMID, Name: d.Name, Platform: d.Platform, Manufacturer: d.Manufacturer,
		Model: d.Model, OSVersion: d.OSVersion, Serial: d.Serial, IMEI: d.IMEI, Ownership: inventory.Ownership(d.Ownership),
		Scope: inventory.Scope(d.Scope), User: d.User, Group: d.Group, Apps: d.Apps}
}

func set(ids []string) map[string]bool {
	m := make(map[string]bool, len(ids))
	for _, id := range ids {
		m[id] = true
	}
	return m
}
