package winreg

import "strings"

// program returns the file a command line runs: the quoted part, or the
// text up to the first executable-looking name followed by a space or a
// comma (an icon index), or up to the first space.
func program(cmd string) string {
	cmd = strings.TrimSpace(cmd)
	if rest, ok := strings.CutPrefix(cmd, `"`); ok {
		if end := strings.IndexByte(rest, '"'); end >= 0 {
			return rest[:end]
		}
		return rest
	}
	lower := lowerASCII(cmd) // same length as cmd, so indices carry over
	best := -1
	for _, ext := range [...]string{".exe", ".sys", ".dll", ".com"} {
		for i := 0; ; {
			j := strings.Index(lower[i:], ext)
			if j < 0 {
				break
			}
			end := i + j + len(ext)
			if end == len(lower) || lower[end] == ' ' || lower[end] == ',' {
				if best < 0 || end < best {
					best = end
				}
				break
			}
			i = end
		}
	}
	if best >= 0 {
		return cmd[:best]
	}
	if i := strings.IndexByte(cmd, ' '); i >= 0 {
		return cmd[:i]
	}
	return cmd
}

// Environment variables that registry paths use, expanded to where they
// point on a standard installation, relative to the system volume: an
// offline hive does not say which letter that volume had.
var pathVars = map[string]string{
	"systemroot":              `\Windows`,
	"windir":                  `\Windows`,
	"systemdrive":             ``,
	"programfiles":            `\Program Files`,
	"programw6432":            `\Program Files`,
	"programfiles(x86)":       `\Program Files (x86)`,
	"commonprogramfiles":      `\Program Files\Common Files`,
	"commonprogramfiles(x86)": `\Program Files (x86)\Common Files`,
	"programdata":             `\ProgramData`,
	"allusersprofile":         `\ProgramData`,
}

// expand writes a registry path as a file path: the NT prefixes \??\ and
// \SystemRoot\ and the variables above expanded; other variables stay.
func expand(p string) string {
	p = strings.TrimPrefix(p, `\??\`)
	if len(p) >= 12 && strings.EqualFold(p[:12], `\SystemRoot\`) {
		p = `\Windows\` + p[12:]
	}
	if !strings.Contains(p, "%") {
		return p
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(p, '%')
		if i < 0 {
			break
		}
		j := strings.IndexByte(p[i+1:], '%')
		if j < 0 {
			break
		}
		name := p[i+1 : i+1+j]
		if v, ok := pathVars[lowerASCII(name)]; ok {
			b.WriteString(p[:i])
			b.WriteString(v)
		} else {
			b.WriteString(p[:i+2+j])
		}
		p = p[i+2+j:]
	}
	b.WriteString(p)
	return b.String()
}

// lowerASCII lower-cases ASCII letters only, keeping byte offsets.
func lowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if 'A' <= b[j] && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}
