package applemdm

import (
	"context"
	"errors"
	"fmt"

	"github.com/embargo-dev/embargo/inventory"
)

// reading is the state of reading one input: the responses found, in
// document order, and what could not be read.
type reading struct {
	name     string
	lim      inventory.Limits
	inv      *inventory.Inventory
	resps    []*response
	skipped  int // responses to other commands
	answered int // responses that were read (an app list or device information)
}

// response is one command response that names apps or a device.
type response struct {
	ref  string // pointer to the response in the document; "" for the whole document
	line int    // line of the webhook event holding it; 0 in a property list
	dev  inventory.ManagedDevice
	apps []any // the InstalledApplicationList; nil for DeviceInformation
	list bool  // an InstalledApplicationList response
}

// ids are the enrolment ids a webhook event gives beside its payload,
// for a payload that leaves them out.
type ids struct{ udid, enrollmentID string }

// statusNote says what a status other than Acknowledged means.
var statusNote = map[string]string{
	"Error":              "the device could not run the command",
	"CommandFormatError": "the device found the command malformed",
	"NotNow":             "the device could not run the command then (locked or busy) and will be asked again",
}

func (r *reading) unknown(loc inventory.Location, name, reason string) {
	r.inv.Unknowns = append(r.inv.Unknowns, inventory.Unknown{Location: loc, Name: inventory.Clip(name), Reason: reason})
}

// top reads the top object of a property list: one response, or an array
// of them (an MDM server's export).
func (r *reading) top(ctx context.Context, v any, ref string, line int, hint ids) error {
	switch t := v.(type) {
	case map[string]any:
		r.add(t, ref, line, hint)
	case []any:
		if len(t) == 0 && line == 0 {
			return &inventory.InputError{Source: r.name, Offset: 0, Err: errors.New("an empty array: no command responses")}
		}
		if len(t) == 0 {
			r.unknown(inventory.Location{Source: r.name, Ref: ref, Line: line}, "", "an empty array: no command response")
		}
		for i, e := range t {
			if i%256 == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			ref := fmt.Sprintf("%s/%d", ref, i)
			m, ok := e.(map[string]any)
			if !ok {
				r.unknown(inventory.Location{Source: r.name, Ref: ref, Line: line}, "", fmt.Sprintf("%s, not a command response dictionary", kindOf(e)))
				continue
			}
			r.add(m, ref, line, hint)
		}
	default:
		loc := inventory.Location{Source: r.name, Ref: ref, Line: line}
		if line == 0 {
			return &inventory.InputError{Source: r.name, Offset: 0, Err: fmt.Errorf("the property list is %s, not a command response dictionary or an array of them", kindOf(v))}
		}
		r.unknown(loc, "", fmt.Sprintf("the payload is %s, not a command response dictionary", kindOf(v)))
	}
	return nil
}

// add reads one response dictionary: its envelope (status, enrolment
// ids, user) and an InstalledApplicationList or QueryResponses.
func (r *reading) add(m map[string]any, ref string, line int, hint ids) {
	loc := inventory.Location{Source: r.name, Ref: ref, Line: line}
	env := map[string]string{}
	for _, key := range []string{"Status", "UDID", "EnrollmentID", "UserShortName", "UserLongName", "UserID", "RequestType"} {
		s, err := text(m, key)
		if err == nil && len(s) > r.lim.MaxString {
			err = fmt.Errorf("%s longer than %d bytes", key, r.lim.MaxString)
		}
		if err != nil {
			r.unknown(loc, "", "command response not read: "+err.Error())
			return
		}
		env[key] = s
	}
	list, hasList := m["InstalledApplicationList"]
	query, hasQuery := m["QueryResponses"]
	status, request := env["Status"], env["RequestType"]
	udid, enrollment := firstOf(env["UDID"], hint.udid), firstOf(env["EnrollmentID"], hint.enrollmentID)
	if id := firstOf(udid, enrollment); id != "" && len(id) <= r.lim.MaxString {
		loc.Host = inventory.DeviceHost(MDM, id)
	}
	if !hasList && !hasQuery {
		switch {
		case request != "" && request != "InstalledApplicationList" && request != "DeviceInformation",
			statusNote[status] == "":
			// Idle, or the answer to another command: not an inventory.
			r.skipped++
		default:
			r.unknown(loc, "", r.answer(m, status)+"; the response holds no app list or device information")
		}
		return
	}
	resp := &response{ref: ref, line: line}
	d := &resp.dev
	d.MDM, d.Manufacturer, d.Apps = MDM, "Apple", -1
	d.User = firstOf(env["UserShortName"], env["UserLongName"], env["UserID"])
	if enrollment != "" {
		// User Enrollment: a personal device, of which the device reports
		// only the apps the organisation manages.
		d.Ownership, d.Scope = inventory.Personal, inventory.ScopeManaged
	}
	if hasList {
		apps, ok := list.([]any)
		if !ok {
			r.unknown(loc, "", fmt.Sprintf("InstalledApplicationList is %s, not an array", kindOf(list)))
			return
		}
		resp.apps, resp.list, d.Apps = apps, true, len(apps)
	} else {
		q, ok := query.(map[string]any)
		if !ok {
			r.unknown(loc, "", fmt.Sprintf("QueryResponses is %s, not a dictionary", kindOf(query)))
			return
		}
		if udid == "" && enrollment == "" {
			udid, _ = text(q, "UDID")
		}
		r.deviceInfo(q, loc, d)
	}
	if id := firstOf(udid, enrollment); id != "" {
		if len(id) > r.lim.MaxString {
			r.unknown(loc, "", fmt.Sprintf("command response not read: device id longer than %d bytes", r.lim.MaxString))
			return
		}
		d.ID, d.Host = id, inventory.DeviceHost(MDM, id)
	} else if !hasList {
		r.unknown(loc, d.Name, "DeviceInformation answer with neither a UDID nor an EnrollmentID: the device it describes cannot be told")
		return
	}
	loc.Host = d.Host
	d.Location = loc
	if statusNote[status] != "" {
		r.unknown(loc, "", r.answer(m, status)+"; the list it sent may be incomplete")
	}
	r.answered++
	r.resps = append(r.resps, resp)
}

// answer says what the device answered: its status, what that means,
// and the errors it gave.
func (r *reading) answer(m map[string]any, status string) string {
	s := fmt.Sprintf("the device answered %s (%s)", status, statusNote[status])
	if chain := errorChain(m); chain != "" {
		s += ": " + chain
	}
	return s
}

// deviceInfo fills in d from the answers of a DeviceInformation command.
// A value of the wrong type or too long is an unknown and left out.
func (r *reading) deviceInfo(q map[string]any, loc inventory.Location, d *inventory.ManagedDevice) {
	get := func(key string) string {
		s, err := text(q, key)
		if err == nil && len(s) > r.lim.MaxString {
			err = fmt.Errorf("%s longer than %d bytes", key, r.lim.MaxString)
		}
		if err != nil {
			r.unknown(loc, "", "QueryResponses: "+err.Error())
			return ""
		}
		return s
	}
	product, modelName := get("ProductName"), get("ModelName")
	d.Name = get("DeviceName")
	d.Platform = platformOf(product, modelName)
	d.Model = firstOf(product, modelName, get("Model"))
	d.OSVersion = get("OSVersion")
	d.Serial = get("SerialNumber")
	d.IMEI = inventory.NormalIMEI(get("IMEI"))
	if subs, ok := q["ServiceSubscriptions"].([]any); ok && d.IMEI == "" {
		for _, s := range subs {
			if sm, ok := s.(map[string]any); ok {
				if imei, err := text(sm, "IMEI"); err == nil && len(imei) <= r.lim.MaxString {
					if d.IMEI = inventory.NormalIMEI(imei); d.IMEI != "" {
						break
					}
				}
			}
		}
	}
}

func firstOf(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}
