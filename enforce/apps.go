package enforce

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/embargo-dev/embargo/catalog"
)

// Platform is the family of devices whose app store assigns an app id.
type Platform string

// Platforms of an App. The catalogue's bundle ids do not say whether an
// app is for iOS or macOS: Apple ties a bundle id to one developer account
// across its platforms, so both are Apple.
const (
	Apple   Platform = "apple"   // a bundle id (catalogue kind bundle_id)
	Android Platform = "android" // an application id, the package name (kind android_package)
)

// App is an app to block by the id its platform knows it by, with where
// the catalogue says so and how surely.
type App struct {
	ID          string   // bundle id or Android application id, as catalogued
	Platform    Platform // Apple or Android
	Product     string   // the product's id; "" for an identifier of the entity as a whole
	ProductName string   // the product's name; "" with Product
	Entity      string   // the supplier entity's id
	Source      string   // the catalogue source that gives the id
	Confidence  catalog.Confidence
}

// newApp is the App that value (one of id's values) names.
func newApp(id *catalog.Identifier, value, entity string, product *catalog.Product) App {
	a := App{ID: strings.TrimSpace(value), Platform: Android, Entity: entity, Source: id.Source, Confidence: id.Confidence}
	if id.Kind == catalog.BundleID {
		a.Platform = Apple
	}
	if product != nil {
		a.Product, a.ProductName = product.ID, product.Name
	}
	return a
}

// appKey is what makes two apps one: Apple's bundle ids are case
// insensitive (Apple's glossary, "bundle ID"), Android's are not.
func appKey(a App) string {
	if a.Platform == Apple {
		return strings.ToLower(a.ID)
	}
	return a.ID
}

// normalizeApps sorts apps by platform and id and keeps one entry per app:
// the most confident, then the first by entity, product and source.
func normalizeApps(apps []App) []App {
	slices.SortStableFunc(apps, func(a, b App) int {
		return cmp.Or(cmp.Compare(a.Platform, b.Platform), cmp.Compare(appKey(a), appKey(b)),
			cmp.Compare(b.Confidence, a.Confidence), cmp.Compare(a.Entity, b.Entity),
			cmp.Compare(a.Product, b.Product), cmp.Compare(a.Source, b.Source), cmp.Compare(a.ID, b.ID))
	})
	return slices.CompactFunc(apps, func(a, b App) bool {
		return a.Platform == b.Platform && appKey(a) == appKey(b)
	})
}

// Valid ids: Apple's glossary ("bundle ID": letters, digits, '-' and '.',
// reverse-DNS) and Android's application ID rules ("Configure the app
// module": two or more segments, each starting with a letter, of letters,
// digits and '_'). An id outside them cannot be an app's, and a device
// management service may refuse the whole policy for it.
var (
	appleBundleID = regexp.MustCompile(`^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$`)
	androidAppID  = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)+$`)
)

// maxAppID bounds an id; no store allows a longer one.
const maxAppID = 255

func validAppID(a App) bool {
	if len(a.ID) > maxAppID {
		return false
	}
	if a.Platform == Apple {
		return appleBundleID.MatchString(a.ID)
	}
	return androidAppID.MatchString(a.ID)
}

// ErrNoApps is wrapped by the error an app emitter returns when nothing it
// could write matched: an empty policy would look like protection and
// give none. It is an ErrNothingToBlock (errors.Is).
var ErrNoApps error = noApps{}

type noApps struct{}

func (noApps) Error() string { return "no app to block" }

func (noApps) Is(target error) bool { return target == ErrNothingToBlock }

// appSelection is what one artefact does with the targets' apps of its
// platform: those it writes, and those it leaves out and why.
type appSelection struct {
	platform Platform
	least    catalog.Confidence // the least confidence written
	write    []App
	low      []App // below the least confidence written
	invalid  []App // not an id of the platform's form
}

// selectApps picks the apps of platform p whose id is valid and whose
// confidence is at least least (medium when zero: blocking the wrong app
// is a real harm, so a low-confidence id is only ever reported).
func selectApps(apps []App, p Platform, least catalog.Confidence) appSelection {
	if least == 0 {
		least = catalog.Medium
	}
	s := appSelection{platform: p, least: least}
	for _, a := range apps {
		switch {
		case a.Platform != p:
		case !validAppID(a):
			s.invalid = append(s.invalid, a)
		case a.Confidence < least:
			s.low = append(s.low, a)
		default:
			s.write = append(s.write, a)
		}
	}
	return s
}

// idKind names the platform's id in prose.
func (s appSelection) idKind() string {
	if s.platform == Apple {
		return "an Apple bundle id"
	}
	return "an Android application id"
}

// confidenceText says which confidences are written.
func (s appSelection) confidenceText() string {
	switch s.least {
	case catalog.High:
		return "high confidence"
	case catalog.Medium:
		return "medium or high confidence"
	}
	return "any confidence"
}

// why says why a selection has nothing to write.
func (s appSelection) why(t *Targets) string {
	why := fmt.Sprintf("no catalogued app of %s has %s of %s", chosenText(t), s.idKind(), s.confidenceText())
	if n := len(s.low); n > 0 {
		why += fmt.Sprintf(" (%d of lower confidence left out: %s)", n, strings.Join(appIDs(s.low), ", "))
	}
	return why
}

// refuse is the error for a selection with nothing to write, saying
// why; nil when it has something, or t allows an empty artefact.
func (s appSelection) refuse(format string, t *Targets) error {
	if len(s.write) > 0 || t.AllowEmpty {
		return nil
	}
	return fmt.Errorf("writing the %s artefact: %w: %s", format, ErrNoApps, s.why(t))
}

// emptyWhy is Emitter.Empty for an app emitter: why the selection of
// t's apps has nothing to write, or "".
func emptyWhy(t *Targets, p Platform, least catalog.Confidence) string {
	if s := selectApps(t.Apps, p, least); len(s.write) == 0 {
		return s.why(t)
	}
	return ""
}

// remarks are the header lines that list the apps written and those left
// out, each with its product, entity and source.
func (s appSelection) remarks() []string {
	out := []string{fmt.Sprintf("Apps blocked (%d, %s), each id exactly (not the ids below it that the", len(s.write), s.confidenceText()),
		"catalogue also matches, such as extensions and helpers):"}
	out = append(out, appLines(s.write)...)
	if len(s.low) > 0 {
		label := "low confidence"
		if s.least != catalog.Medium {
			label = "below " + s.least.String() + " confidence"
		}
		out = append(out, fmt.Sprintf("Not written (%s): %d, reported only, as blocking the wrong app is a harm:", label, len(s.low)))
		out = append(out, appLines(s.low)...)
	}
	if len(s.invalid) > 0 {
		out = append(out, fmt.Sprintf("Not written (not %s): %d:", s.idKind(), len(s.invalid)))
		out = append(out, appLines(s.invalid)...)
	}
	return out
}

func appLines(apps []App) []string {
	var out []string
	for _, a := range apps {
		out = append(out, "  "+a.ID+": "+appOrigin(a))
	}
	return out
}

// appOrigin says how surely an app is blocked, whose it is, on what
// authority and which product it is; the product's name comes last, as
// the part a long line may lose to clipping.
func appOrigin(a App) string {
	s := a.Confidence.String() + " confidence, " + origin(a.Entity, a.Source)
	switch {
	case a.Product == "":
		return s + ", entity-wide identifier"
	case a.ProductName == "":
		return s + ", product " + a.Product
	}
	return s + ", product " + a.Product + " (" + a.ProductName + ")"
}

// appName is the name an app goes by in a policy: its product's, or its id.
func appName(a App) string {
	if a.ProductName != "" {
		return a.ProductName
	}
	return a.ID
}

func appIDs(apps []App) []string {
	ids := make([]string, len(apps))
	for i, a := range apps {
		ids[i] = a.ID
	}
	return ids
}

// descriptionText is the header for a format that carries it in a string
// value (a profile's PayloadDescription, a Graph description) rather than
// in comments: headerLines' lines, one a line, but without the rewriting
// that only a comment needs (a note's "--include-hosting" stays as it is).
func descriptionText(format string, t *Targets, remarks ...string) string {
	gen := "unknown"
	if !t.Generated.IsZero() {
		gen = t.Generated.UTC().Format(time.RFC3339)
	}
	lines := []string{
		"Block list generated by embargo (" + format + ").",
		"Generated: " + gen,
		"Catalogue: " + orUnknown(t.Catalog),
	}
	if t.Note != "" {
		lines = append(lines, "Chosen: "+t.Note)
	}
	lines = append(lines, chosenLines(t)...)
	lines = append(lines, remarks...)
	for i, l := range lines {
		lines[i] = clipText(plainText(l), maxCommentText)
	}
	return strings.Join(lines, "\n")
}
