package ipa

import (
	"fmt"
	"strings"
	"time"

	hplist "howett.net/plist"

	"github.com/embargo-dev/embargo/internal/plist"
	"github.com/embargo-dev/embargo/inventory"
)

// A provisioning profile (embedded.mobileprovision) is a CMS SignedData,
// signed by Apple, whose encapsulated content is an XML property list:
// TeamIdentifier (an array), TeamName, Name, ExpirationDate,
// ApplicationIdentifierPrefix and Entitlements, among whose keys
// application-identifier ("TEAMID.bundle.id", a wildcard allowed at the
// end) and com.apple.developer.team-identifier. Apple's signature is not
// verified.

// bundleInfo is the part of an app's Info.plist that names it.
type bundleInfo struct {
	ID           plistString `plist:"CFBundleIdentifier"`
	Name         plistString `plist:"CFBundleName"`
	DisplayName  plistString `plist:"CFBundleDisplayName"`
	ShortVersion plistString `plist:"CFBundleShortVersionString"`
	Version      plistString `plist:"CFBundleVersion"`
	Executable   plistString `plist:"CFBundleExecutable"`
}

type profile struct {
	Name         plistString  `plist:"Name"`
	TeamName     plistString  `plist:"TeamName"`
	Teams        plistStrings `plist:"TeamIdentifier"`
	Expires      any          `plist:"ExpirationDate"` // a date; any, as the plist library gives dates to no Unmarshaler
	Entitlements entitlements `plist:"Entitlements"`
}

type entitlements struct {
	AppID plistString `plist:"application-identifier"`
	Team  plistString `plist:"com.apple.developer.team-identifier"`
}

// maxProfile bounds a provisioning profile; real ones, listing a hundred
// test devices, are tens of kilobytes.
const maxProfile = 4 << 20

// readProfile decodes a provisioning profile.
func readProfile(name string, data []byte, lim inventory.Limits) (profile, error) {
	var p profile
	depth := lim.MaxDepth
	if depth <= 0 {
		depth = inventory.DefaultLimits.MaxDepth
	}
	d, err := parseCMS(data, depth)
	if err != nil {
		return p, fmt.Errorf("not a CMS signature: %w", err)
	}
	if len(d.content) == 0 {
		return p, fmt.Errorf("the CMS signature carries no property list")
	}
	if err := plist.Decode(name, d.content, &p, lim); err != nil {
		return p, err
	}
	return p, nil
}

// team is the profile's Team ID, and a reason when its keys disagree.
func (p profile) team() (string, string) {
	var teams []string
	if len(p.Teams) > 0 {
		teams = append(teams, p.Teams[0])
	}
	if t := string(p.Entitlements.Team); t != "" {
		teams = append(teams, t)
	}
	if len(teams) == 0 {
		return "", ""
	}
	for _, t := range teams[1:] {
		if t != teams[0] {
			return teams[0], fmt.Sprintf("the provisioning profile's TeamIdentifier %q and com.apple.developer.team-identifier %q differ", teams[0], t)
		}
	}
	return teams[0], ""
}

// coversApp reports whether the profile's application-identifier is for
// the bundle id ("TEAMID.id", or a wildcard "TEAMID.*" or
// "TEAMID.prefix.*"); true when it does not say.
func (p profile) coversApp(bundleID string) bool {
	appID := string(p.Entitlements.AppID)
	_, id, ok := strings.Cut(appID, ".")
	if appID == "" || !ok {
		return true
	}
	if prefix, wild := strings.CutSuffix(id, "*"); wild {
		return strings.HasPrefix(bundleID, prefix)
	}
	return id == bundleID
}

// plistString is a string value that is left empty, rather than failing
// the whole document, when the property list holds another type there.
type plistString string

// UnmarshalPlist implements howett.net/plist's Unmarshaler.
func (s *plistString) UnmarshalPlist(unmarshal func(any) error) error {
	var v string
	if unmarshal(&v) == nil {
		*s = plistString(v)
	}
	return nil
}

// plistStrings is an array of strings, left empty when it is not one.
type plistStrings []string

// UnmarshalPlist implements howett.net/plist's Unmarshaler.
func (s *plistStrings) UnmarshalPlist(unmarshal func(any) error) error {
	var v []string
	if unmarshal(&v) == nil {
		*s = v
	}
	return nil
}

// expires is the profile's ExpirationDate, zero when it has none.
func (p profile) expires() time.Time {
	t, _ := p.Expires.(time.Time)
	return t
}

// UnmarshalPlist implements howett.net/plist's Unmarshaler: entitlements
// that are not a dictionary are left empty.
func (e *entitlements) UnmarshalPlist(unmarshal func(any) error) error {
	var v struct {
		AppID plistString `plist:"application-identifier"`
		Team  plistString `plist:"com.apple.developer.team-identifier"`
	}
	if unmarshal(&v) == nil {
		*e = entitlements(v)
	}
	return nil
}

var (
	_ hplist.Unmarshaler = (*plistString)(nil)
	_ hplist.Unmarshaler = (*plistStrings)(nil)
	_ hplist.Unmarshaler = (*entitlements)(nil)
)
