package release

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
)

// Options are one release's inputs.
type Options struct {
	Root       string // the repository's root
	Out        string // the folder the artefacts are written to
	Stamp      Stamp
	Maintainer string   // the packages' maintainer, "Name <address>"
	Targets    []Target // binaries to build (default: Targets)
	Formats    []string // packages to make for each linux target (Deb, RPM)
	Image      string   // the CA bundle for an OCI image of the linux targets; "" for no image
	// Progress, when set, is told each step as it starts.
	Progress func(step string)
}

// Make builds the release into o.Out and returns the names of the files it
// wrote there, SHA256SUMS last.
func Make(ctx context.Context, o Options) ([]string, error) {
	if err := o.Stamp.Validate(); err != nil {
		return nil, err
	}
	if o.Maintainer == "" {
		return nil, errors.New("the packages need a maintainer (Name <address>)")
	}
	if len(o.Targets) == 0 {
		o.Targets = Targets
	}
	say := func(format string, args ...any) {
		if o.Progress != nil {
			o.Progress(fmt.Sprintf(format, args...))
		}
	}
	if err := os.MkdirAll(o.Out, 0o755); err != nil {
		return nil, err
	}
	var names, all []string
	linux := map[string]string{} // arch → binary
	for _, t := range o.Targets {
		name := BinaryName(o.Stamp.Version, t)
		say("building %s", name)
		path := filepath.Join(o.Out, name)
		if err := (Build{Module: o.Root, Target: t, Stamp: o.Stamp, Out: path}).Run(ctx); err != nil {
			return nil, err
		}
		names, all = append(names, name), append(all, path)
		if t.OS == "linux" {
			linux[t.Arch] = path
		}
	}
	say("gathering the licences of the binaries' modules")
	notices, err := Notices(ctx, o.Root, all...)
	if err != nil {
		return nil, err
	}
	noticeName := fmt.Sprintf("embargo-%s-NOTICES.txt", o.Stamp.Version)
	if err := os.WriteFile(filepath.Join(o.Out, noticeName), notices, 0o644); err != nil {
		return nil, err
	}
	names = append(names, noticeName)
	var debNotices []byte
	if len(o.Formats) > 0 || o.Image != "" {
		var bins []string
		for _, a := range slices.Sorted(maps.Keys(linux)) {
			bins = append(bins, linux[a])
		}
		if len(bins) == 0 {
			return nil, errors.New("packages and images need a linux target")
		}
		if notices, err = Notices(ctx, o.Root, bins...); err != nil {
			return nil, err
		}
		if debNotices, err = DebianCopyright(ctx, o.Root, bins...); err != nil {
			return nil, err
		}
	}
	man, cleanup, err := manPages(ctx, linux, o.Stamp)
	if err != nil {
		return nil, err
	}
	defer cleanup()
	if len(o.Formats) > 0 && man == "" {
		say("no manual pages: this binary has no 'man' command")
	}
	for _, arch := range slices.Sorted(maps.Keys(linux)) {
		for _, f := range o.Formats {
			say("making the %s package for linux/%s", f, arch)
			p := Package{Root: o.Root, Binary: linux[arch], Arch: arch, Stamp: o.Stamp, Maintainer: o.Maintainer,
				Copyright: notices, DebCopyright: debNotices, ManPages: man}
			path, err := p.Write(f, o.Out)
			if err != nil {
				return nil, err
			}
			names = append(names, filepath.Base(path))
		}
	}
	if o.Image != "" {
		name := fmt.Sprintf("embargo-%s-oci.tar", o.Stamp.Version)
		say("making the OCI image %s", name)
		var b bytes.Buffer
		im := Image{Stamp: o.Stamp, Binaries: linux, CACerts: o.Image, Copyright: notices}
		if err := im.WriteLayout(&b); err != nil {
			return nil, err
		}
		if err := os.WriteFile(filepath.Join(o.Out, name), b.Bytes(), 0o644); err != nil {
			return nil, err
		}
		names = append(names, name)
	}
	say("writing %s", SumsFile)
	if err := WriteSums(o.Out, names); err != nil {
		return nil, err
	}
	return append(names, SumsFile), nil
}

// manPages has the binary that runs here write its manual pages, when it
// has a 'man' command: the folder, or "" when it has none (or no binary
// runs here). The pages' date is the stamp's.
func manPages(ctx context.Context, linux map[string]string, s Stamp) (string, func(), error) {
	none := func() {}
	bin, ok := linux[runtime.GOARCH]
	if runtime.GOOS != "linux" || !ok {
		return "", none, nil
	}
	if err := exec.CommandContext(ctx, bin, "man", "--help").Run(); err != nil {
		return "", none, nil
	}
	dir, err := os.MkdirTemp("", "embargo-man-")
	if err != nil {
		return "", none, err
	}
	cleanup := func() { os.RemoveAll(dir) }
	cmd := exec.CommandContext(ctx, bin, "man", "--dir", dir)
	cmd.Env = append(os.Environ(), "SOURCE_DATE_EPOCH="+strconv.FormatInt(s.Date.Unix(), 10))
	if out, err := cmd.CombinedOutput(); err != nil {
		cleanup()
		return "", none, fmt.Errorf("embargo man --dir: %v: %s", err, out)
	}
	return dir, cleanup, nil
}
