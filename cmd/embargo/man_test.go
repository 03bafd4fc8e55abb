package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/embargo-dev/embargo/internal/testtool"
)

// TestManPages writes the pages as a package build does, and reads each
// with man as a user would: one for every command, rendered without a
// warning, saying what --help says.
func TestManPages(t *testing.T) {
	man := testtool.Command(t, "man", "man-db")
	dir := filepath.Join(t.TempDir(), "man1")
	if _, stderr, code := runEnv(t, []string{"SOURCE_DATE_EPOCH=1777629600"}, "man", "--dir", dir); code != exitOK {
		t.Fatalf("man --dir: exit %d: %s", code, stderr)
	}
	var want []string
	walkCommands(newRoot(), func(c *cobra.Command) {
		want = append(want, strings.ReplaceAll(c.CommandPath(), " ", "-")+".1")
	})
	want = append(want, "embargo-config.1", "embargo-completion.1")
	for _, page := range want {
		if _, err := os.Stat(filepath.Join(dir, page)); err != nil {
			t.Errorf("no page %s", page)
		}
	}
	pages, _ := filepath.Glob(filepath.Join(dir, "*.1"))
	if len(pages) < 40 {
		t.Fatalf("%d pages", len(pages))
	}
	text := map[string]string{}
	for _, p := range pages {
		cmd := exec.Command(man, "-l", "-Tutf8", p)
		// A locale that is always there (else man warns of the locale,
		// not of the page).
		cmd.Env = append(os.Environ(), "MANWIDTH=80", "LC_ALL=C.UTF-8")
		var stderr strings.Builder
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil || stderr.Len() > 0 {
			t.Errorf("man -l %s: %v: %s", filepath.Base(p), err, stderr.String())
		}
		text[filepath.Base(p)] = string(out)
		if strings.Contains(string(out), "man-db") || strings.Contains(string(out), "Auto generated") {
			t.Errorf("%s is not a page of embargo:\n%s", filepath.Base(p), out)
		}
	}
	// The text as read: without grotty's overstriking (bold is "x\bx")
	// and with the words hyphenated at the ends of lines joined.
	overstrike := regexp.MustCompile(".\b")
	plain := func(s string) string {
		s = overstrike.ReplaceAllString(s, "")
		return strings.Join(strings.Fields(regexp.MustCompile("\u2010\\s+").ReplaceAllString(s, "")), " ")
	}
	for page, wants := range map[string][]string{
		// Markup characters of the help, shown as they are written.
		"embargo-config.1": {"EMBARGO_<COMMAND>_<FLAG>", "EMBARGO_ADMIN_DB (every admin command)", "policy: [uk] # every command that judges by policy"},
		"embargo-scan.1":   {"embargo-scan - ", "--select", "--policy", "SEE ALSO embargo(1)"},
		"embargo.1":        {"embargo-scan(1)", "embargo-version(1)"},
		// Dated by SOURCE_DATE_EPOCH (2026-05-01), as reproducible builds do.
		"embargo-version.1": {"May 2026"},
	} {
		for _, w := range wants {
			if !strings.Contains(plain(text[page]), w) {
				t.Errorf("%s lacks %q:\n%s", page, w, text[page])
			}
		}
	}
	if _, stderr, code := runEnv(t, nil, "man"); code != exitError || !strings.Contains(stderr, "give --dir DIR") {
		t.Errorf("man without --dir: exit %d: %s", code, stderr)
	}
}

func TestMarkdownLiteral(t *testing.T) {
	for in, want := range map[string]string{
		"EMBARGO_<COMMAND>_<FLAG>":       `EMBARGO\_\<COMMAND\>\_\<FLAG\>`,
		"a *b* [c] `d` #e":               "a \\*b\\* \\[c\\] \\`d\\` \\#e",
		"text:\n\n    policy: [uk]\nend": "text:\n\n    policy: [uk]\nend",
		"text\n    not_a_block":          "text\n    not\\_a\\_block",
	} {
		if got := markdownLiteral(in); got != want {
			t.Errorf("markdownLiteral(%q) = %q, want %q", in, got, want)
		}
	}
}
