package scan

import (
	"context"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strings"

	"github.com/embargo-dev/embargo/inventory"
)

// openTarget opens a directory input as a target whose file system cannot
// be left through symbolic links (os.Root).
func openTarget(input string) (*inventory.Target, func(), error) {
	root, err := os.OpenRoot(input)
	if err != nil {
		return nil, nil, err
	}
	t := &inventory.Target{Name: filepath.Clean(input), FS: root.FS()}
	if abs, err := filepath.Abs(input); err == nil && isLiveRoot(abs) {
		t.Live = true
		t.Host, _ = os.Hostname()
	}
	return t, func() { root.Close() }, nil
}

// isLiveRoot reports whether an absolute path is the running system's
// root: "/" on Unix, the system drive's root (C:\) on Windows.
func isLiveRoot(abs string) bool {
	if runtime.GOOS == "windows" {
		drive := os.Getenv("SystemDrive")
		return drive != "" && strings.EqualFold(abs, drive+`\`)
	}
	return abs == "/"
}

// isDir reports whether an input names a directory.
func isDir(input string) bool {
	if input == "-" {
		return false
	}
	fi, err := os.Stat(input)
	return err == nil && fi.IsDir()
}

// scanTarget walks a directory input with the selected collectors.
func scanTarget(ctx context.Context, input string, opts Options) (*inventory.Inventory, []string, error) {
	t, closeRoot, err := openTarget(input)
	if err != nil {
		return nil, nil, err
	}
	defer closeRoot()
	collectors, notes, err := SelectCollectors(t, opts.Select)
	if err != nil {
		return nil, nil, err
	}
	var excludes []string
	for _, ex := range opts.Exclude {
		// An --exclude-path that is not in this target is in another
		// (checkExcludes made sure of that).
		if rel, err := excludeIn(input, ex); err == nil {
			excludes = append(excludes, rel)
		}
	}
	names := make([]string, len(collectors))
	for i, c := range collectors {
		names[i] = c.Name()
	}
	notes = append(notes, "collectors run: "+strings.Join(names, ", "))
	inv, err := Walk(ctx, t, collectors, WalkOptions{
		Limits: opts.Limits, Exclude: excludes, OneFS: t.Live && !opts.CrossFS, Progress: opts.Progress,
	})
	return inv, notes, err
}

// excludeIn turns an --exclude-path into a path relative to a directory
// target: a path as embargo prints it or any path relative to the working
// directory (win/Users when the target is win), an absolute one, or a path
// relative to the target (Users). It must name something in the target:
// anything else could never match, and the error says why.
func excludeIn(target, ex string) (string, error) {
	absTarget, err := filepath.Abs(target)
	if err != nil {
		return "", err
	}
	abs, err := filepath.Abs(ex)
	if err != nil {
		return "", err
	}
	var cands []string
	if rel, err := filepath.Rel(absTarget, abs); err == nil && !outside(rel) {
		cands = append(cands, rel)
	}
	if c := filepath.Clean(ex); !filepath.IsAbs(ex) && !outside(c) && !slices.Contains(cands, c) {
		cands = append(cands, c)
	}
	if len(cands) == 0 {
		return "", fmt.Errorf("%s is outside the target %s", ex, target)
	}
	root, err := os.OpenRoot(target)
	if err != nil {
		return "", err
	}
	defer root.Close()
	for _, c := range cands {
		if c == "." {
			return "", fmt.Errorf("%s is the target %s itself", ex, target)
		}
		if _, err := root.Lstat(c); err == nil {
			return filepath.ToSlash(c), nil
		}
	}
	return "", fmt.Errorf("nothing in the target %s is at %s", target, ex)
}

// outside reports whether a relative path climbs out of where it starts.
func outside(rel string) bool {
	return rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// excludeInImage turns an --exclude-path into a path of an image
// tarball's file system: a path as embargo prints it (TARBALL/usr/share
// or TARBALL[REF]/usr/share), or a path of the image (/usr/share, or
// usr/share).
func excludeInImage(tarball, ex string) string {
	ex = filepath.ToSlash(ex)
	name := filepath.ToSlash(filepath.Clean(tarball))
	if rest, ok := strings.CutPrefix(ex, name+"/"); ok {
		ex = rest
	} else if rest, ok := strings.CutPrefix(ex, name+"["); ok {
		if _, after, ok := strings.Cut(rest, "]/"); ok {
			ex = after
		}
	}
	return strings.TrimPrefix(path.Clean("/"+ex), "/")
}

// checkExcludes refuses an --exclude-path that can match in none of the
// inputs walked (the directories, and the images: an image's paths are
// known only once it is unpacked, so any path may be in it), naming the
// path and the targets.
func checkExcludes(inputs []string, srcs []Source, excludes []string) error {
	for _, ex := range excludes {
		var why []string
		ok := false
		for i, in := range inputs {
			switch srcs[i].(type) {
			case hostSource:
				_, err := excludeIn(in, ex)
				if err == nil {
					ok = true
				} else {
					why = append(why, err.Error())
				}
			case imageSource:
				ok = true
			}
		}
		switch {
		case ok:
		case len(why) == 0:
			return fmt.Errorf("--exclude-path %s: no directory or image among the inputs to leave it out of (it applies to the directories and images walked)", ex)
		default:
			return fmt.Errorf("--exclude-path %s can never match: %s (give the path as embargo prints it or relative to the working directory, an absolute path, or a path relative to the target)",
				ex, strings.Join(why, "; "))
		}
	}
	return nil
}
