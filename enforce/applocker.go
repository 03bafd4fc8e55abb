package enforce

import (
	"crypto/sha256"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
)

// EnforcementMode is how Windows applies a rule collection.
type EnforcementMode string

// Enforcement modes of an AppLocker rule collection.
const (
	AuditOnly EnforcementMode = "AuditOnly" // log what would be blocked (event 8003/8006), block nothing
	Enabled   EnforcementMode = "Enabled"   // block
)

// everyone is the well-known SID of the Everyone group.
const everyone = "S-1-1-0"

// AppLocker writes an AppLocker policy (Set-AppLockerPolicy -XmlPolicy, or
// import in the Group Policy editor): for the Exe, Msi and Script
// collections, a Deny publisher rule for every publisher whose whole
// certificate subject the catalogue gives, and a path rule allowing
// everything else, so that the policy only denies. The Dll collection is
// left alone: enabling it costs every process start and must be planned.
// So is Appx: a packaged app's publisher is the package's whole subject,
// CN included, which the file-signing form below does not give.
//
// AppLocker compares the publisher as the signing certificate's O, L, S
// and C fields ("O=AO KASPERSKY LAB, L=MOSCOW, C=RU"), whole: a wildcard
// may only stand for the entire field. An organisation name alone cannot
// be turned into that, so such publishers are listed in a comment as
// needing their certificate's subject.
type AppLocker struct {
	Mode EnforcementMode // AuditOnly when empty
}

// Name is the format's name for -o.
func (*AppLocker) Name() string { return "applocker" }

// appLockerCollections are the rule collections written.
var appLockerCollections = []string{"Exe", "Msi", "Script"}

type alPolicy struct {
	XMLName     xml.Name       `xml:"AppLockerPolicy"`
	Version     string         `xml:"Version,attr"`
	Collections []alCollection `xml:"RuleCollection"`
}

type alCollection struct {
	Type      string            `xml:"Type,attr"`
	Mode      EnforcementMode   `xml:"EnforcementMode,attr"`
	Publisher []alPublisherRule `xml:"FilePublisherRule"`
	Path      []alPathRule      `xml:"FilePathRule"`
}

type alRule struct {
	ID          string `xml:"Id,attr"`
	Name        string `xml:"Name,attr"`
	Description string `xml:"Description,attr"`
	SID         string `xml:"UserOrGroupSid,attr"`
	Action      string `xml:"Action,attr"`
}

type alPublisherRule struct {
	alRule
	Condition alPublisherCondition `xml:"Conditions>FilePublisherCondition"`
}

type alPublisherCondition struct {
	Publisher string         `xml:"PublisherName,attr"`
	Product   string         `xml:"ProductName,attr"`
	Binary    string         `xml:"BinaryName,attr"`
	Versions  alVersionRange `xml:"BinaryVersionRange"`
}

type alVersionRange struct {
	Low  string `xml:"LowSection,attr"`
	High string `xml:"HighSection,attr"`
}

type alPathRule struct {
	alRule
	Condition struct {
		Path string `xml:"Path,attr"`
	} `xml:"Conditions>FilePathCondition"`
}

// Empty implements Emitter: the policy denies the publishers whose whole
// certificate subject is known; without one it only allows.
func (*AppLocker) Empty(t *Targets) string {
	for _, p := range t.Publishers {
		if _, ok := appLockerPublisher(p.Name); ok {
			return ""
		}
	}
	if len(t.Publishers) > 0 {
		return fmt.Sprintf("no publisher of %s has its whole certificate subject (O=..., L=..., C=...) in the catalogue: "+
			"%d are organisation names alone, which AppLocker cannot deny, so the policy would only allow", chosenText(t), len(t.Publishers))
	}
	return "no publisher of " + chosenText(t) + " is catalogued, so the policy would only allow"
}

// Emit writes the policy.
func (a *AppLocker) Emit(w io.Writer, t *Targets) error {
	if err := refuseEmpty(a, t); err != nil {
		return err
	}
	mode := a.Mode
	switch mode {
	case "":
		mode = AuditOnly
	case AuditOnly, Enabled:
	default:
		return fmt.Errorf("writing the applocker artefact: enforcement mode %q is not AuditOnly or Enabled", a.Mode)
	}
	var deny []Publisher
	var orgOnly []string
	for _, p := range t.Publishers {
		if dn, ok := appLockerPublisher(p.Name); ok {
			deny = append(deny, Publisher{Name: dn, Entity: p.Entity, Source: p.Source})
		} else {
			orgOnly = append(orgOnly, fmt.Sprintf("  %s (%s)", p.Name, origin(p.Entity, p.Source)))
		}
	}
	remarks := []string{
		fmt.Sprintf("Enforcement mode: %s. Deny rules for %d publishers in the Exe, Msi and Script", mode, len(deny)),
		"collections, and a path rule allowing everything else; Dll and Appx are not configured.",
	}
	if len(orgOnly) > 0 {
		remarks = append(remarks, "Publishers not written: AppLocker needs the certificate subject (O=..., L=..., S=..., C=...)",
			"and the catalogue gives none for these (an organisation name alone, or a wildcard):")
		remarks = append(remarks, orgOnly...)
	}
	p := alPolicy{Version: "1"}
	for _, c := range appLockerCollections {
		col := alCollection{Type: c, Mode: mode}
		for _, d := range deny {
			col.Publisher = append(col.Publisher, alPublisherRule{
				alRule: alRule{ID: ruleGUID(c, d.Name), Name: "embargo: deny " + d.Name, SID: everyone, Action: "Deny",
					Description: plainText("Restricted supplier " + origin(d.Entity, d.Source) + "; generated by embargo")},
				Condition: alPublisherCondition{Publisher: d.Name, Product: "*", Binary: "*", Versions: alVersionRange{"*", "*"}},
			})
		}
		allow := alPathRule{alRule: alRule{ID: ruleGUID(c, "*"), Name: "embargo: allow everything else", SID: everyone,
			Action: "Allow", Description: "Lets the deny rules be the policy's only effect; generated by embargo"}}
		allow.Condition.Path = "*"
		col.Path = append(col.Path, allow)
		p.Collections = append(p.Collections, col)
	}
	tw := newTextWriter(w)
	tw.printf("%s<!--\n", xml.Header)
	for _, l := range headerLines("AppLocker policy", t, remarks...) {
		tw.printf("  %s\n", l)
	}
	tw.printf("-->\n")
	if tw.err == nil {
		enc := xml.NewEncoder(tw.w)
		enc.Indent("", "  ")
		tw.err = enc.Encode(p)
	}
	tw.printf("\n")
	return tw.flush("applocker")
}

// appLockerPublisher turns a certificate subject into AppLocker's
// publisher form — its O, L, S (or ST) and C fields in that order, upper
// case, as AppLocker shows them — and reports false when s has no O
// field (an organisation name alone, or a common name).
func appLockerPublisher(s string) (string, bool) {
	fields := map[string]string{}
	for _, rdn := range splitDN(s) {
		k, v, ok := strings.Cut(rdn, "=")
		if !ok {
			return "", false
		}
		k = strings.ToUpper(strings.TrimSpace(k))
		if k == "ST" {
			k = "S"
		}
		fields[k] = strings.ToUpper(strings.TrimSpace(v))
	}
	if fields["O"] == "" {
		return "", false
	}
	var parts []string
	for _, k := range []string{"O", "L", "S", "C"} {
		if v := fields[k]; v != "" {
			parts = append(parts, k+"="+v)
		}
	}
	return plainText(strings.Join(parts, ", ")), true
}

// splitDN splits a subject at the commas between its fields, not at those
// inside a quoted value (O="EXAMPLE, INC.") or escaped with a backslash.
func splitDN(s string) []string {
	var out []string
	quoted, escaped, start := false, false, 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case escaped:
			escaped = false
		case c == '\\':
			escaped = true
		case c == '"':
			quoted = !quoted
		case c == ',' && !quoted:
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}

// ruleGUID is a stable rule id: a name-based UUID (version 8, RFC 9562)
// from the collection and the publisher, so that regenerating the policy
// does not change the ids of unchanged rules.
func ruleGUID(collection, publisher string) string {
	h := sha256.Sum256([]byte("embargo applocker\x00" + collection + "\x00" + publisher))
	h[6] = h[6]&0x0f | 0x80
	h[8] = h[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", h[0:4], h[4:6], h[6:8], h[8:10], h[10:16])
}
