package release

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Stamp is what a release says about itself: the version, the commit it
// was built from and the build date. The date is the commit's time (or
// SOURCE_DATE_EPOCH), so that building the same commit again gives the same
// bytes.
type Stamp struct {
	Version string    // semantic version without a leading "v": 1.2.3, 0.0.0-dev.20261201.g901e5d9
	Commit  string    // the full commit id, with "-dirty" when the tree had changes
	Date    time.Time // UTC, whole seconds
}

// LDFlags are the linker flags that stamp s into cmd/embargo's package-main
// variables version, commit and date, strip the symbol table and debug
// information, and clear the build id.
func (s Stamp) LDFlags() string {
	return fmt.Sprintf("-s -w -buildid= -X main.version=%s -X main.commit=%s -X main.date=%s",
		s.Version, s.Commit, s.Date.UTC().Format(time.RFC3339))
}

// Validate checks that s can be written into a binary's flags, a package's
// version and an image's labels.
func (s Stamp) Validate() error {
	if !semver.MatchString(s.Version) {
		return fmt.Errorf("version %q is not a semantic version (MAJOR.MINOR.PATCH[-PRE][+META])", s.Version)
	}
	if !commitID.MatchString(s.Commit) {
		return fmt.Errorf("commit %q: want a hexadecimal commit id, optionally with -dirty", s.Commit)
	}
	if s.Date.IsZero() || s.Date.Before(time.Unix(0, 0)) {
		return fmt.Errorf("build date %v: want a time after 1970", s.Date)
	}
	return nil
}

var (
	semver   = regexp.MustCompile(`^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$`)
	commitID = regexp.MustCompile(`^[0-9a-f]{7,64}(-dirty)?$`)
	// describeTag is `git describe --tags --long` of a tag vMAJOR.MINOR.PATCH:
	// the tag, the commits since it and the abbreviated commit.
	describeTag = regexp.MustCompile(`^v((?:0|[1-9][0-9]*)\.(?:0|[1-9][0-9]*)\.(?:0|[1-9][0-9]*)(?:-[0-9A-Za-z.-]+)?)-([0-9]+)-g([0-9a-f]+)$`)
)

// VersionFromDescribe turns `git describe --tags --long --match 'v[0-9]*'`
// output into a semantic version that sorts right in dpkg and rpm: a tagged
// commit is the tag's version; N commits after it, VERSION+N.gCOMMIT (after
// the tag); with no tag at all (describe empty), 0.0.0-dev.DATE.gCOMMIT
// (before any release).
func VersionFromDescribe(describe, abbrev string, date time.Time) (string, error) {
	if describe == "" {
		if abbrev == "" {
			return "", errors.New("no tag and no commit to name a version by")
		}
		return fmt.Sprintf("0.0.0-dev.%s.g%s", date.UTC().Format("20060102"), abbrev), nil
	}
	m := describeTag.FindStringSubmatch(describe)
	if m == nil {
		return "", fmt.Errorf("git describe %q: want vMAJOR.MINOR.PATCH-N-gCOMMIT", describe)
	}
	if m[2] == "0" {
		return m[1], nil
	}
	return fmt.Sprintf("%s+%s.g%s", m[1], m[2], m[3]), nil
}

// StampFromGit reads the stamp of the repository at dir: HEAD's commit and
// its committer time (SOURCE_DATE_EPOCH instead when set, as the
// reproducible-builds convention asks), and the version git describe gives.
func StampFromGit(ctx context.Context, dir string) (Stamp, error) {
	git := func(args ...string) (string, error) {
		cmd := exec.CommandContext(ctx, "git", args...)
		cmd.Dir = dir
		out, err := cmd.Output()
		if err != nil {
			var ee *exec.ExitError
			if errors.As(err, &ee) {
				return "", fmt.Errorf("git %s in %s: %v: %s", strings.Join(args, " "), dir, err, strings.TrimSpace(string(ee.Stderr)))
			}
			return "", fmt.Errorf("git %s in %s: %w", strings.Join(args, " "), dir, err)
		}
		return strings.TrimSpace(string(out)), nil
	}
	var s Stamp
	var err error
	if s.Commit, err = git("rev-parse", "HEAD"); err != nil {
		return Stamp{}, err
	}
	abbrev, err := git("rev-parse", "--short=12", "HEAD")
	if err != nil {
		return Stamp{}, err
	}
	if s.Date, err = sourceDate(func() (string, error) { return git("log", "-1", "--format=%ct", "HEAD") }); err != nil {
		return Stamp{}, err
	}
	// No tag is not an error: describe fails, and the version says dev.
	describe, _ := git("describe", "--tags", "--long", "--match", "v[0-9]*", "HEAD")
	if s.Version, err = VersionFromDescribe(describe, abbrev, s.Date); err != nil {
		return Stamp{}, err
	}
	status, err := git("status", "--porcelain", "--untracked-files=no")
	if err != nil {
		return Stamp{}, err
	}
	if status != "" {
		s.Commit += "-dirty"
	}
	return s, s.Validate()
}

// sourceDate is SOURCE_DATE_EPOCH when set, else what commitTime says.
func sourceDate(commitTime func() (string, error)) (time.Time, error) {
	v, name := os.Getenv("SOURCE_DATE_EPOCH"), "SOURCE_DATE_EPOCH"
	if v == "" {
		var err error
		if v, err = commitTime(); err != nil {
			return time.Time{}, err
		}
		name = "the commit time"
	}
	secs, err := strconv.ParseInt(v, 10, 64)
	if err != nil || secs <= 0 {
		return time.Time{}, fmt.Errorf("%s %q: want seconds since 1970", name, v)
	}
	return time.Unix(secs, 0).UTC(), nil
}
