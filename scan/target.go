package scan

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
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
		rel, err := relativeTo(t.Name, ex)
		if err != nil {
			return nil, nil, err
		}
		excludes = append(excludes, rel)
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

// relativeTo turns an --exclude-path (absolute, or relative to the
// target) into a path relative to the target.
func relativeTo(target, p string) (string, error) {
	if !filepath.IsAbs(p) {
		return filepath.ToSlash(filepath.Clean(p)), nil
	}
	absTarget, err := filepath.Abs(target)
	if err != nil {
		return "", err
	}
	rel, err := filepath.Rel(absTarget, p)
	if err != nil || strings.HasPrefix(rel, "..") {
		return "", fmt.Errorf("--exclude-path %s is not under %s", p, target)
	}
	return filepath.ToSlash(rel), nil
}
