// Package gobinary reads the build information that the Go toolchain
// writes into every executable it links (debug/buildinfo): the main
// module and each module compiled in, with versions. A module path is
// where the go command fetched the code from, so it names its publisher:
// github.com/bytedance/sonic inside a program built with gin is
// ByteDance's code embedded in that program.
package gobinary

import (
	"bytes"
	"context"
	"debug/buildinfo"
	"path"
	"strings"

	"github.com/embargo-dev/embargo/inventory"
)

// Collector reads Go executables in the places programs are installed.
type Collector struct{}

// Name implements inventory.Collector.
func (Collector) Name() string { return "gobinary" }

// Tags implements inventory.Collector.
func (Collector) Tags() []string { return []string{"language", "go", "binary", "linux", "macos"} }

// Requirements implements inventory.Collector: files only.
func (Collector) Requirements() inventory.Requirements { return inventory.Requirements{} }

// notPrograms are file name extensions of scripts, libraries and data,
// which are not opened.
var notPrograms = map[string]bool{
	".sh": true, ".py": true, ".pyc": true, ".pl": true, ".rb": true, ".js": true, ".so": true, ".a": true,
	".txt": true, ".md": true, ".json": true, ".yaml": true, ".yml": true, ".xml": true, ".html": true,
	".gz": true, ".zip": true, ".jar": true, ".1": true, ".cfg": true, ".conf": true, ".ps1": true, ".bat": true,
	".cmd": true, ".png": true, ".svg": true, ".h": true, ".c": true, ".go": true, ".mod": true, ".sum": true,
}

// Wants implements inventory.Collector: a file below a program folder, a
// program at the top of an image's app folder, or one in a per-platform
// plugin folder (Terraform providers: .../linux_amd64/terraform-provider-x),
// unless its extension says it is a script, a library or data. Go's build
// cache is not software anyone runs.
//
// It runs on every file of a walk, so it looks at the path's folders in
// place rather than through path.Dir.
func (Collector) Wants(p string) bool {
	dir, file := "", p
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		dir, file = p[:i], p[i+1:]
	}
	if file == "" || !programFolder(dir) {
		return false
	}
	return !notPrograms[strings.ToLower(path.Ext(file))] && !strings.Contains(dir, "/go-build/")
}

// binDir reports whether the files below a folder of this name are
// programs: every bin and sbin (usr/bin, usr/local/bin, opt/x/bin, a
// user's go/bin and .local/bin, and the folders below them), libexec, and
// ko's image layout. A switch, not a map: it runs for each folder of each
// file walked.
func binDir(name string) bool {
	switch name {
	case "bin", "sbin", "libexec", "ko-app":
		return true
	}
	return false
}

// programFolder reports whether dir is a folder programs are installed in.
func programFolder(dir string) bool {
	if dir == "app" || platformDir(dir[strings.LastIndexByte(dir, '/')+1:]) {
		return true
	}
	// Most folders name none of them: a search of the whole path is
	// cheaper than looking at each folder.
	if !strings.Contains(dir, "bin") && !strings.Contains(dir, "libexec") && !strings.Contains(dir, "ko-app") {
		return false
	}
	for rest := dir; rest != ""; {
		var seg string
		seg, rest, _ = strings.Cut(rest, "/")
		if binDir(seg) {
			return true
		}
	}
	return false
}

// platformDir reports whether a folder is named for a platform the way Go
// tools lay plugins out: linux_amd64, darwin_arm64, windows_386.
func platformDir(name string) bool {
	osName, arch, ok := strings.Cut(name, "_")
	if !ok {
		return false
	}
	switch osName {
	case "linux", "darwin", "windows", "freebsd", "openbsd", "netbsd":
	default:
		return false
	}
	switch arch {
	case "amd64", "arm64", "386", "arm", "ppc64le", "s390x", "riscv64":
		return true
	}
	return false
}

// executable magic numbers: ELF, Mach-O (32/64-bit, either byte order,
// fat) and PE.
var magics = [][]byte{
	[]byte("\x7fELF"), {0xfe, 0xed, 0xfa, 0xce}, {0xfe, 0xed, 0xfa, 0xcf}, {0xce, 0xfa, 0xed, 0xfe},
	{0xcf, 0xfa, 0xed, 0xfe}, {0xca, 0xfe, 0xba, 0xbe}, []byte("MZ"),
}

// Collect implements inventory.Collector. A file that is not an
// executable, or an executable not built by Go, holds nothing to report.
func (Collector) Collect(ctx context.Context, t *inventory.Target, f inventory.TargetFile, lim inventory.Limits) ([]inventory.Item, []inventory.Unknown, error) {
	ra, _, err := t.OpenAt(f.Path)
	if err != nil {
		return nil, nil, err
	}
	defer ra.Close()
	var head [4]byte
	if n, _ := ra.ReadAt(head[:], 0); n < 2 || !isExecutable(head[:n]) {
		return nil, nil, nil
	}
	name := t.Display(f.Path)
	bi, err := buildinfo.Read(ra)
	if err != nil {
		if strings.Contains(err.Error(), "not a Go executable") {
			return nil, nil, nil
		}
		// A program that claims to be one format and cannot be read as
		// it is not the scan's to judge, but what could not be read is
		// said.
		return nil, []inventory.Unknown{{Location: inventory.Location{Source: name, Reader: "gobinary"},
			Name: path.Base(f.Path), Reason: "Go build information unreadable: " + err.Error()}}, nil
	}
	return Items(bi, name, lim)
}

func isExecutable(head []byte) bool {
	for _, m := range magics {
		if bytes.HasPrefix(head, m) {
			return true
		}
	}
	return false
}
