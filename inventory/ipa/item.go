package ipa

import (
	"crypto/x509/pkix"
	"fmt"
	"path"
	"strings"
	"time"

	"github.com/embargo-dev/embargo/inventory"
)

// app makes the item of the app bundle dir; ok is false when its
// Info.plist cannot be read (an Unknown says why).
func (a *archive) app(dir, filePath string) (inventory.Item, bool) {
	info, ok := a.info(dir)
	if !ok {
		return inventory.Item{}, false
	}
	ref := dir + "/Info.plist"
	it := inventory.Item{Type: inventory.Application, Ecosystem: "ios", Location: inventory.Location{Source: a.name, Ref: ref}}
	id := strings.TrimSpace(string(info.ID))
	switch {
	case id == "":
		a.fail(ref, path.Base(dir), "Info.plist gives no CFBundleIdentifier")
	case !inventory.ValidBundleID(id):
		a.fail(ref, path.Base(dir), fmt.Sprintf("CFBundleIdentifier %q is not a bundle identifier", inventory.Clip(id)))
		id = ""
	}
	it.Name = firstOf(string(info.DisplayName), string(info.Name), id, strings.TrimSuffix(path.Base(dir), ".app"))
	it.Version = firstOf(string(info.ShortVersion), string(info.Version))
	it.Add(inventory.BundleID, id)

	prof, haveProf := a.profile(dir)
	cs, sigNote, signed := a.signature(dir, string(info.Executable))
	var notes []string
	team, source := "", ""
	profTeam, conflict := prof.team()
	if conflict != "" {
		a.fail(dir+"/embedded.mobileprovision", it.Name, conflict)
	}
	if haveProf && id != "" && !prof.coversApp(id) {
		a.fail(dir+"/embedded.mobileprovision", it.Name, fmt.Sprintf("the provisioning profile's application-identifier %q is not for %q", string(prof.Entitlements.AppID), id))
	}
	if signed && cs.cdTeam != "" && cs.certTeam == cs.cdTeam {
		team, source = cs.cdTeam, "Team ID from the code signature"
		if profTeam != "" && profTeam != team {
			a.fail(dir+"/embedded.mobileprovision", it.Name, fmt.Sprintf("the provisioning profile names team %q, the code signature %q; the signature's is kept", profTeam, team))
		}
	} else if profTeam != "" {
		team, source = profTeam, "Team ID from the provisioning profile"
	}
	if team != "" && !validTeamID(team) {
		a.fail(ref, it.Name, fmt.Sprintf("Team ID %q is not ten letters and digits", inventory.Clip(team)))
		team, source = "", ""
	}
	it.Add(inventory.TeamID, team)
	switch {
	case cs.certOrg != "":
		it.Add(inventory.Signer, orgName(cs.certOrg))
	case haveProf && string(prof.TeamName) != "":
		it.Add(inventory.Signer, orgName(string(prof.TeamName)))
	}
	if source != "" {
		notes = append(notes, source)
	}
	notes = append(notes, sigNote)
	if haveProf {
		p := fmt.Sprintf("provisioning profile %q", inventory.Clip(string(prof.Name)))
		if exp := prof.expires(); !exp.IsZero() {
			p += " expiring " + exp.UTC().Format(time.DateOnly)
		}
		notes = append(notes, p)
	} else {
		notes = append(notes, "no provisioning profile")
	}
	// This reader's own note, left out rather than losing the item when
	// a tight limit cannot hold it.
	if st := strings.Join(notes, "; ") + "; no signature verified"; len(st) <= a.lim.MaxString {
		it.Add(inventory.SignatureStatus, st)
	}
	it.Add(inventory.Path, filePath)
	return it, true
}

// orgName is an organisation as a one-attribute distinguished name
// ("O=Example Ltd"), escaped as RFC 4514 says.
func orgName(o string) string {
	return pkix.Name{Organization: []string{o}}.String()
}

// validTeamID reports whether s is an Apple Developer Team ID: ten
// upper-case letters and digits.
func validTeamID(s string) bool {
	if len(s) != 10 {
		return false
	}
	for _, c := range []byte(s) {
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

func firstOf(vs ...string) string {
	for _, v := range vs {
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return ""
}
