package androidmgmt

import (
	"errors"
	"fmt"
	"strings"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/embargo-dev/embargo/inventory"
)

// appReport is the part of an ApplicationReport that is read.
type appReport struct {
	PackageName          string         `json:"packageName"`
	DisplayName          string         `json:"displayName"`
	VersionName          string         `json:"versionName"`
	VersionCode          jsontext.Value `json:"versionCode"`
	State                string         `json:"state"`
	ApplicationSource    string         `json:"applicationSource"`
	InstallerPackageName string         `json:"installerPackageName"`
	SigningKeyCerts      []string       `json:"signingKeyCertFingerprints"`
	PackageSHA256        string         `json:"packageSha256Hash"`
}

// app reads one ApplicationReport at offset off into an item, and
// reports whether it is an installed app (not REMOVED). A report that
// does not decode, or that has neither a valid packageName nor a
// displayName, is an unknown; a packageName, installer or digest that is
// not valid is an unknown and not an attribute.
func (r *reading) app(raw []byte, off int64, loc inventory.Location) (bool, error) {
	if raw[0] != '{' {
		r.unknown(loc, "", "application report is "+kind(raw)+", not an object")
		return true, nil
	}
	var a appReport
	if err := unmarshal(raw, &a); err != nil {
		at := loc
		if se, ok := errors.AsType[*json.SemanticError](err); ok {
			at = r.at(loc, off+se.ByteOffset)
		}
		var probe struct {
			Package any `json:"packageName"`
			Display any `json:"displayName"`
		}
		_ = unmarshal(raw, &probe)
		pkg, _ := probe.Package.(string)
		display, _ := probe.Display.(string)
		name := firstOf(pkg, display)
		r.unknown(at, name, "application report not read: "+describe(err))
		return true, nil
	}
	if a.State == "REMOVED" {
		return false, nil
	}
	version, err := versionCode(a.VersionCode)
	if err != nil {
		r.unknown(loc, firstOf(a.PackageName, a.DisplayName), "application report not read: versionCode is "+err.Error())
		return true, nil
	}
	pkg := strings.TrimSpace(a.PackageName)
	if pkg != "" && !inventory.ValidAndroidPackage(pkg) {
		r.unknown(loc, pkg, fmt.Sprintf("packageName %q is not an Android package name", inventory.Clip(pkg)))
		pkg = ""
		if a.DisplayName == "" {
			return true, nil
		}
	}
	if pkg == "" && a.DisplayName == "" {
		r.unknown(loc, "", "application report with neither a packageName nor a displayName")
		return true, nil
	}
	it := inventory.Item{
		Type:      inventory.Application,
		Ecosystem: "android",
		Name:      firstOf(a.DisplayName, pkg),
		Version:   firstOf(a.VersionName, version),
		Location:  loc,
	}
	it.Add(inventory.AndroidID, pkg)
	for i, fp := range a.SigningKeyCerts {
		r.digest(&it, inventory.APKSignerSHA1, fmt.Sprintf("signingKeyCertFingerprints[%d]", i), fp, 20)
	}
	r.digest(&it, inventory.PackageSHA256, "packageSha256Hash", a.PackageSHA256, 32)
	if inst := strings.TrimSpace(a.InstallerPackageName); inst != "" && !inventory.ValidAndroidPackage(inst) {
		r.unknown(loc, it.Name, fmt.Sprintf("installerPackageName %q is not an Android package name", inventory.Clip(inst)))
	} else {
		it.Add(inventory.Installer, inst)
	}
	it.Add(inventory.AppSource, a.ApplicationSource)
	if reason := inventory.CheckItem(&it, r.lim); reason != "" {
		r.unknown(loc, it.Name, reason)
		return true, nil
	}
	if len(r.inv.Items) >= r.lim.MaxItems {
		return true, &inventory.InputError{Source: r.name, Line: loc.Line, Offset: off,
			Err: fmt.Errorf("more than %d apps (the item limit)", r.lim.MaxItems)}
	}
	it.Index = len(r.inv.Items)
	it.SetID()
	r.inv.Items = append(r.inv.Items, it)
	return true, nil
}

// digest adds a hex digest of size bytes to it as field f, in lower case
// without separators; one that is not such a digest is an unknown.
func (r *reading) digest(it *inventory.Item, f inventory.Field, name, v string, size int) {
	if v == "" {
		return
	}
	h := strings.ToLower(strings.ReplaceAll(strings.TrimSpace(v), ":", ""))
	if len(h) != 2*size || strings.Trim(h, "0123456789abcdef") != "" {
		r.unknown(it.Location, it.Name, fmt.Sprintf("%s %q is not a %d-byte digest in hexadecimal", name, inventory.Clip(v), size))
		return
	}
	it.Add(f, h)
}

// versionCode renders an app's versionCode, a JSON integer (or its
// decimal text), or "" when there is none.
func versionCode(v jsontext.Value) (string, error) {
	if len(v) == 0 || v[0] == 'n' {
		return "", nil
	}
	s := string(v)
	if v[0] == '"' {
		if err := unmarshal(v, &s); err != nil {
			return "", err
		}
	} else if v[0] != '-' && (v[0] < '0' || v[0] > '9') {
		return "", fmt.Errorf("%s, not a number", kind(v))
	}
	if strings.TrimLeft(s, "-") == "" || strings.TrimLeft(s, "-0123456789") != "" {
		return "", fmt.Errorf("%q, not an integer", inventory.Clip(s))
	}
	return s, nil
}
