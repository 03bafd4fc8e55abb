package gobinary

import (
	"archive/zip"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/inventory"
	"github.com/embargo-dev/embargo/inventory/collecttest"
)

func TestWants(t *testing.T) {
	for p, want := range map[string]bool{
		"usr/bin/kubectl":                               true,
		"usr/local/bin/hertz-app":                       true,
		"home/ann/go/bin/gopls":                         true,
		"opt/tool/sbin/daemon":                          true,
		"usr/libexec/x/helper":                          true,
		"ko-app/server":                                 true,
		"app/server":                                    true,
		"usr/bin/python3.11":                            true, // opened: an ELF, not Go
		"usr/lib/google-cloud-sdk/bin/anthoscli":        true,
		"usr/lib/google-cloud-sdk/bin/sub/gateway_main": true,
		"opt/tf/registry.terraform.io/hashicorp/aws/5.31.0/linux_amd64/terraform-provider-aws_v5.31.0_x5": true,
		"usr/lib/x86_64-linux-gnu/libc":  false,
		"srv/data/server":                false,
		"usr/bin/script.sh":              false,
		"usr/bin/libfoo.so":              false,
		"root/.cache/go-build/06/0612-d": false,
		"opt/linux_amd64x/tool":          false,
		"/usr/bin/abs":                   true,
		"usr/binx/tool":                  false,
		"usr/bin/":                       false,
		"kubectl":                        false,
		"linux_amd64/tool":               true,
	} {
		if got := (Collector{}).Wants(p); got != want {
			t.Errorf("Wants(%q) = %v", p, got)
		}
	}
}

// goproxy lays out a file:// module proxy holding one module, so that the
// real go command builds a program depending on it without a network.
func goproxy(t *testing.T, dir, mod, version, src string) string {
	t.Helper()
	base := filepath.Join(dir, "proxy", filepath.FromSlash(mod), "@v")
	if err := os.MkdirAll(base, 0o755); err != nil {
		t.Fatal(err)
	}
	gomod := "module " + mod + "\n\ngo 1.21\n"
	os.WriteFile(filepath.Join(base, "list"), []byte(version+"\n"), 0o644)
	os.WriteFile(filepath.Join(base, version+".info"), []byte(`{"Version":"`+version+`","Time":"2024-01-01T00:00:00Z"}`), 0o644)
	os.WriteFile(filepath.Join(base, version+".mod"), []byte(gomod), 0o644)
	f, err := os.Create(filepath.Join(base, version+".zip"))
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	for name, body := range map[string]string{"go.mod": gomod, "sonic.go": src} {
		w, _ := zw.Create(mod + "@" + version + "/" + name)
		w.Write([]byte(body))
	}
	zw.Close()
	f.Close()
	return "file://" + filepath.ToSlash(filepath.Join(dir, "proxy"))
}

// TestGoBuilt builds a program with the real go command, for Linux (ELF),
// macOS (Mach-O) and Windows (PE), depending on a module served from a
// local proxy, and reads its build information back.
func TestGoBuilt(t *testing.T) {
	gobin := goTool(t)
	dir := t.TempDir()
	proxy := goproxy(t, dir, "github.com/bytedance/sonic", "v1.11.6", "package sonic\n\nfunc Valid(b []byte) bool { return len(b) > 0 }\n")
	app := filepath.Join(dir, "app")
	os.MkdirAll(app, 0o755)
	os.WriteFile(filepath.Join(app, "go.mod"), []byte("module example.org/gateway\n\ngo 1.21\n\nrequire github.com/bytedance/sonic v1.11.6\n"), 0o644)
	os.WriteFile(filepath.Join(app, "main.go"), []byte("package main\n\nimport \"github.com/bytedance/sonic\"\n\nfunc main() { println(sonic.Valid(nil)) }\n"), 0o644)
	root := filepath.Join(dir, "root")
	for _, target := range []struct{ goos, out string }{
		{"linux", "usr/local/bin/gateway"}, {"darwin", "opt/gw/bin/gateway"}, {"windows", "srv/bin/gateway"},
	} {
		cmd := exec.Command(gobin, "build", "-mod=mod", "-o", filepath.Join(root, filepath.FromSlash(target.out)), ".")
		cmd.Dir = app
		cmd.Env = append(os.Environ(), "GOPROXY="+proxy, "GONOSUMDB=*", "GONOSUMCHECK=1", "GOFLAGS=", "GOOS="+target.goos, "GOARCH=amd64",
			"CGO_ENABLED=0", "GOPATH="+filepath.Join(dir, "gopath"), "GOMODCACHE="+filepath.Join(dir, "modcache"), "GOTOOLCHAIN=local")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go build for %s: %v\n%s", target.goos, err, out)
		}
	}
	// A shell script and a non-Go ELF in a bin folder hold nothing.
	collecttest.Write(t, root, map[string][]byte{"usr/local/bin/run": []byte("#!/bin/sh\necho hi\n")})
	if ls, err := exec.LookPath("ls"); err == nil {
		b, _ := os.ReadFile(ls)
		collecttest.Write(t, root, map[string][]byte{"usr/bin/ls": b})
	}
	res := collecttest.Root(t, root, Collector{})
	var got []string
	for _, it := range res.Items {
		got = append(got, it.Location.Source+" "+string(it.Type)+" "+it.Get(inventory.PURL)+" via "+strings.Join(it.DependencyPath, ","))
	}
	slices.Sort(got)
	want := []string{
		"/opt/gw/bin/gateway application pkg:golang/example.org/gateway via ",
		"/opt/gw/bin/gateway library pkg:golang/github.com/bytedance/sonic@v1.11.6 via example.org/gateway",
		"/srv/bin/gateway application pkg:golang/example.org/gateway via ",
		"/srv/bin/gateway library pkg:golang/github.com/bytedance/sonic@v1.11.6 via example.org/gateway",
		"/usr/local/bin/gateway application pkg:golang/example.org/gateway via ",
		"/usr/local/bin/gateway library pkg:golang/github.com/bytedance/sonic@v1.11.6 via example.org/gateway",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s\nunknowns %v errors %v", diff, res.Unknowns, res.Errs)
	}
}

// TestTruncated: an executable cut short is an unknown, not a panic and
// not silence.
func TestTruncated(t *testing.T) {
	exe, err := os.Executable() // this test binary, built by Go (test binaries list no dependencies)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(exe)
	if err != nil {
		t.Fatal(err)
	}
	root := collecttest.Volume(t, map[string][]byte{"usr/bin/cut": b[:4096], "usr/bin/whole": b})
	res := collecttest.Root(t, root, Collector{})
	if len(res.Unknowns) != 1 || res.Unknowns[0].Name != "cut" {
		t.Errorf("unknowns %+v", res.Unknowns)
	}
	if len(res.Items) != 1 || res.Items[0].Name != "whole" || res.Items[0].Get(inventory.PURL) != "pkg:golang/github.com/embargo-dev/embargo" {
		t.Errorf("the whole test binary was not read: %+v", res.Items)
	}
}

// goTool is the go command on PATH (the one that runs these tests).
func goTool(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("go")
	if err != nil {
		t.Fatal("the go command builds the fixture: ", err)
	}
	return p
}
