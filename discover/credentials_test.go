package discover

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// fakeSecrets serves pass phrase files and environment variables from
// maps.
func fakeSecrets(files, env map[string]string) (func(string) ([]byte, error), func(string) (string, bool)) {
	return func(p string) ([]byte, error) {
			if v, ok := files[p]; ok {
				return []byte(v), nil
			}
			return nil, fmt.Errorf("open %s: %w", p, os.ErrNotExist)
		}, func(k string) (string, bool) {
			v, ok := env[k]
			return v, ok
		}
}

func TestParseCredentials(t *testing.T) {
	file, env := fakeSecrets(map[string]string{"ops.auth": "file-pass-1\n", "crlf.priv": "file-pass-2\r\n", "big": strings.Repeat("x", 5000)},
		map[string]string{"OPS_PRIV": "env-pass-1", "SHORT": "short"})
	v3 := func(user string, auth AuthProtocol, authPass string, priv PrivProtocol, privPass string, line int) Credential {
		return Credential{Version: SNMPv3, User: user, Auth: auth, AuthPass: authPass, Priv: priv, PrivPass: privPass, Source: fmt.Sprintf("c.txt:%d", line)}
	}
	tests := []struct {
		name string
		text string
		want []Credential
		err  string
	}{
		{"communities and comments", "# lab\n\npublic\n  two words  \n\t#indented comment\nv3x\n", []Credential{
			{Version: SNMPv2c, Community: "public", Source: "c.txt:3"},
			{Version: SNMPv2c, Community: "two words", Source: "c.txt:4"},
			{Version: SNMPv2c, Community: "v3x", Source: "c.txt:6"},
		}, ""},
		{"v3 at each level", "v3 user=watch\n" +
			"v3 user=audit auth=sha authpass=inline-pass-1\n" +
			"v3  user=ops auth=SHA-256 authpass-file=ops.auth priv=aes-256-c privpass-env=OPS_PRIV context=cam\n" +
			"v3 user=old auth=MD5 authpass-file=ops.auth priv=DES privpass-file=crlf.priv\n" +
			"v3 user=x auth=sha1 authpass=inline-pass-1 priv=AES128 privpass=inline-pass-2\n", []Credential{
			v3("watch", "", "", "", "", 1),
			v3("audit", "SHA", "inline-pass-1", "", "", 2),
			{Version: SNMPv3, User: "ops", Auth: "SHA-256", AuthPass: "file-pass-1", Priv: "AES-256-C", PrivPass: "env-pass-1", Context: "cam", Source: "c.txt:3"},
			v3("old", "MD5", "file-pass-1", "DES", "file-pass-2", 4),
			v3("x", "SHA", "inline-pass-1", "AES", "inline-pass-2", 5),
		}, ""},
		{"nothing", "# only a comment\n\n", nil, "c.txt: no credentials"},
		{"no user", "v3 auth=SHA authpass=inline-pass-1", nil, "c.txt:1: v3: user= is missing"},
		{"unknown key", "public\nv3 user=a password=hunter22x", nil, `c.txt:2: v3: unknown key "password"`},
		{"not key=value", "v3 user=a hunter22-secret-words", nil, "c.txt:1: v3: word 3 is not key=value"},
		{"no value", "v3 user=a auth=", nil, "c.txt:1: v3: auth= has no value"},
		{"twice", "v3 user=a user=b", nil, "c.txt:1: v3: user given twice"},
		{"unknown protocol", "v3 user=a auth=SHA3 authpass=inline-pass-1", nil, `c.txt:1: v3: authentication protocol "SHA3" is not one of`},
		{"unknown privacy", "v3 user=a auth=SHA authpass=inline-pass-1 priv=3DES privpass=inline-pass-2", nil, `c.txt:1: v3: privacy protocol "3DES" is not one of`},
		{"privacy without authentication", "v3 user=a priv=AES privpass=inline-pass-2", nil, "c.txt:1: v3: priv= needs auth="},
		{"pass phrase without protocol", "v3 user=a authpass=inline-pass-1", nil, "c.txt:1: v3: a auth pass phrase without auth="},
		{"protocol without pass phrase", "v3 user=a auth=SHA", nil, "c.txt:1: v3: auth= needs authpass=, authpass-file= or authpass-env="},
		{"two sources", "v3 user=a auth=SHA authpass=inline-pass-1 authpass-env=OPS_PRIV", nil, "c.txt:1: v3: give one of authpass="},
		{"short", "v3 user=a auth=SHA authpass=short1", nil, "c.txt:1: v3: the auth pass phrase must be 8 to 256 bytes"},
		{"short from env", "v3 user=a auth=SHA authpass-env=SHORT", nil, "c.txt:1: v3: the auth pass phrase must be 8 to 256 bytes"},
		{"env unset", "v3 user=a auth=SHA authpass-env=NOPE", nil, "c.txt:1: v3: authpass-env: the environment variable NOPE is not set"},
		{"file missing", "v3 user=a auth=SHA authpass-file=gone", nil, "c.txt:1: v3: authpass-file: open gone: file does not exist"},
		{"file too big", "v3 user=a auth=SHA authpass-file=big", nil, `c.txt:1: v3: authpass-file "big" is longer than 4096 bytes`},
		{"long user", "v3 user=" + strings.Repeat("u", 33), nil, "c.txt:1: v3: user and context names are at most 32 bytes"},
		{"long community", strings.Repeat("c", 128), nil, "c.txt:1: community longer than 127 bytes"},
		{"control character", "pub\x01lic", nil, "c.txt:1: community holds a control character"},
		{"not UTF-8", "caf\xe9", nil, "c.txt: not UTF-8 text"},
		{"too many", strings.Repeat("public\n", MaxCredentials+1), nil, fmt.Sprintf("c.txt:%d: more than %d credentials", MaxCredentials+1, MaxCredentials)},
	}
	if _, err := ParseCredentials("c.txt", []byte("v3 user=a auth=SHA authpass-env=OPS_PRIV"), file, nil); err == nil ||
		err.Error() != "c.txt:1: v3: authpass-file= and authpass-env= are not read here" {
		t.Errorf("without an environment: %v", err)
	}
	for _, tt := range tests {
		got, err := ParseCredentials("c.txt", []byte(tt.text), file, env)
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, diff)
		}
		if tt.err == "" && err != nil || tt.err != "" && (err == nil || !strings.HasPrefix(err.Error(), tt.err)) {
			t.Errorf("%s: error %v, want %q", tt.name, err, tt.err)
		}
		for _, secret := range []string{"hunter22", "inline-pass", "file-pass", "env-pass", "short1"} {
			if err != nil && strings.Contains(err.Error(), secret) {
				t.Errorf("%s: the error shows %q: %v", tt.name, secret, err)
			}
		}
	}
}

// TestCredentialPrinting: no way of printing a credential shows its
// secrets.
func TestCredentialPrinting(t *testing.T) {
	cs := []Credential{
		{Version: SNMPv2c, Community: "s3cret-community", Source: "f:1"},
		{Version: SNMPv3, User: "ops", Auth: "SHA-256", AuthPass: "s3cret-auth", Priv: "AES", PrivPass: "s3cret-priv", Source: "f:2"},
	}
	b, err := json.Marshal(cs)
	if err != nil {
		t.Fatal(err)
	}
	out := fmt.Sprintf("%v %+v %#v %s %v", cs, cs[1], cs[0], cs[1], b)
	if strings.Contains(out, "s3cret") {
		t.Errorf("a secret is printed: %s", out)
	}
	want := "SNMPv2c community (f:1) SNMPv3 user, authPriv SHA-256/AES (f:2)"
	if got := cs[0].String() + " " + cs[1].String(); got != want {
		t.Errorf("%q, want %q", got, want)
	}
}

func TestCommunities(t *testing.T) {
	got, err := Communities("--snmp-community", "public", "netlab-ro")
	want := []Credential{
		{Version: SNMPv2c, Community: "public", Source: "--snmp-community"},
		{Version: SNMPv2c, Community: "netlab-ro", Source: "--snmp-community"},
	}
	if diff := cmp.Diff(want, got); diff != "" || err != nil {
		t.Errorf("(-want +got):\n%s%v", diff, err)
	}
	for _, bad := range []string{"", "a\nb", strings.Repeat("c", 128)} {
		if _, err := Communities("--snmp-community", "public", bad); err == nil || strings.Contains(err.Error(), "public") {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

func TestLoadCredentials(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string, mode os.FileMode) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), mode); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(p, mode); err != nil { // past the umask
			t.Fatal(err)
		}
		return p
	}
	write("ops.auth", "file-pass-1\n", 0o600)
	write("ops.priv", "file-pass-2\n", 0o644)
	t.Setenv("EMBARGO_TEST_OPS_AUTH", "env-pass-1")
	creds := write("snmp.creds", "public\nv3 user=ops auth=SHA authpass-file=ops.auth priv=AES privpass-file="+filepath.Join(dir, "ops.priv")+"\n"+
		"v3 user=env auth=SHA authpass-env=EMBARGO_TEST_OPS_AUTH\n", 0o600)
	got, warnings, err := LoadCredentials(creds)
	if err != nil {
		t.Fatal(err)
	}
	want := []Credential{
		{Version: SNMPv2c, Community: "public", Source: creds + ":1"},
		{Version: SNMPv3, User: "ops", Auth: "SHA", AuthPass: "file-pass-1", Priv: "AES", PrivPass: "file-pass-2", Source: creds + ":2"},
		{Version: SNMPv3, User: "env", Auth: "SHA", AuthPass: "env-pass-1", Source: creds + ":3"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	wantWarnings := 1 // ops.priv is readable by all
	if runtime.GOOS == "windows" {
		wantWarnings = 0
	}
	if len(warnings) != wantWarnings || wantWarnings == 1 && !strings.Contains(warnings[0], "ops.priv") {
		t.Errorf("warnings %q", warnings)
	}
	open := write("open.creds", "public\n", 0o644)
	if _, warnings, err := LoadCredentials(open); err != nil || len(warnings) != wantWarnings {
		t.Errorf("a file every user may read: %q %v", warnings, err)
	}
	if _, _, err := LoadCredentials(filepath.Join(dir, "missing")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a missing file: %v", err)
	}
}
