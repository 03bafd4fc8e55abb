package python

import (
	"archive/zip"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"

	"github.com/embargo-dev/embargo/internal/testtool"
	"github.com/embargo-dev/embargo/inventory"
)

// TestPipInstalled installs distributions with the real tools, pip (a
// wheel) and setuptools (setup.py install, a zipped egg), into a fresh
// virtual environment, and reads them back.
func TestPipInstalled(t *testing.T) {
	py := testtool.Command(t, "python3", "python3")
	if out, err := exec.Command(py, "-c", "import ensurepip, venv").CombinedOutput(); err != nil {
		testtool.Missing(t, "python3's venv module", "python3-venv", fmt.Errorf("%v: %s", err, out))
	}
	dir := t.TempDir()
	venv := filepath.Join(dir, "venv")
	run(t, dir, py, "-m", "venv", venv)
	whl := filepath.Join(dir, "Lark_OAPI-1.4.8-py3-none-any.whl")
	writeWheel(t, whl)
	run(t, dir, filepath.Join(venv, "bin", "pip"), "install", "--no-index", "--disable-pip-version-check", "-q", whl)
	proj := filepath.Join(dir, "proj")
	if err := os.MkdirAll(proj, 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(proj, "setup.py"), []byte(`from setuptools import setup
setup(name="volcengine_python_sdk", version="4.0.1", author="volc-engine", py_modules=["volc_stub"])
`), 0o644)
	os.WriteFile(filepath.Join(proj, "volc_stub.py"), []byte("x = 1\n"), 0o644)
	run(t, proj, filepath.Join(venv, "bin", "python"), "setup.py", "-q", "install")

	res := collect(t, venv, inventory.DefaultLimits)
	var purls []string
	for _, it := range res.Items {
		purls = append(purls, it.Get(inventory.PURL))
	}
	for _, want := range []string{"pkg:pypi/lark-oapi@1.4.8", "pkg:pypi/volcengine-python-sdk@4.0.1", "pkg:pypi/pip@" + pipVersion(res.Items)} {
		if !slices.Contains(purls, want) {
			t.Errorf("%s not found in %v (unknowns %v, errors %v)", want, purls, res.Unknowns, res.Errs)
		}
	}
}

func pipVersion(items []inventory.Item) string {
	for _, it := range items {
		if it.Name == "pip" {
			return it.Version
		}
	}
	return "(pip not found)"
}

func run(t *testing.T, dir, name string, args ...string) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "PIP_NO_INDEX=1", "PYTHONDONTWRITEBYTECODE=1")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
}

// writeWheel writes a minimal wheel (PEP 427): a module and its dist-info.
func writeWheel(t *testing.T, p string) {
	t.Helper()
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	const di = "lark_oapi-1.4.8.dist-info/"
	for name, body := range map[string]string{
		"lark_oapi/__init__.py": "",
		di + "METADATA":         "Metadata-Version: 2.1\nName: lark-oapi\nVersion: 1.4.8\nSummary: Lark OpenAPI SDK for Python\nAuthor: Lark Technologies Pte. Ltd.\nAuthor-email: sdk@example.org\n",
		di + "WHEEL":            "Wheel-Version: 1.0\nGenerator: embargo-test\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
		di + "RECORD":           "lark_oapi/__init__.py,,\n" + di + "METADATA,,\n" + di + "WHEEL,,\n" + di + "RECORD,,\n",
	} {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(body))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	f.Close()
}
