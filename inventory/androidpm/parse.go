package androidpm

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/embargo-dev/embargo/inventory"
)

// The optional parts of a line, split off from the right in this order.
const (
	uidToken       = " uid:"
	installerToken = "  installer="
	versionToken   = " versionCode:"
)

// perUser is the span of uids of one Android user: user = uid / perUser.
const perUser = 100000

// parse reads one package line.
func parse(line string) (pkg, error) {
	rest, ok := strings.CutPrefix(line, prefix)
	if !ok {
		if strings.HasPrefix(line, "sdk:") {
			return pkg{}, errors.New("an SDK library line (pm list sdks), not a package")
		}
		return pkg{}, fmt.Errorf("not a package line: %q", clip(line))
	}
	var p pkg
	if i := strings.LastIndex(rest, uidToken); i >= 0 {
		users, err := usersOf(rest[i+len(uidToken):])
		if err != nil {
			return pkg{}, err
		}
		p.users, rest = users, rest[:i]
	}
	if i := strings.LastIndex(rest, installerToken); i >= 0 {
		rest = rest[:i] // the installer (com.android.vending, null) is not kept
	}
	if i := strings.LastIndex(rest, versionToken); i >= 0 {
		v := rest[i+len(versionToken):]
		if _, err := strconv.ParseInt(v, 10, 64); err != nil {
			return pkg{}, fmt.Errorf("versionCode %q is not a number", clip(v))
		}
		p.version, rest = v, rest[:i]
	}
	if i := strings.LastIndexByte(rest, '='); i >= 0 {
		p.path, rest = rest[:i], rest[i+1:]
		if p.path == "" || p.path == "null" {
			p.path = ""
		}
	}
	if !inventory.ValidAndroidPackage(rest) {
		return pkg{}, fmt.Errorf("%q is not an Android package name", clip(rest))
	}
	p.name = rest
	return p, nil
}

// usersOf reads the comma-joined uids of a line as the users holding the
// package, in order, each once.
func usersOf(s string) ([]int64, error) {
	var users []int64
	for f := range strings.SplitSeq(s, ",") {
		uid, err := strconv.ParseInt(f, 10, 64)
		if err != nil || uid < 0 {
			return nil, fmt.Errorf("uid %q is not a number", clip(f))
		}
		u := uid / perUser
		if len(users) == 0 || users[len(users)-1] != u {
			users = append(users, u)
		}
	}
	return users, nil
}

// clip shortens s for an error message.
func clip(s string) string {
	if len(s) > 80 {
		return s[:80] + "..."
	}
	return s
}
