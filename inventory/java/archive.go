package java

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/embargo-dev/embargo/inventory"
)

// reader collects the items of one archive and the archives inside it.
type reader struct {
	ctx      context.Context
	lim      inventory.Limits
	items    []inventory.Item
	unknowns []inventory.Unknown
}

// pom is one pom.properties.
type pom struct {
	group, artifact, version string
	entry                    string
}

// archive reads one archive: name is how it is shown (with "!/" for
// nested ones), file its file name, via the archives it is inside.
func (r *reader) archive(ra io.ReaderAt, size int64, name, file string, via []string, depth int) error {
	zr, err := zip.NewReader(ra, size)
	if err != nil {
		return &inventory.InputError{Source: name, Offset: -1, Err: fmt.Errorf("not a readable Java archive: %w", err)}
	}
	var poms []pom
	var manifest map[string]string
	var nested []*zip.File
	for _, zf := range zr.File {
		switch {
		case strings.HasPrefix(zf.Name, "META-INF/maven/") && path.Base(zf.Name) == "pom.properties":
			data, err := r.entry(zf, name)
			if err != nil {
				continue
			}
			p := parsePOM(data)
			p.entry = zf.Name
			if p.group != "" && p.artifact != "" {
				poms = append(poms, p)
			}
		case zf.Name == "META-INF/MANIFEST.MF":
			if data, err := r.entry(zf, name); err == nil {
				manifest = parseManifest(data)
			}
		case isArchive(zf.Name) && !strings.HasSuffix(zf.Name, "/"):
			nested = append(nested, zf)
		}
	}
	own := ownPOM(poms, file)
	loc := inventory.Location{Source: name, Reader: "java"}
	// The archive itself: its own artifact when it has one, else what its
	// manifest says.
	self := inventory.Item{Type: inventory.Library, Ecosystem: "maven", Name: file, DependencyPath: via, Location: loc}
	if own >= 0 {
		p := poms[own]
		self.Name, self.Version = p.group+":"+p.artifact, p.version
		self.Location.Ref = p.entry
		self.Add(inventory.PURL, purl(p))
	} else if v := manifest["Implementation-Version"]; v != "" {
		self.Version = v
	}
	self.Add(inventory.Supplier, firstOf(manifest, "Implementation-Vendor", "Bundle-Vendor"))
	self.Add(inventory.Path, name)
	r.add(self)
	inside := append(append([]string(nil), via...), self.Name)
	for i, p := range poms {
		if i == own {
			continue // the archive itself
		}
		// Shaded into this archive: another artifact's classes.
		it := inventory.Item{Type: inventory.Library, Ecosystem: "maven", Name: p.group + ":" + p.artifact, Version: p.version,
			DependencyPath: inside, Location: inventory.Location{Source: name, Ref: p.entry, Reader: "java"}}
		it.Add(inventory.PURL, purl(p))
		r.add(it)
	}
	for _, zf := range nested {
		if err := r.ctx.Err(); err != nil {
			return err
		}
		r.nested(zf, name, inside, depth)
	}
	return nil
}

// nested reads an archive inside an archive, or says why it could not.
func (r *reader) nested(zf *zip.File, outer string, via []string, depth int) {
	name := outer + "!/" + zf.Name
	fail := func(reason string) {
		r.unknowns = append(r.unknowns, inventory.Unknown{Location: inventory.Location{Source: name, Reader: "java"}, Name: path.Base(zf.Name), Reason: reason})
	}
	if depth+1 >= maxDepth {
		fail(fmt.Sprintf("archive nested more than %d deep", maxDepth))
		return
	}
	if zf.UncompressedSize64 > maxNested {
		fail(fmt.Sprintf("nested archive of %d bytes is over the %d-byte limit", zf.UncompressedSize64, maxNested))
		return
	}
	rc, err := zf.Open()
	if err != nil {
		fail(err.Error())
		return
	}
	data, err := inventory.ReadAll(rc, maxNested)
	rc.Close()
	if err != nil {
		fail(err.Error())
		return
	}
	if err := r.archive(bytes.NewReader(data), int64(len(data)), name, path.Base(zf.Name), via, depth+1); err != nil {
		fail(err.Error())
	}
}

// entry reads a small member of an archive.
func (r *reader) entry(zf *zip.File, archive string) ([]byte, error) {
	fail := func(err error) ([]byte, error) {
		r.unknowns = append(r.unknowns, inventory.Unknown{Location: inventory.Location{Source: archive, Ref: zf.Name, Reader: "java"},
			Name: zf.Name, Reason: err.Error()})
		return nil, err
	}
	if zf.UncompressedSize64 > maxEntry {
		return fail(fmt.Errorf("%d bytes is over the %d-byte limit for %s", zf.UncompressedSize64, maxEntry, path.Base(zf.Name)))
	}
	rc, err := zf.Open()
	if err != nil {
		return fail(err)
	}
	defer rc.Close()
	data, err := inventory.ReadAll(rc, maxEntry)
	if err != nil {
		return fail(err)
	}
	return data, nil
}

func (r *reader) add(it inventory.Item) {
	if len(r.items) >= r.lim.MaxItems {
		return
	}
	if reason := inventory.CheckItem(&it, r.lim); reason != "" {
		r.unknowns = append(r.unknowns, inventory.Unknown{Location: it.Location, Name: inventory.Clip(it.Name), Reason: reason})
		return
	}
	r.items = append(r.items, it)
}

// ownPOM is the index of the archive's own artifact: the one whose
// artifactId-version names the file, or the only one.
func ownPOM(poms []pom, file string) int {
	for i, p := range poms {
		if strings.HasPrefix(file, p.artifact+"-"+p.version) || file == p.artifact+".jar" {
			return i
		}
	}
	if len(poms) == 1 {
		return 0
	}
	return -1
}

// parsePOM reads the properties Maven writes: key=value lines, '#'
// comments.
func parsePOM(data []byte) pom {
	var p pom
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), "=")
		if !ok {
			continue
		}
		v = strings.TrimSpace(v)
		switch strings.TrimSpace(k) {
		case "groupId":
			p.group = v
		case "artifactId":
			p.artifact = v
		case "version":
			p.version = v
		}
	}
	return p
}

// parseManifest reads a JAR manifest's main section: "Name: value"
// lines, continuation lines starting with one space.
func parseManifest(data []byte) map[string]string {
	m := map[string]string{}
	var key string
	for _, l := range strings.Split(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n") {
		switch {
		case l == "":
			return m // the main section ends at the first blank line
		case strings.HasPrefix(l, " ") && key != "":
			m[key] += l[1:]
		default:
			k, v, ok := strings.Cut(l, ":")
			if !ok {
				key = ""
				continue
			}
			key = k
			m[k] = strings.TrimSpace(v)
		}
	}
	return m
}

func firstOf(m map[string]string, keys ...string) string {
	for _, k := range keys {
		if v := strings.TrimSpace(m[k]); v != "" {
			return v
		}
	}
	return ""
}

// purl is a Maven artifact's package URL.
func purl(p pom) string {
	s := "pkg:maven/" + p.group + "/" + p.artifact
	if p.version != "" {
		s += "@" + p.version
	}
	return s
}
