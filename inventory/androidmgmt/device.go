package androidmgmt

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"

	"github.com/go-json-experiment/json"

	"github.com/embargo-dev/embargo/inventory"
	"github.com/embargo-dev/embargo/inventory/internal/jsonstream"
)

// deviceKeys are keys of a Device, of which an object that is one has
// at least one.
var deviceKeys = []string{"name", "managementMode", "ownership", "hardwareInfo", "softwareInfo", "applicationReports", "enrollmentTime", "policyName", "state"}

// ownership maps AMAPI's Ownership enum; OWNERSHIP_UNSPECIFIED and
// anything else are unknown.
var ownership = map[string]inventory.Ownership{
	"COMPANY_OWNED":    inventory.Corporate,
	"PERSONALLY_OWNED": inventory.Personal,
}

// device reads one Device, which starts at offset off of the input, and
// its app reports.
func (r *reading) device(ctx context.Context, raw []byte, off int64, ref string) error {
	r.read++
	loc := inventory.Location{Source: r.name, Ref: ref, Line: r.ln.At(off)}
	text := map[string]string{}
	var (
		reports []byte
		roff    int64
	)
	err := jsonstream.Members(raw, off, func(name string, val []byte, voff int64) error {
		switch name {
		case "name", "managementMode", "ownership", "userName", "policyName":
			r.text(loc, name, val, voff, text)
		case "hardwareInfo", "softwareInfo", "networkInfo", "user":
			if val[0] == 'n' {
				return nil
			}
			if val[0] != '{' {
				r.unknown(r.at(loc, voff), "", name+" is "+kind(val)+", not an object")
				return nil
			}
			return jsonstream.Members(val, voff, func(sub string, v []byte, soff int64) error {
				r.text(loc, name+"."+sub, v, soff, text)
				return nil
			})
		case "applicationReports":
			reports, roff = val, voff
		}
		return nil
	})
	if err != nil {
		return err
	}
	d := inventory.ManagedDevice{
		MDM:          MDM,
		Platform:     inventory.PlatformAndroid,
		Manufacturer: firstOf(text["hardwareInfo.manufacturer"], text["hardwareInfo.brand"]),
		Model:        text["hardwareInfo.model"],
		OSVersion:    text["softwareInfo.androidVersion"],
		Serial:       text["hardwareInfo.serialNumber"],
		IMEI:         inventory.NormalIMEI(firstOf(text["networkInfo.imei"], text["networkInfo.meid"])),
		Ownership:    ownership[text["ownership"]],
		User:         firstOf(text["userName"], text["user.accountIdentifier"]),
		Group:        policyID(text["policyName"]),
		Apps:         -1,
	}
	if d.Serial == text["hardwareInfo.enterpriseSpecificId"] {
		// A personal device on Android 12 or later reports its
		// enterprise-specific id as its serial number: not the hardware's.
		d.Serial = ""
	}
	if text["managementMode"] == "PROFILE_OWNER" {
		d.Scope = inventory.ScopeWorkProfile
	}
	if name := text["name"]; name != "" {
		d.ID, d.Host = name, inventory.DeviceHost(MDM, name)
	} else {
		r.unknown(loc, d.Model, "Device without a name (enterprises/{enterpriseId}/devices/{deviceId}): its apps are read without a device")
	}
	loc.Host = d.Host
	d.Location = loc
	if reports != nil && reports[0] != 'n' {
		if reports[0] != '[' {
			r.unknown(r.at(loc, roff), "", "applicationReports is "+kind(reports)+", not an array")
		} else {
			d.Apps = 0
			err := jsonstream.Elements(reports, roff, func(i int, app []byte, aoff int64) error {
				if err := r.tick(ctx); err != nil {
					return err
				}
				aloc := inventory.Location{Source: r.name, Ref: fmt.Sprintf("%s/applicationReports/%d", ref, i), Line: r.ln.At(aoff), Host: d.Host}
				installed, err := r.app(app, aoff, aloc)
				if installed {
					d.Apps++
				}
				return err
			})
			if err != nil {
				return err
			}
		}
	}
	if d.Host != "" {
		r.inv.Devices = append(r.inv.Devices, d)
	}
	return nil
}

// wanted are the string members of a Device and of its hardwareInfo,
// softwareInfo, networkInfo and user that are read.
var wanted = map[string]bool{
	"name": true, "managementMode": true, "ownership": true, "userName": true, "policyName": true,
	"hardwareInfo.brand": true, "hardwareInfo.manufacturer": true, "hardwareInfo.model": true, "hardwareInfo.serialNumber": true, "hardwareInfo.enterpriseSpecificId": true,
	"softwareInfo.androidVersion": true, "networkInfo.imei": true, "networkInfo.meid": true, "user.accountIdentifier": true,
}

// text keeps the string member name of a Device, at offset off, in
// text; one of another type or over the string limit is an unknown at
// its line, and left out.
func (r *reading) text(loc inventory.Location, name string, val []byte, off int64, text map[string]string) {
	if !wanted[name] {
		return
	}
	s, err := str(val)
	if err == nil && len(s) > r.lim.MaxString {
		err = fmt.Errorf("longer than %d bytes", r.lim.MaxString)
	}
	if err != nil {
		r.unknown(r.at(loc, off), "", name+" is "+err.Error()+", left out")
		return
	}
	text[name] = s
}

// policyID is the policy id of a policy name,
// enterprises/{enterpriseId}/policies/{policyId}; a name of another form
// is kept whole.
func policyID(name string) string {
	if i := strings.LastIndex(name, "/policies/"); i >= 0 && strings.HasPrefix(name, "enterprises/") && i+len("/policies/") < len(name) {
		return name[i+len("/policies/"):]
	}
	return name
}

// str decodes a JSON string; null is "".
func str(val []byte) (string, error) {
	switch val[0] {
	case 'n':
		return "", nil
	case '"':
		var s string
		err := unmarshal(val, &s)
		return strings.TrimSpace(s), err
	}
	return "", fmt.Errorf("%s, not a string", kind(val))
}

func unmarshal(data []byte, v any) error { return json.Unmarshal(data, v) }

// describe says where in a value decoding failed and why.
func describe(err error) string {
	se, ok := errors.AsType[*json.SemanticError](err)
	if !ok || se.JSONKind == 0 || se.GoType == nil {
		return err.Error()
	}
	want := "a " + se.GoType.String()
	switch se.GoType.Kind() {
	case reflect.String:
		want = "a string"
	case reflect.Slice:
		want = "an array"
	case reflect.Struct, reflect.Map:
		want = "an object"
	}
	return fmt.Sprintf("%s is %s, not %s", strings.TrimPrefix(string(se.JSONPointer), "/"), kind([]byte{byte(se.JSONKind)}), want)
}

func firstOf(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

// kind names the JSON type of a value by its first byte.
func kind(v []byte) string {
	if len(v) == 0 {
		return "nothing"
	}
	switch v[0] {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "a number"
}
