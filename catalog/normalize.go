package catalog

import (
	"strings"
	"sync"
	"sync/atomic"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// legalForms are tokens that name a company's legal form rather than the
// company. They are dropped when names are compared, so that
// "AO Kaspersky Lab", "Kaspersky Lab ZAO" and "АО «Лаборатория
// Касперского»" compare by what distinguishes them.
var legalForms = map[string]bool{
	"ao": true, "jsc": true, "zao": true, "ooo": true, "oao": true, "pao": true,
	"pjsc": true, "cjsc": true, "ojsc": true, "ijsc": true, "mkao": true, "mkpao": true,
	"llc": true, "ltd": true, "limited": true, "gmbh": true, "inc": true,
	"incorporated": true, "co": true, "corp": true, "corporation": true,
	"company": true, "plc": true, "sa": true, "ag": true, "bv": true, "nv": true,
	"sarl": true, "srl": true, "spa": true, "kk": true, "pte": true, "pty": true,
	"lp": true, "llp": true, "se": true,
	"ао": true, "зао": true, "ооо": true, "оао": true, "пао": true, "мкао": true,
	"мкпао": true,
}

// cjkLegalSuffixes end Chinese company names without a space before them.
var cjkLegalSuffixes = []string{"股份有限公司", "有限责任公司", "有限公司"}

// Normalize folds a name for comparison: Unicode compatibility form,
// lower case, every run of punctuation, quotes («», “”) and spaces made one
// space. Legal forms are kept.
func Normalize(s string) string { return normalized.get(s, normalize) }

func normalize(s string) string {
	if !isASCII(s) {
		s = norm.NFKC.String(s)
	}
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case r < utf8.RuneSelf && ('a' <= r && r <= 'z' || '0' <= r && r <= '9'):
			b.WriteRune(r)
			space = false
		case r < utf8.RuneSelf && 'A' <= r && r <= 'Z':
			b.WriteRune(r + ('a' - 'A'))
			space = false
		case r >= utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)):
			b.WriteRune(unicode.ToLower(r))
			space = false
		case r == '*':
			// Kept so that patterns survive normalisation.
			b.WriteRune(r)
			space = false
		default:
			if !space && b.Len() > 0 {
				b.WriteByte(' ')
				space = true
			}
		}
	}
	return strings.TrimSuffix(b.String(), " ")
}

// StripLegalForm drops legal-form tokens from a normalised name. A name
// that is nothing but legal forms is returned unchanged.
func StripLegalForm(normalized string) string { return stripped.get(normalized, stripLegalForm) }

func stripLegalForm(normalized string) string {
	fields := joinInitials(strings.Fields(normalized))
	out := fields[:0:0]
	for _, f := range fields {
		if legalForms[f] {
			continue
		}
		for _, suf := range cjkLegalSuffixes {
			if strings.HasSuffix(f, suf) {
				f = strings.TrimSuffix(f, suf)
				break
			}
		}
		if f != "" {
			out = append(out, f)
		}
	}
	if len(out) == 0 {
		return normalized
	}
	return strings.Join(out, " ")
}

// joinInitials joins runs of one-letter tokens that spell a legal form,
// so that "N.V." (normalised "n v") is dropped like "NV".
func joinInitials(fields []string) []string {
	out := fields[:0:0]
	for i := 0; i < len(fields); {
		j := i
		for j < len(fields) && utf8.RuneCountInString(fields[j]) == 1 {
			j++
		}
		if j-i >= 2 && legalForms[strings.Join(fields[i:j], "")] {
			out = append(out, strings.Join(fields[i:j], ""))
			i = j
			continue
		}
		out = append(out, fields[i])
		i++
	}
	return out
}

// OrgKey is the comparison key for an organisation name: normalised with
// legal forms dropped.
func OrgKey(s string) string { return StripLegalForm(Normalize(s)) }

// memo remembers a string function's answers: inventories repeat a few
// names thousands of times (every host of a /16 scan with its MAC's
// vendor, every package of a distribution with its maintainer's
// company), and normalising one costs more than looking it up. It holds
// at most memoSize strings of at most memoMaxLen bytes; when full it
// starts again empty, so that what a long-running server keeps is what
// it has seen lately, not what it saw first. Safe for concurrent use.
type memo[V any] struct {
	sync.RWMutex
	m map[string]V
	n atomic.Uint64
}

const (
	memoSize   = 1 << 14
	memoMaxLen = 256
	memoEvery  = 4
)

var normalized, stripped = newMemo[string](), newMemo[string]()

func newMemo[V any]() *memo[V] { return &memo[V]{m: map[string]V{}} }

// get returns f(s), remembered. Only one answer in memoEvery is kept, so
// that names seen once (a host name, a serial) rarely cost an insertion,
// while a name seen often is soon remembered.
func (c *memo[V]) get(s string, f func(string) V) V {
	c.RLock()
	v, ok := c.m[s]
	c.RUnlock()
	if ok {
		return v
	}
	v = f(s)
	if len(s) <= memoMaxLen && c.n.Add(1)%memoEvery == 0 {
		c.Lock()
		if len(c.m) >= memoSize {
			c.m = make(map[string]V, memoSize)
		}
		c.m[strings.Clone(s)] = v
		c.Unlock()
	}
	return v
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
