// Package androidpm reads what Android's package manager lists: the
// output of `adb shell pm list packages`, with or without -f (the APK's
// path), -U (the uids), -i (the installer) and --show-versioncode, one
// package a line. It is how a phone's apps are listed by hand when no
// MDM inventory is to hand.
//
// The line is built by runListPackages in AOSP's
// frameworks/base/services/core/java/com/android/server/pm/PackageManagerShellCommand.java:
//
//	"package:" [sourceDir "="] packageName [" versionCode:" n] ["  installer=" pkg] [" uid:" uid[,uid...]]
//
// Since Android 11 an APK's folder name holds random base64 that may end
// in "=", so the package name is what follows the last "=", and the
// optional parts are split off from the right by their exact tokens.
// Newer releases list every user's packages by default and join the uids
// of the users holding a package; a uid of 100000 or more is a secondary
// user's or a work profile's (user = uid / 100000). adb on Windows ends
// lines with CRLF.
package androidpm

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/embargo-dev/embargo/inventory"
)

// Reader reads `pm list packages` output.
type Reader struct{}

// Name implements inventory.Reader.
func (Reader) Name() string { return "pm-list" }

// prefix begins every package line.
const prefix = "package:"

// Sniff implements inventory.Reader: the first line that is not blank is
// a package line naming a valid package.
func (Reader) Sniff(_ string, head []byte) bool {
	h := bytes.TrimLeft(head, " \t\r\n\xef\xbb\xbf")
	if !bytes.HasPrefix(h, []byte(prefix)) {
		return false
	}
	line, _, complete := bytes.Cut(h, []byte("\n"))
	if !complete && len(h) == len(head) && len(h) > maxLine {
		return false
	}
	_, err := parse(string(bytes.TrimRight(line, "\r")))
	return err == nil
}

// maxLine is the longest line read; a real line is a path and a package
// name, well under a kilobyte.
const maxLine = 16 << 10

// Read implements inventory.Reader.
func (Reader) Read(ctx context.Context, name string, in io.Reader, lim inventory.Limits) (*inventory.Inventory, error) {
	sc := bufio.NewScanner(inventory.LimitReader(in, lim.MaxBytes))
	sc.Buffer(make([]byte, 0, 4096), maxLine)
	inv := &inventory.Inventory{Source: name, Format: "Android pm list packages"}
	n, lines := 0, 0
	for sc.Scan() {
		n++
		if n%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		text := strings.TrimRight(sc.Text(), "\r \t")
		if n == 1 {
			text = strings.TrimPrefix(text, "\xef\xbb\xbf")
		}
		if strings.TrimSpace(text) == "" {
			continue
		}
		lines++
		loc := inventory.Location{Source: name, Line: n}
		p, err := parse(text)
		if err != nil {
			inv.Unknowns = append(inv.Unknowns, inventory.Unknown{Location: loc, Reason: err.Error()})
			continue
		}
		if len(p.name) > lim.MaxString || len(p.path) > lim.MaxString {
			inv.Unknowns = append(inv.Unknowns, inventory.Unknown{Location: loc, Reason: fmt.Sprintf("a value longer than %d bytes", lim.MaxString)})
			continue
		}
		if len(inv.Items) >= lim.MaxItems {
			return nil, &inventory.InputError{Source: name, Line: n, Offset: -1, Err: fmt.Errorf("more than %d packages (the item limit)", lim.MaxItems)}
		}
		inv.Items = append(inv.Items, p.item(loc, len(inv.Items)))
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			err = fmt.Errorf("a line longer than %d bytes", maxLine)
		}
		return nil, &inventory.InputError{Source: name, Line: n + 1, Offset: -1, Err: err}
	}
	if lines == 0 {
		return nil, &inventory.InputError{Source: name, Offset: 0, Err: errors.New("no package lines: the output is empty")}
	}
	if len(inv.Items) == 0 {
		first := inv.Unknowns[0]
		return nil, &inventory.InputError{Source: name, Line: first.Location.Line, Offset: -1,
			Err: fmt.Errorf("no line is a package line (first: %s)", first.Reason)}
	}
	return inv, nil
}

// pkg is one package line.
type pkg struct {
	name, path, version string
	users               []int64
}

// item is the package as an inventory item.
func (p pkg) item(loc inventory.Location, index int) inventory.Item {
	loc.Ref = prefix + p.name
	if len(p.users) > 0 {
		us := make([]string, len(p.users))
		for i, u := range p.users {
			us[i] = strconv.FormatInt(u, 10)
		}
		loc.Ref += " (users " + strings.Join(us, ", ") + ")"
	}
	it := inventory.Item{Type: inventory.Application, Ecosystem: "android", Name: p.name, Version: p.version, Location: loc, Index: index}
	it.Add(inventory.AndroidID, p.name)
	it.Add(inventory.Path, p.path)
	it.SetID()
	return it
}
