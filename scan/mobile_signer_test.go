package scan

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/attribute"
	"github.com/embargo-dev/embargo/catalog"
)

// signerCatalogue is a department's local catalogue naming a supplier
// only by the certificate that signs its Android apps and by its Apple
// Team ID: the test APK's signer (made with keytool and apksigner by
// inventory/androidapk/testdata/make-apk.sh, as apksigner prints it in
// fixture.apk.print-certs.txt) and the test IPA's team.
const signerCatalogue = `
sources:
  - id: test-signers
    url: https://intranet.example/signers
    title: Test signing identities
entities:
  - id: example-signer-ltd
    names:
      - {value: Example Signer Test Entity, kind: legal, source: test-signers, confidence: high}
    country: {code: GB, source: test-signers, confidence: high}
    identifiers:
      - kind: apk_cert_sha256
        value: 825148a2ec2c8ffecfec4bddfacab0788fd1c6151da129b6c2525b1abb9e4eb0
        source: test-signers
        confidence: high
        match: [825148A2EC2C8FFECFEC4BDDFACAB0788FD1C6151DA129B6C2525B1ABB9E4EB0]
        nomatch: [825148a2ec2c8ffecfec4bddfacab0788fd1c6151da129b6c2525b1abb9e4eb1]
      - kind: apple_team_id
        value: ABCDE12345
        source: test-signers
        confidence: high
        match: [ABCDE12345]
        nomatch: [ABCDE12346]
`

// An APK and an IPA are attributed by who signed them, whatever the
// file is called: package names and bundle ids can be copied, the
// signing certificate and the Team ID cannot.
func TestMobilePackagesAttributedBySigner(t *testing.T) {
	base, err := catalog.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	cat, err := base.WithLocal([]catalog.LocalFile{{Name: "signers.yaml", Data: []byte(signerCatalogue)}})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	copyTo := func(src, name string) string {
		data, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	inputs := []string{
		copyTo("../inventory/androidapk/testdata/fixture.apk", "fixture.apk"),
		copyTo("../inventory/androidapk/testdata/fixture.apk", "holiday-photos.bin"),
		copyTo("../inventory/ipa/testdata/fixture.ipa", "fixture.ipa"),
		copyTo("../inventory/ipa/testdata/fixture.ipa", "IMG_2041.JPG"),
	}
	got := map[string]string{}
	for _, in := range inputs {
		rep, err := Run(context.Background(), attribute.New(cat), []string{in}, Options{Version: "test"})
		if err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		for _, e := range rep.Items {
			who := "(none)"
			if e.Attribution != nil {
				who = e.Attribution.Entity.ID + " by " + string(e.Attribution.Evidence[0].Kind)
			}
			got[filepath.Base(in)] = who
		}
	}
	want := map[string]string{
		"fixture.apk":        "example-signer-ltd by apk_cert_sha256",
		"holiday-photos.bin": "example-signer-ltd by apk_cert_sha256",
		"fixture.ipa":        "example-signer-ltd by apple_team_id",
		"IMG_2041.JPG":       "example-signer-ltd by apple_team_id",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("attribution by file (-want +got):\n%s", diff)
	}
}
