package catalog

import (
	"strings"
	"unicode"

	"github.com/embargo-dev/embargo/internal/pkgname"
)

// Keys of the namespace and signature kinds: each value is folded the
// same way when it is indexed and when it is looked up.

// PyPIName folds a PyPI project name as PEP 503 does: lower case, every
// run of '-', '_' and '.' one '-'.
func PyPIName(s string) string { return pkgname.PyPI(s) }

// npmScope returns the scope of an npm package name ("@scope/name" →
// "@scope"), or "" for an unscoped name.
func npmScope(name string) string {
	if !strings.HasPrefix(name, "@") {
		return ""
	}
	scope, _, ok := strings.Cut(name, "/")
	if !ok {
		return strings.ToLower(name) // a bare scope, as catalogued
	}
	return strings.ToLower(scope)
}

// OllamaName folds an Ollama model reference to the library model name:
// "registry.ollama.ai/library/deepseek-r1:7b" → "deepseek-r1". A model
// outside the library (a user's namespace) keeps its namespace, so that it
// never matches a library name.
func OllamaName(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	s = strings.TrimPrefix(s, "registry.ollama.ai/")
	s = strings.TrimPrefix(s, "library/")
	if i := strings.IndexAny(s, ":@"); i >= 0 {
		s = s[:i]
	}
	return strings.TrimSpace(s)
}

// OCIName folds an image reference to registry/path without tag or
// digest: docker.io is the registry when none is named, and Docker Hub's
// official images live under library/.
func OCIName(ref string) string {
	n := ociNamespace(ref)
	if n == "" {
		return ""
	}
	if rest, ok := strings.CutPrefix(n, "docker.io/"); ok && !strings.Contains(rest, "/") {
		return "docker.io/library/" + rest
	}
	return n
}

// ociNamespace folds a namespace or image reference as OCIName does, but
// without placing a one-segment Docker Hub name under library/.
func ociNamespace(ref string) string {
	r := strings.ToLower(strings.TrimSpace(ref))
	r = strings.TrimPrefix(strings.TrimPrefix(r, "https://"), "http://")
	if i := strings.IndexByte(r, '@'); i >= 0 {
		r = r[:i]
	}
	for {
		// Slashes and a tag may each end the other: "x:/", "x/:t".
		t := strings.TrimFunc(r, func(c rune) bool { return c == '/' || unicode.IsSpace(c) })
		if i := strings.LastIndexByte(t, ':'); i > strings.LastIndexByte(t, '/') {
			t = strings.TrimRightFunc(t[:i], unicode.IsSpace)
		}
		if t == r {
			break
		}
		r = t
	}
	if r == "" {
		return ""
	}
	first, rest, more := strings.Cut(r, "/")
	if !more || !strings.ContainsAny(first, ".:") && first != "localhost" {
		first, rest = "docker.io", r
	}
	switch first {
	case "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com":
		first = "docker.io"
	}
	return first + "/" + rest
}

// CertDigest folds a certificate digest written in hex, with or without
// colons or spaces, to lower-case hex.
func CertDigest(s string) string {
	var b strings.Builder
	b.Grow(64)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ':' || c == ' ':
		case 'A' <= c && c <= 'F':
			b.WriteByte(c + 'a' - 'A')
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// EmailDomainOf returns the lower-cased domain of the first e-mail address
// in a field such as "Kaspersky Lab <support@kaspersky.com>", or "".
func EmailDomainOf(field string) string {
	at := strings.IndexByte(field, '@')
	if at < 0 {
		return ""
	}
	end := at + 1
	for end < len(field) && isDomainByte(field[end]) {
		end++
	}
	d := strings.Trim(strings.ToLower(field[at+1:end]), ".-")
	if !strings.Contains(d, ".") {
		return ""
	}
	return d
}

func isDomainByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '-'
}

// exactKey folds a value of an exact-match kind for the index.
func exactKey(k Kind, v string) string {
	switch k {
	case ASN:
		return normalizeASN(v)
	case RegistryKey:
		return normalizeRegistryKey(v)
	case PyPIProject:
		return PyPIName(v)
	case OllamaModel:
		return OllamaName(v)
	case APKCertSHA256:
		return CertDigest(v)
	case NPMScope:
		return npmScope(lowerASCII(v))
	case TLSSubject:
		return strings.ToLower(strings.TrimSpace(v))
	case HTTPServer:
		return v // case-sensitive, as servers send it
	}
	return lowerASCII(v)
}

// NPM returns the identifiers of an npm package name: its scope, and
// exact names.
func (ix *Index) NPM(name string) []*Identifier {
	out := ix.Exact(NPMPackage, name)
	if s := npmScope(name); s != "" {
		out = append(out[:len(out):len(out)], ix.exact[NPMScope][s]...)
	}
	return out
}

// NuGet returns the identifiers of a NuGet package id: exact ids and
// reserved prefixes on '.' boundaries.
func (ix *Index) NuGet(id string) []*Identifier {
	out := ix.Exact(NuGetPackage, id)
	return append(out[:len(out):len(out)], ix.Dotted(NuGetPrefix, id)...)
}

// GoModule returns the identifiers of a Go module or package path: module
// prefixes on '/' boundaries, and the GitHub organisation of a
// github.com path.
func (ix *Index) GoModule(path string) []*Identifier {
	p := strings.Trim(lowerASCII(path), "/")
	out := ix.slashed(GoModule, p)
	if org, ok := strings.CutPrefix(p, "github.com/"); ok {
		out = append(out[:len(out):len(out)], ix.exact[GitHubOrg][firstSegment(org)]...)
	}
	return out
}

// OCI returns the identifiers of an image reference's namespaces.
func (ix *Index) OCI(ref string) []*Identifier { return ix.slashed(OCINamespace, OCIName(ref)) }

// slashed walks p and its ancestors on '/' boundaries.
func (ix *Index) slashed(k Kind, p string) []*Identifier {
	m := ix.prefix[k]
	if m == nil || p == "" {
		return nil
	}
	var out []*Identifier
	for {
		out = append(out, m[p]...)
		i := strings.LastIndexByte(p, '/')
		if i <= 0 {
			return out
		}
		p = p[:i]
	}
}

// Email returns the identifiers of the e-mail domain in a field: the
// domain and the domains above it.
func (ix *Index) Email(field string) []*Identifier {
	d := EmailDomainOf(field)
	m := ix.prefix[EmailDomain]
	if d == "" || m == nil {
		return nil
	}
	var out []*Identifier
	for {
		out = append(out, m[d]...)
		i := strings.IndexByte(d, '.')
		if i < 0 || !strings.Contains(d[i+1:], ".") {
			return out
		}
		d = d[i+1:]
	}
}

// HF returns the identifiers of a Hugging Face repository id
// ("deepseek-ai/DeepSeek-R1") or organisation.
func (ix *Index) HF(repo string) []*Identifier {
	repo = strings.TrimPrefix(strings.TrimPrefix(repo, "https://huggingface.co/"), "hf.co/")
	return ix.Exact(HFOrg, firstSegment(repo))
}

// consumerMailDomains are mailbox providers: an address there says
// nothing about who the sender works for.
var consumerMailDomains = map[string]bool{
	"gmail.com": true, "googlemail.com": true, "outlook.com": true, "hotmail.com": true,
	"live.com": true, "yahoo.com": true, "icloud.com": true, "me.com": true, "proton.me": true,
	"protonmail.com": true, "gmx.de": true, "gmx.net": true, "mail.com": true,
	"yandex.ru": true, "yandex.com": true, "yandex.ua": true, "yandex.by": true, "yandex.kz": true,
	"ya.ru": true, "mail.ru": true, "inbox.ru": true, "list.ru": true, "bk.ru": true, "rambler.ru": true,
	"qq.com": true, "foxmail.com": true, "163.com": true, "126.com": true, "yeah.net": true,
	"sina.com": true, "sina.cn": true, "sohu.com": true, "aliyun.com": true, "139.com": true,
	"189.cn": true, "wo.cn": true, "tom.com": true, "vip.qq.com": true, "vip.163.com": true,
}
