package winreg

import (
	"bytes"
	"context"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"www.velocidex.com/golang/regparser"

	"github.com/embargo-dev/embargo/internal/testtool"
	"github.com/embargo-dev/embargo/inventory"
)

// realHive is an NTUSER.DAT that Windows wrote, shipped as test data with
// the regparser module (in the module cache after go mod download). Unlike
// hivex's hives it has "ri" and "li" subkey lists and a "db" long value.
func realHive(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "www.velocidex.com/golang/regparser").Output()
	if err != nil {
		t.Fatalf("locating the regparser module: %v", err)
	}
	return filepath.Join(strings.TrimSpace(string(out)), "testdata", "NTUSER.DAT")
}

// TestRealHiveAsHivexSees reads every key and value of a hive written by
// Windows and compares them with what hivexregedit --export, an
// independent reader, lists.
func TestRealHiveAsHivexSees(t *testing.T) {
	file := realHive(t)
	export, err := exec.Command(testtool.Command(t, "hivexregedit", "libwin-hivex-perl"), "--export", file, `\`).Output()
	if err != nil {
		t.Fatalf("hivexregedit --export (Debian package libwin-hivex-perl): %v", err)
	}
	want, err := parseExport(string(export))
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	h, err := openHive(file, bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]map[string]string{}
	err = h.guard(func() error {
		root, err := h.root()
		if err != nil {
			return err
		}
		return dumpKey(h, root.(*hiveKey), `\`, got)
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(want) < 1000 {
		t.Fatalf("hivexregedit listed only %d keys", len(want))
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("keys and values (-hivex +winreg):\n%s", diff)
	}
	// It holds no Uninstall key: the user collector reads it without a
	// complaint and finds nothing.
	items, unknowns, err := scanHive(context.Background(), file, bytes.NewReader(data), int64(len(data)), userHive, "joe", inventory.DefaultLimits)
	if len(items) > 0 || len(unknowns) > 0 || err != nil {
		t.Errorf("user hive: items %+v, unknowns %+v, error %v", items, unknowns, err)
	}
}

// dumpKey records every value of k and below as "type:hex data".
func dumpKey(h *hive, k *hiveKey, path string, out map[string]map[string]string) error {
	vals := map[string]string{}
	out[path] = vals
	err := k.eachValue(func(vk *regparser.CM_KEY_VALUE, name string) error {
		b, err := h.data(vk, name)
		vals[name] = fmt.Sprintf("%d:%x", vk.Type(), b)
		return err
	})
	if err != nil {
		return err
	}
	subs, err := k.subkeys()
	if err != nil {
		return err
	}
	for _, s := range subs {
		p := path + `\` + s.name()
		if path == `\` {
			p = path + s.name()
		}
		if err := dumpKey(h, s.(*hiveKey), p, out); err != nil {
			return err
		}
	}
	return nil
}

// parseExport reads hivexregedit's export: sections, then values written
// as dword:, hex: or hex(type): bytes.
func parseExport(text string) (map[string]map[string]string, error) {
	out := map[string]map[string]string{}
	var cur map[string]string
	for n, line := range strings.Split(text, "\n") {
		switch {
		case line == "" || strings.HasPrefix(line, "Windows Registry Editor"):
		case strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]"):
			cur = map[string]string{}
			out[line[1:len(line)-1]] = cur
		default:
			name, rest, err := exportName(line)
			if err != nil || cur == nil {
				return nil, fmt.Errorf("export line %d: %q: %v", n+1, line, err)
			}
			v, err := exportValue(rest)
			if err != nil {
				return nil, fmt.Errorf("export line %d: %v", n+1, err)
			}
			if !utf8.ValidString(name) {
				name = latin1([]byte(name)) // hivex prints a one-byte-a-character name as it is stored
			}
			cur[name] = v
		}
	}
	return out, nil
}

func exportName(line string) (name, rest string, err error) {
	if r, ok := strings.CutPrefix(line, "@="); ok {
		return "", r, nil
	}
	var b strings.Builder
	for i := 1; i < len(line); i++ {
		switch line[i] {
		case '\\':
			i++
			if i < len(line) {
				b.WriteByte(line[i])
			}
		case '"':
			r, ok := strings.CutPrefix(line[i+1:], "=")
			if !ok {
				return "", "", fmt.Errorf("no = after the name")
			}
			return b.String(), r, nil
		default:
			b.WriteByte(line[i])
		}
	}
	return "", "", fmt.Errorf("unterminated name")
}

func exportValue(s string) (string, error) {
	if d, ok := strings.CutPrefix(s, "dword:"); ok {
		n, err := strconv.ParseUint(d, 16, 32)
		return fmt.Sprintf("4:%02x%02x%02x%02x", n&0xff, n>>8&0xff, n>>16&0xff, n>>24), err
	}
	typ, digits := "3", ""
	if d, ok := strings.CutPrefix(s, "hex:"); ok {
		digits = d
	} else if t, d, ok := strings.Cut(strings.TrimPrefix(s, "hex("), "):"); ok && strings.HasPrefix(s, "hex(") {
		n, err := strconv.ParseUint(t, 16, 32)
		if err != nil {
			return "", err
		}
		typ, digits = strconv.FormatUint(n, 10), d
	} else {
		return "", fmt.Errorf("value %q", s)
	}
	b, err := hex.DecodeString(strings.ReplaceAll(digits, ",", ""))
	return fmt.Sprintf("%s:%x", typ, b), err
}
