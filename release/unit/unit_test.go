package unit

import (
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParse(t *testing.T) {
	in := `# a comment
; another
[Unit]
Description=a service

[Service]
ExecStart=/usr/bin/x \
    --one \
    # a comment inside is skipped
    --two
Environment=A=1
Environment=
Environment="B=2 3" C=4
  User = svc
`
	f, err := Parse(strings.NewReader(in), "x.service")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range f.Entries {
		got = append(got, e.Section+"|"+e.Key+"|"+e.Value)
	}
	want := []string{"Unit|Description|a service", "Service|ExecStart|/usr/bin/x --one --two",
		"Service|Environment|A=1", "Service|Environment|", `Service|Environment|"B=2 3" C=4`, "Service|User|svc"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("entries (-want +got):\n%s", diff)
	}
	if got := f.Values("Service", "Environment"); !cmp.Equal(got, []string{`"B=2 3" C=4`}) {
		t.Errorf("Environment after a reset: %q", got)
	}
	if v, ok := f.Value("Service", "Nope"); ok || v != "" {
		t.Errorf("an unset key: %q, %v", v, ok)
	}
	if f.Entries[1].Line != 7 {
		t.Errorf("ExecStart's line %d, want 7", f.Entries[1].Line)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Key=value\n", "x:1: \"Key=value\" comes before any [Section]"},
		{"[Service]\nno equals sign\n", "x:2: \"no equals sign\" is neither"},
		{"[Service\n", "x:1: section header"},
		{"[Service]\n=value\n", "x:2: key \"\""},
		{"[Service]\nA B=1\n", "x:2: key \"A B\""},
		{"[Service]\nExecStart=/bin/x \\\n", "x:2: the file ends inside a continued line"},
		{"[Service]\nA=" + strings.Repeat("x", MaxSize+1), "x: more than"},
	}
	for _, tt := range tests {
		_, err := Parse(strings.NewReader(tt.in), "x")
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Parse(%.30q): %v, want %q", tt.in, err, tt.want)
		}
	}
}

func TestExec(t *testing.T) {
	unit := `[Service]
User=svc
ExecStart=/usr/bin/embargo serve --data "/var/lib/a b"
WorkingDirectory=/var/lib/svc
UMask=0027
NoNewPrivileges=yes
CapabilityBoundingSet=CAP_DAC_READ_SEARCH
CapabilityBoundingSet=CAP_NET_BIND_SERVICE
StateDirectory=svc other
StateDirectoryMode=0750
CacheDirectory=svc
Environment=A=1 "B=two words"
EnvironmentFile=-/etc/svc/missing.env
EnvironmentFile=/etc/svc/svc.env
`
	files := map[string]string{"/etc/svc/svc.env": "# secrets\nA=from-file\nTOKEN='s3cret'\n"}
	read := func(p string) ([]byte, error) {
		if s, ok := files[p]; ok {
			return []byte(s), nil
		}
		return nil, os.ErrNotExist
	}
	f, err := Parse(strings.NewReader(unit), "svc.service")
	if err != nil {
		t.Fatal(err)
	}
	x, err := f.Exec(read)
	if err != nil {
		t.Fatal(err)
	}
	want := &Exec{
		Argv: []string{"/usr/bin/embargo", "serve", "--data", "/var/lib/a b"},
		User: "svc", Group: "svc", WorkingDir: "/var/lib/svc", UMask: 0o027, NoNewPrivileges: true,
		Caps: []string{"dac_read_search", "net_bind_service"},
		Dirs: []Dir{{"/var/lib/svc", 0o750, "STATE_DIRECTORY"}, {"/var/lib/other", 0o750, "STATE_DIRECTORY"},
			{"/var/cache/svc", 0o755, "CACHE_DIRECTORY"}},
		Env: []string{"STATE_DIRECTORY=/var/lib/svc:/var/lib/other", "CACHE_DIRECTORY=/var/cache/svc",
			"A=1", "B=two words", "A=from-file", "TOKEN=s3cret"},
	}
	if diff := cmp.Diff(want, x); diff != "" {
		t.Errorf("Exec (-want +got):\n%s", diff)
	}

	// An empty bounding set is "no capabilities", not "left alone".
	f, _ = Parse(strings.NewReader("[Service]\nExecStart=/bin/true\nCapabilityBoundingSet=\n"), "e")
	if x, err := f.Exec(read); err != nil || x.Caps == nil || len(x.Caps) != 0 {
		t.Errorf("CapabilityBoundingSet= : %q, %v; want an empty set", x.Caps, err)
	}
}

func TestExecRefuses(t *testing.T) {
	tests := []struct{ service, want string }{
		{"", "want one ExecStart=, found 0"},
		{"ExecStart=/bin/a\nExecStart=/bin/b", "found 2"},
		{"ExecStart=-/bin/a", "absolute program path"},
		{"ExecStart=/bin/a %i", "specifiers"},
		{"ExecStart=/bin/a $HOME", "variables"},
		{"ExecStart=/bin/a \"unclosed", "not closed"},
		{"ExecStart=/bin/a\nEnvironmentFile=/etc/required.env", "EnvironmentFile=/etc/required.env"},
		{"ExecStart=/bin/a\nStateDirectory=/abs", "relative to /var/lib"},
		{"ExecStart=/bin/a\nStateDirectory=../up", "relative to /var/lib"},
		{"ExecStart=/bin/a\nUMask=999", "octal"},
		{"ExecStart=/bin/a\nCapabilityBoundingSet=~CAP_SYS_ADMIN", "inverted"},
		{"ExecStart=/bin/a\nEnvironment=NOEQUALS", "not KEY=VALUE"},
		{"ExecStart=/bin/a\nWorkingDirectory=~", "absolute path"},
	}
	for _, tt := range tests {
		f, err := Parse(strings.NewReader("[Service]\n"+tt.service+"\n"), "t")
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.Exec(func(string) ([]byte, error) { return nil, os.ErrNotExist })
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: %v, want %q", tt.service, err, tt.want)
		}
	}
}

func TestSplitWords(t *testing.T) {
	tests := []struct {
		in   string
		want []string
		err  string
	}{
		{"a b\tc", []string{"a", "b", "c"}, ""},
		{`  "a b"  'c d' e\ f `, []string{"a b", "c d", "e f"}, ""},
		{`x="y"`, []string{`x="y"`}, ""},
		{"", nil, ""},
		{`"a`, nil, "not closed"},
		{`"a"b`, nil, "runs into"},
		{`a\`, nil, "backslash ends"},
	}
	for _, tt := range tests {
		got, err := SplitWords(tt.in)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("SplitWords(%q): %q, %v; want an error %q", tt.in, got, err, tt.err)
			}
			continue
		}
		if err != nil || !cmp.Equal(got, tt.want) {
			t.Errorf("SplitWords(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestParseEnvFile(t *testing.T) {
	got, err := ParseEnvFile([]byte("# c\n\nA=1\n B = \"two words\" \n;x\nC=\n"), "e")
	if err != nil || !cmp.Equal(got, []string{"A=1", "B=two words", "C="}) {
		t.Errorf("ParseEnvFile: %q, %v", got, err)
	}
	for in, want := range map[string]string{"A\n": "e:1: want KEY=VALUE", "\n\"A\"=1\n": "e:2:", "A=\"open\n": "e:1: the value's quote"} {
		if _, err := ParseEnvFile([]byte(in), "e"); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseEnvFile(%q): %v, want %q", in, err, want)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add("[Service]\nExecStart=/usr/bin/embargo serve \\\n --data /var/lib/embargo\nEnvironment=\"A=1 2\"\n")
	f.Add("[Unit]\n# c\n;c\n[Install]\nWantedBy=multi-user.target\n")
	f.Fuzz(func(t *testing.T, in string) {
		u, err := Parse(strings.NewReader(in), "fuzz")
		if err != nil {
			return
		}
		for _, e := range u.Entries {
			if e.Section == "" || e.Key == "" || strings.ContainsAny(e.Key, " \t") {
				t.Fatalf("accepted entry %+v", e)
			}
		}
		u.Exec(func(string) ([]byte, error) { return []byte(in), nil })
	})
}

func FuzzSplitWords(f *testing.F) {
	f.Add(`/usr/bin/x "a b" 'c' d\ e`)
	f.Fuzz(func(t *testing.T, in string) {
		words, err := SplitWords(in)
		if err != nil {
			return
		}
		if len(words) > len(in) {
			t.Fatalf("%d words from %d bytes", len(words), len(in))
		}
	})
}

func FuzzParseEnvFile(f *testing.F) {
	f.Add("# secrets\nEMBARGO_SERVER=https://x:8443\nEMBARGO_TOKEN='t'\n")
	f.Fuzz(func(t *testing.T, in string) {
		env, err := ParseEnvFile([]byte(in), "fuzz")
		if err != nil {
			return
		}
		for _, kv := range env {
			if k, _, ok := strings.Cut(kv, "="); !ok || k == "" {
				t.Fatalf("accepted %q", kv)
			}
		}
	})
}
