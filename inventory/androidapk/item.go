package androidapk

import (
	"fmt"
	"path"
	"strings"

	"github.com/embargo-dev/embargo/inventory"
)

// item makes the APK's item; ok is false when there is nothing to know
// it by (no package and no signer).
func (a *apk) item(filePath string, lim inventory.Limits) (inventory.Item, bool) {
	it := inventory.Item{Type: inventory.Application, Ecosystem: "android", Location: inventory.Location{Source: a.name, Ref: manifestName}}
	pkg := ""
	if a.haveMan {
		switch {
		case a.man.pkg == "":
			a.fail(manifestName, 0, "the manifest names no package")
		case !inventory.ValidAndroidPackage(a.man.pkg):
			a.fail(manifestName, 0, fmt.Sprintf("package %q is not an Android package name", inventory.Clip(a.man.pkg)))
		default:
			pkg = a.man.pkg
		}
		it.Version = a.version()
		if l := a.man.label; l.ref == 0 && strings.TrimSpace(l.s) != "" {
			if len(l.s) > lim.MaxString {
				a.fail(manifestName, 0, fmt.Sprintf("application label longer than %d bytes; not kept", lim.MaxString))
			} else {
				it.Name = strings.TrimSpace(l.s)
			}
		}
	}
	if it.Name == "" {
		it.Name = pkg
	}
	certs := a.certs()
	if pkg == "" && len(certs) == 0 {
		return it, false
	}
	if it.Name == "" {
		it.Name = path.Base(filePath)
	}
	it.Add(inventory.AndroidID, pkg)
	seen := map[string]bool{}
	for _, c := range certs {
		it.Add(inventory.APKSigner, c.sha256)
		it.Add(inventory.APKSignerSHA1, c.sha1)
	}
	for _, c := range certs {
		if n := c.signerName(); n != "" && !seen[n] {
			seen[n] = true
			it.Add(inventory.Signer, n)
		}
	}
	// The status is this reader's own note, not the file's: left out,
	// rather than losing the item, when a tight limit cannot hold it.
	if st := a.status(); len(st) <= lim.MaxString {
		it.Add(inventory.SignatureStatus, st)
	}
	it.Add(inventory.Path, filePath)
	it.SetID()
	return it, true
}

// version is versionName, or versionCode without one. A versionName
// that is a resource reference stays as it is written ("@0x7f0e0001"):
// resources.arsc, which resolves it, is not read.
func (a *apk) version() string {
	vn := a.man.versionName
	switch {
	case vn.ref != 0:
		a.fail(manifestName, 0, fmt.Sprintf("versionName is the resource reference %s, not resolved (resources.arsc is not read); versionCode is %q", vn, a.man.versionCode))
		return vn.String()
	case strings.TrimSpace(vn.s) != "":
		return strings.TrimSpace(vn.s)
	}
	return a.man.versionCode
}

// certs is every certificate the APK names: the signers of the newest
// scheme first, then the older schemes', then the v3 lineage.
func (a *apk) certs() certSet {
	var all certSet
	for _, s := range []certSet{a.v3, a.v2, a.v1, a.lineage} {
		for _, c := range s {
			all.add(c)
		}
	}
	return all
}

// status says which schemes sign the APK and whether they name the same
// certificates. When they do not, every certificate is kept and an
// Unknown says so.
func (a *apk) status() string {
	var schemes []string
	for _, s := range []struct {
		set  certSet
		name string
	}{{a.v3, "v3"}, {a.v2, "v2"}, {a.v1, "JAR (v1)"}} {
		if len(s.set) > 0 {
			schemes = append(schemes, s.name)
		}
	}
	if len(schemes) == 0 {
		return "unsigned: no signature of any scheme could be read"
	}
	const claim = "; not verified cryptographically: the certificate digests are what the file claims"
	agree := "naming the same certificates"
	if len(a.v1) > 0 && len(a.v2) > 0 && !a.v1.same(a.v2) {
		a.fail("META-INF", 0, fmt.Sprintf("the JAR (v1) signers [%s] and the v2 signers [%s] differ; all are kept", a.v1, a.v2))
		agree = "whose certificates differ"
	}
	base := a.v2
	if len(base) == 0 {
		base = a.v1
	}
	switch {
	case len(a.v3) == 0 || len(base) == 0 || a.v3.same(base):
	case base.within(a.lineage):
		agree += " (the v3 signer rotated from the older schemes' by its proof-of-rotation)"
	default:
		a.fail("APK Signing Block v3", 0, fmt.Sprintf("the v3 signers [%s] differ from the older schemes' [%s], and no proof-of-rotation links them; all are kept", a.v3, base))
		agree = "whose certificates differ"
	}
	if len(schemes) == 1 {
		return "signed with " + schemes[0] + claim
	}
	return "signed with " + strings.Join(schemes, ", ") + ", " + agree + claim
}
