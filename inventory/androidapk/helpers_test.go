package androidapk

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/embargo-dev/embargo/internal/testtool"
	"github.com/embargo-dev/embargo/inventory"
)

// The real Android tools, from Debian packages the test script installs:
// aapt (aapt), zipalign (zipalign), apksigner (apksigner), the framework
// resources aapt links against (android-framework-res) and keytool
// (openjdk-17-jdk-headless). A missing tool fails the test.
const frameworkRes = "/usr/share/android-framework-res/framework-res.apk"

var toolPackages = map[string]string{
	"aapt": "aapt", "zipalign": "zipalign", "apksigner": "apksigner", "keytool": "openjdk-17-jdk-headless", "openssl": "openssl",
}

// run runs a tool and returns its standard output; a failure fails the
// test, naming the Debian package that has the tool.
func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := runErr(t, name, args...)
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return out
}

// runErr runs a tool that may fail; a missing tool fails the test.
func runErr(t *testing.T, name string, args ...string) (string, error) {
	t.Helper()
	testtool.Command(t, name, toolPackages[name])
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(name, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if err != nil {
		return stdout.String() + stderr.String(), err
	}
	return stdout.String(), nil
}

// buildAPK compiles manifest (and the resource files of res, by path
// under res/) with aapt against the framework resources, and aligns the
// result with zipalign. It returns the unsigned APK's path.
func buildAPK(t *testing.T, dir, manifest string, res map[string]string) string {
	t.Helper()
	testtool.File(t, frameworkRes, "android-framework-res")
	src := filepath.Join(dir, "src")
	files := map[string]string{"AndroidManifest.xml": manifest}
	for p, v := range res {
		files["res/"+p] = v
	}
	for p, v := range files {
		full := filepath.Join(src, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(v), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	unaligned, out := filepath.Join(dir, "unaligned.apk"), filepath.Join(dir, "unsigned.apk")
	args := []string{"package", "-f", "-M", filepath.Join(src, "AndroidManifest.xml"), "-I", frameworkRes, "-F", unaligned}
	if len(res) > 0 {
		args = append(args, "-S", filepath.Join(src, "res"))
	}
	run(t, "aapt", args...)
	run(t, "zipalign", "-f", "4", unaligned, out)
	return out
}

// key is a signing key in a keystore, with what keytool says of its
// certificate.
type key struct {
	store, alias, storeType string
	sha256, sha1            string // keytool's fingerprints, lower-case hex
}

var fingerprint = regexp.MustCompile(`(?m)^\s*(SHA1|SHA256):\s*([0-9A-F:]+)\s*$`)

// newKey makes a key with keytool (keyalg RSA or EC) and reads the
// fingerprints keytool prints for its certificate.
func newKey(t *testing.T, dir, alias, keyalg, dname string) key {
	t.Helper()
	k := key{store: filepath.Join(dir, alias+".jks"), alias: alias}
	args := []string{"-genkeypair", "-keystore", k.store, "-storepass", "password", "-keypass", "password", "-alias", alias,
		"-keyalg", keyalg, "-validity", "3650", "-dname", dname}
	if keyalg == "RSA" {
		args = append(args, "-keysize", "2048")
	} else {
		args = append(args, "-groupname", "secp256r1")
	}
	run(t, "keytool", args...)
	k.fingerprints(t, run(t, "keytool", "-list", "-v", "-keystore", k.store, "-storepass", "password", "-alias", alias))
	return k
}

func (k *key) fingerprints(t *testing.T, list string) {
	t.Helper()
	for _, m := range fingerprint.FindAllStringSubmatch(list, -1) {
		hex := strings.ToLower(strings.ReplaceAll(m[2], ":", ""))
		if m[1] == "SHA256" && k.sha256 == "" {
			k.sha256 = hex
		} else if m[1] == "SHA1" && k.sha1 == "" {
			k.sha1 = hex
		}
	}
	if len(k.sha256) != 64 || len(k.sha1) != 40 {
		t.Fatalf("keytool printed no fingerprints:\n%s", list)
	}
}

// signerArgs are apksigner's arguments for signing with k.
func (k key) signerArgs() []string {
	args := []string{"--ks", k.store, "--ks-pass", "pass:password", "--ks-key-alias", k.alias}
	if k.storeType != "" {
		args = append(args, "--ks-type", k.storeType)
	}
	return args
}

// sign signs in with apksigner into out; extra are its flags.
func sign(t *testing.T, in, out string, k key, extra ...string) string {
	t.Helper()
	args := append([]string{"sign"}, k.signerArgs()...)
	args = append(append(args, extra...), "--out", out, in)
	run(t, "apksigner", args...)
	return out
}

// printed is what `apksigner verify --print-certs` says of an APK.
type printed struct {
	schemes map[string]bool // "v1", "v2", "v3": verified
	sha256  []string        // Signer #n certificate SHA-256 digest
	sha1    []string
	dn      []string
}

var (
	verifiedRe = regexp.MustCompile(`(?m)^Verified using (v\d) scheme[^:]*: (true|false)$`)
	digestRe   = regexp.MustCompile(`(?m)^Signer #\d+ certificate (SHA-256|SHA-1) digest: ([0-9a-f]+)$`)
	dnRe       = regexp.MustCompile(`(?m)^Signer #\d+ certificate DN: (.*)$`)
)

// verify runs apksigner verify; of the signing flags, a --min-sdk-version
// is passed on.
func verify(t *testing.T, apk string, signFlags ...string) printed {
	t.Helper()
	args := []string{"verify", "--verbose", "--print-certs"}
	for i, f := range signFlags {
		if f == "--min-sdk-version" && i+1 < len(signFlags) {
			args = append(args, f, signFlags[i+1])
		}
	}
	return parseVerify(t, run(t, "apksigner", append(args, apk)...))
}

func parseVerify(t *testing.T, out string) printed {
	t.Helper()
	p := printed{schemes: map[string]bool{}}
	for _, m := range verifiedRe.FindAllStringSubmatch(out, -1) {
		p.schemes[m[1]] = m[2] == "true"
	}
	for _, m := range digestRe.FindAllStringSubmatch(out, -1) {
		if m[1] == "SHA-256" {
			p.sha256 = append(p.sha256, m[2])
		} else {
			p.sha1 = append(p.sha1, m[2])
		}
	}
	for _, m := range dnRe.FindAllStringSubmatch(out, -1) {
		p.dn = append(p.dn, m[1])
	}
	if len(p.sha256) == 0 || len(p.sha256) != len(p.sha1) {
		t.Fatalf("apksigner printed no certificate digests:\n%s", out)
	}
	return p
}

// readFile reads an APK file with the Reader, under the name given.
func readFile(t *testing.T, file, name string) *inventory.Inventory {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if !(Reader{}).Sniff(name, data[:min(len(data), 8<<10)]) {
		t.Errorf("%s (%s) is not recognised", name, file)
	}
	inv, err := Reader{}.Read(context.Background(), name, bytes.NewReader(data), inventory.DefaultLimits)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return inv
}

// values are the values of field f of an item.
func values(it inventory.Item, f inventory.Field) []string {
	var out []string
	for _, a := range it.Attrs {
		if a.Field == f {
			out = append(out, a.Value)
		}
	}
	return out
}
