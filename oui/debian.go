package oui

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Where Debian's ieee-data package puts the listings: DebianDir holds the
// package's own; update-ieee-data(8) writes newer ones to UpdatedDir
// (which otherwise links to DebianDir's).
const (
	DebianDir  = "/usr/share/ieee-data"
	UpdatedDir = "/var/lib/ieee-data"
	// DebianPackage is the package's name, and the Source.Name of a
	// registry read from its files.
	DebianPackage = "ieee-data"
)

// DebianFiles are the CSV listings ieee-data ships, in the order a
// directory is read.
var DebianFiles = []string{"oui.csv", "mam.csv", "oui36.csv", "iab.csv"}

// dpkgStatus is dpkg's database of installed packages; a variable for
// tests.
var dpkgStatus = "/var/lib/dpkg/status"

// FromFiles reads the CSV listings at paths, each a file or a directory
// holding DebianFiles (those present, at least one), and names the
// registry by them: "ieee-data" and the installed package's version
// when every file is (or links to) one of DebianDir's; the date in the
// .lastupdate file beside the files (seconds since 1970, which ieee-data
// ships and update-ieee-data rewrites) when they share one, else the
// newest file's modification time.
func FromFiles(ctx context.Context, paths ...string) (*Registry, error) {
	var names []string
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		if !st.IsDir() {
			names = append(names, p)
			continue
		}
		n := len(names)
		for _, f := range DebianFiles {
			if _, err := os.Stat(filepath.Join(p, f)); err == nil {
				names = append(names, filepath.Join(p, f))
			}
		}
		if len(names) == n {
			return nil, fmt.Errorf("%s: none of %s", p, strings.Join(DebianFiles, ", "))
		}
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("oui: no listings given")
	}
	src := Source{Name: "IEEE RA listings"}
	var files []File
	dirs := map[string]bool{}
	var newest time.Time
	for _, n := range names {
		f, err := os.Open(n)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		if st, err := f.Stat(); err == nil && st.ModTime().After(newest) {
			newest = st.ModTime()
		}
		files = append(files, File{Name: n, R: f})
		real, err := filepath.EvalSymlinks(n)
		if err != nil {
			return nil, err
		}
		dirs[filepath.Dir(real)] = true
	}
	src.Date = newest.UTC().Truncate(time.Second)
	if len(dirs) == 1 {
		for dir := range dirs {
			if t, err := lastUpdate(filepath.Join(dir, ".lastupdate")); err == nil {
				src.Date = t
			}
			switch dir {
			case DebianDir:
				src.Name, src.Version = DebianPackage, installedVersion(DebianPackage)
			case UpdatedDir:
				src.Name = DebianPackage + " (refreshed by update-ieee-data)"
			}
		}
	}
	return FromCSV(ctx, src, files...)
}

// lastUpdate reads ieee-data's .lastupdate: seconds since 1970.
func lastUpdate(path string) (time.Time, error) {
	b, err := readSmall(path)
	if err != nil {
		return time.Time{}, err
	}
	s, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
	if err != nil || s <= 0 || s > 253402300799 {
		return time.Time{}, fmt.Errorf("%s: not seconds since 1970", path)
	}
	return time.Unix(s, 0).UTC(), nil
}

func readSmall(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b := make([]byte, 64)
	n, err := f.Read(b)
	if err != nil {
		return nil, err
	}
	return b[:n], nil
}

// installedVersion is the version dpkg's status database gives an
// installed package, or "".
func installedVersion(pkg string) string {
	f, err := os.Open(dpkgStatus)
	if err != nil {
		return ""
	}
	defer f.Close()
	return statusVersion(f, pkg)
}

// statusVersion reads a dpkg status file (deb822 stanzas) for the
// Version of pkg when its Status says it is installed.
func statusVersion(r io.Reader, pkg string) string {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	var name, version, status string
	flush := func() string {
		if name == pkg && strings.HasSuffix(status, " installed") {
			return version
		}
		name, version, status = "", "", ""
		return ""
	}
	for sc.Scan() {
		line := sc.Text()
		if line == "" {
			if v := flush(); v != "" {
				return v
			}
			continue
		}
		k, v, ok := strings.Cut(line, ":")
		if !ok || strings.HasPrefix(line, " ") {
			continue
		}
		switch k {
		case "Package":
			name = strings.TrimSpace(v)
		case "Version":
			version = strings.TrimSpace(v)
		case "Status":
			status = strings.TrimSpace(v)
		}
	}
	return flush()
}
