package systems

import (
	"fmt"
	"net/netip"
	"slices"
)

// Tags that instruments scope themselves by. Tags are free strings
// (lower-case words joined by hyphens); these are the ones the built-in
// policy packs read.
const (
	TagNationalSecurity       = "national-security"                // 44 U.S.C. 3552(b)(6); the NCSC letter's "national security"
	TagGovernmentDevice       = "government-device"                // the TikTok and WeChat device bans
	TagFederalInformation     = "federal-information-system"       // BOD 17-01's scope
	TagCriticalInfrastructure = "critical-national-infrastructure" // CNI operators
	TagSensitiveSite          = "sensitive-site"                   // the UK surveillance-camera restriction
	TagFederalContractor      = "federal-contractor"               // NDAA FY2019 s.889(a)(1)(B): a contractor's own estate

	// Tags a device manager's record gives a device (judge.DeviceTags).
	TagPersonalDevice   = "personal-device"   // an employee's own device, enrolled for work
	TagMobileDevice     = "mobile-device"     // a phone or tablet
	TagMDMEnrolled      = "mdm-enrolled"      // reported by a device manager
	TagWorkProfile      = "work-profile"      // only its Android work profile was listed
	TagManagedAppsOnly  = "managed-apps-only" // only the apps the manager installed were listed
	TagOwnershipUnknown = "ownership-unknown" // the manager does not say whose it is
)

// Position is where a system was written: file and line.
type Position struct {
	File string `json:"file"`
	Line int    `json:"line"`
}

func (p Position) String() string { return fmt.Sprintf("%s:%d", p.File, p.Line) }

// System is one entry of the register, or the default given to hosts
// that match none (whose ID is empty), or a one-off target description.
// Its slices are shared with the register and must not be modified.
type System struct {
	ID         string `json:"id"`
	Name       string `json:"name,omitempty"`
	Department string `json:"department,omitempty"`
	Owner      string `json:"owner,omitempty"`
	// Classification is the scale's spelling of the system's level.
	Classification string `json:"classification"`
	// Tags are sorted and distinct.
	Tags  []string `json:"tags,omitempty"`
	Rules Rules    `json:"match,omitempty"`
	Pos   Position `json:"-"`
}

// HasTag reports whether the system carries tag t.
func (s System) HasTag(t string) bool {
	_, ok := slices.BinarySearch(s.Tags, t)
	return ok
}

// Rules say which hosts belong to a system.
type Rules struct {
	// Hosts are host names (lower case, no trailing dot) or globs in which
	// '*' matches any run of characters.
	Hosts []string `json:"hosts,omitempty"`
	// Labels is a selector: a host matches when it carries every one.
	Labels map[string]string `json:"labels,omitempty"`
	// Addresses are address ranges, masked.
	Addresses []netip.Prefix `json:"addresses,omitempty"`
}

// By says how a host was matched to its system, from the strongest
// statement to the weakest. ForHost tries them in this order and stops at
// the first that matches.
type By string

const (
	// ByHost: the host name is listed exactly; the most deliberate statement.
	ByHost By = "host"
	// ByGlob: a host glob matches; the glob with the most literal
	// characters wins.
	ByGlob By = "glob"
	// ByLabel: the host carries every label of a selector (from a CMDB,
	// cloud tags or an agent's configuration); the selector with the most
	// labels wins.
	ByLabel By = "label"
	// ByAddress: the host is an address literal inside a range; the most
	// specific range wins. Addresses come last because DHCP and NAT make
	// them the weakest identity.
	ByAddress By = "address"
	// ByDefault: nothing matched; the host is unregistered.
	ByDefault By = "default"
)

// Match is the answer to "which system is this host part of?".
type Match struct {
	// System is the chosen system. When the match is ambiguous it is the
	// candidate with the highest classification (the strictest reading),
	// the first in the file among equals.
	System System
	// Unregistered is set when no system matched and System is the
	// register's default.
	Unregistered bool
	By           By
	// Rule is the host name, glob, selector ("k=v,k=v") or range that
	// matched.
	Rule string
	// Candidates, when more than one, lists every system that matched
	// equally well at the deciding precedence, in file order: the register
	// is ambiguous for this host and should be fixed.
	Candidates []System
}

// Ambiguous reports whether more than one system matched equally well.
func (m Match) Ambiguous() bool { return len(m.Candidates) > 1 }
