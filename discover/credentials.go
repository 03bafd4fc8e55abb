package discover

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"unicode/utf8"
)

// Limits of a credentials file.
const (
	// MaxCredentials bounds how many credentials one run tries: each is a
	// probe of every address that does not answer the ones before it.
	MaxCredentials = 64
	// maxCredentialsFile and maxSecretFile bound what is read.
	maxCredentialsFile = 64 << 10
	maxSecretFile      = 4 << 10
	// maxCommunity keeps a community to what gosnmp encodes correctly:
	// it writes the community's length as one octet of BER short form.
	maxCommunity = 127
	// maxAdminString bounds user and context names as usmUserName
	// (RFC 3414) and vacmContextName (RFC 3415) are: 32 octets.
	maxAdminString = 32
	// minPassPhrase is the shortest pass phrase Net-SNMP accepts
	// (snmpd.conf(5): "the minimum pass phrase length is 8 characters").
	minPassPhrase = 8
	maxPassPhrase = 256
)

// Credential is one way of asking an SNMP agent: an SNMPv2c community or
// an SNMPv3 user of the User-based Security Model (RFC 3414). Its String
// and GoString name no secret, so that a Credential may be printed.
type Credential struct {
	Version SNMPVersion
	// Community is the SNMPv2c community.
	Community string `json:"-"`
	// User is the SNMPv3 user name; Auth and Priv its protocols (""
	// when it has none), AuthPass and PrivPass their pass phrases;
	// Context the context name ("" for the default context).
	User     string
	Auth     AuthProtocol
	Priv     PrivProtocol
	AuthPass string `json:"-"`
	PrivPass string `json:"-"`
	Context  string
	// Source says where the credential was read ("snmp.txt:3",
	// "--snmp-community"), for messages.
	Source string
}

// SNMPVersion is the protocol version a credential is for.
type SNMPVersion string

// Versions.
const (
	SNMPv2c SNMPVersion = "SNMPv2c"
	SNMPv3  SNMPVersion = "SNMPv3"
)

// Level is an SNMPv3 credential's security level: noAuthNoPriv,
// authNoPriv or authPriv.
func (c Credential) Level() string {
	switch {
	case c.Priv != "":
		return "authPriv"
	case c.Auth != "":
		return "authNoPriv"
	}
	return "noAuthNoPriv"
}

// String describes the credential without its secrets.
func (c Credential) String() string {
	s := string(c.Version) + " community"
	if c.Version == SNMPv3 {
		s = "SNMPv3 user, " + c.Level()
		if c.Auth != "" {
			s += " " + string(c.Auth)
		}
		if c.Priv != "" {
			s += "/" + string(c.Priv)
		}
	}
	if c.Source != "" {
		s += " (" + c.Source + ")"
	}
	return s
}

// GoString is String, so that %#v prints no secret either.
func (c Credential) GoString() string { return c.String() }

// Communities makes SNMPv2c credentials of communities given on the
// command line (--snmp-community public); source names the flag.
func Communities(source string, communities ...string) ([]Credential, error) {
	var out []Credential
	for i, c := range communities {
		if c == "" || len(c) > maxCommunity || strings.ContainsFunc(c, isControl) {
			return nil, fmt.Errorf("%s: community %d of %d is empty, longer than %d bytes or holds a control character", source, i+1, len(communities), maxCommunity)
		}
		out = append(out, Credential{Version: SNMPv2c, Community: c, Source: source})
	}
	return out, nil
}

// ParseCredentials reads a credentials file (see [LoadCredentials] for
// the format). name is used in messages; file reads a pass phrase file
// (a path relative to the credentials file is the caller's to resolve)
// and env looks up an environment variable; with either nil, pass
// phrases of that kind are refused. An error names the line and never
// the secret.
func ParseCredentials(name string, data []byte, file func(path string) ([]byte, error), env func(string) (string, bool)) ([]Credential, error) {
	if len(data) > maxCredentialsFile {
		return nil, fmt.Errorf("%s: longer than %d bytes", name, maxCredentialsFile)
	}
	if !utf8.Valid(data) {
		return nil, fmt.Errorf("%s: not UTF-8 text", name)
	}
	var out []Credential
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 4096), maxCredentialsFile)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		src := fmt.Sprintf("%s:%d", name, n)
		if len(out) == MaxCredentials {
			return nil, fmt.Errorf("%s: more than %d credentials", src, MaxCredentials)
		}
		c, err := parseCredential(line, file, env)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", src, err)
		}
		c.Source = src
		out = append(out, c)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no credentials", name)
	}
	return out, nil
}

// parseCredential reads one line that is not blank or a comment.
func parseCredential(line string, file func(string) ([]byte, error), env func(string) (string, bool)) (Credential, error) {
	if f := strings.Fields(line); f[0] != "v3" {
		if len(line) > maxCommunity {
			return Credential{}, fmt.Errorf("community longer than %d bytes", maxCommunity)
		}
		if strings.ContainsFunc(line, isControl) {
			return Credential{}, errors.New("community holds a control character")
		}
		return Credential{Version: SNMPv2c, Community: line}, nil
	}
	kv := map[string]string{}
	for i, w := range strings.Fields(line)[1:] {
		k, v, ok := strings.Cut(w, "=")
		switch {
		case !ok: // perhaps a pass phrase that lost its key: not shown
			return Credential{}, fmt.Errorf("v3: word %d is not key=value", i+2)
		case v == "":
			return Credential{}, fmt.Errorf("v3: %s= has no value", key(k))
		case !v3Keys[k]:
			return Credential{}, fmt.Errorf("v3: unknown key %q (keys: user, auth, authpass, authpass-file, authpass-env, priv, privpass, privpass-file, privpass-env, context)", key(k))
		case kv[k] != "":
			return Credential{}, fmt.Errorf("v3: %s given twice", k)
		}
		kv[k] = v
	}
	c := Credential{Version: SNMPv3, User: kv["user"], Context: kv["context"]}
	switch {
	case c.User == "":
		return Credential{}, errors.New("v3: user= is missing")
	case len(c.User) > maxAdminString || len(c.Context) > maxAdminString:
		return Credential{}, fmt.Errorf("v3: user and context names are at most %d bytes", maxAdminString)
	}
	var err error
	if a := kv["auth"]; a != "" {
		if c.Auth, err = ParseAuthProtocol(a); err != nil {
			return Credential{}, err
		}
	}
	if p := kv["priv"]; p != "" {
		if c.Auth == "" {
			return Credential{}, errors.New("v3: priv= needs auth=: USM has no privacy without authentication")
		}
		if c.Priv, err = ParsePrivProtocol(p); err != nil {
			return Credential{}, err
		}
	}
	if c.AuthPass, err = passPhrase(kv, "authpass", c.Auth != "", file, env); err != nil {
		return Credential{}, err
	}
	if c.PrivPass, err = passPhrase(kv, "privpass", c.Priv != "", file, env); err != nil {
		return Credential{}, err
	}
	return c, nil
}

var v3Keys = map[string]bool{
	"user": true, "context": true, "auth": true, "priv": true,
	"authpass": true, "authpass-file": true, "authpass-env": true,
	"privpass": true, "privpass-file": true, "privpass-env": true,
}

// key shortens what is echoed of a key or a protocol's name, which may
// be a misspelt secret: its first characters only.
func key(w string) string {
	if len(w) > 16 {
		return strings.ToValidUTF8(w[:16], "") + "…"
	}
	return w
}

// passPhrase finds the pass phrase named by prefix (inline, -file or
// -env), which must be given exactly when want is.
func passPhrase(kv map[string]string, prefix string, want bool, file func(string) ([]byte, error), env func(string) (string, bool)) (string, error) {
	inline, path, name := kv[prefix], kv[prefix+"-file"], kv[prefix+"-env"]
	given := 0
	for _, v := range []string{inline, path, name} {
		if v != "" {
			given++
		}
	}
	proto := strings.TrimSuffix(prefix, "pass")
	switch {
	case !want && given > 0:
		return "", fmt.Errorf("v3: a %s pass phrase without %s=", proto, proto)
	case !want:
		return "", nil
	case given == 0:
		return "", fmt.Errorf("v3: %s= needs %s=, %s-file= or %s-env=", proto, prefix, prefix, prefix)
	case given > 1:
		return "", fmt.Errorf("v3: give one of %s=, %s-file= and %s-env=", prefix, prefix, prefix)
	}
	v := inline
	switch {
	case path != "" && file == nil, name != "" && env == nil:
		return "", fmt.Errorf("v3: %s-file= and %s-env= are not read here", prefix, prefix)
	case path != "":
		b, err := file(path)
		if err != nil {
			return "", fmt.Errorf("v3: %s-file: %w", prefix, err)
		}
		if len(b) > maxSecretFile {
			return "", fmt.Errorf("v3: %s-file %q is longer than %d bytes", prefix, path, maxSecretFile)
		}
		v = strings.TrimSuffix(strings.TrimSuffix(string(b), "\n"), "\r")
	case name != "":
		var ok bool
		if v, ok = env(name); !ok {
			return "", fmt.Errorf("v3: %s-env: the environment variable %s is not set", prefix, name)
		}
	}
	switch {
	case len(v) < minPassPhrase || len(v) > maxPassPhrase:
		return "", fmt.Errorf("v3: the %s pass phrase must be %d to %d bytes", proto, minPassPhrase, maxPassPhrase)
	case strings.ContainsFunc(v, isControl):
		return "", fmt.Errorf("v3: the %s pass phrase holds a control character", proto)
	}
	return v, nil
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f }

// LoadCredentials reads a credentials file. The format, one credential a
// line, tried in order:
//
//	# a comment (a line starting with #); blank lines are ignored
//	public
//	netlab-ro
//	v3 user=NAME
//	v3 user=NAME auth=SHA-256 authpass-file=ops.auth
//	v3 user=NAME auth=SHA-256 authpass-env=OPS_AUTH priv=AES privpass-file=/etc/embargo/ops.priv
//
// A line whose first word is not "v3" is one SNMPv2c community, the whole
// line without its surrounding spaces (so a list of communities, one a
// line, is a credentials file). A "v3" line is an SNMPv3 USM user: user=
// is required; auth= (MD5, SHA, SHA-224, SHA-256, SHA-384, SHA-512)
// makes it authNoPriv, and priv= (DES, AES, AES-192, AES-256, AES-192-C,
// AES-256-C) with auth= authPriv; each protocol's pass phrase is given by
// one of PROTOpass=VALUE (no spaces), PROTOpass-file=PATH (the file's
// content less one final newline; a relative path is relative to the
// credentials file) or PROTOpass-env=VARIABLE; context= names a context.
// Pass phrases are 8 to 256 bytes.
//
// The warnings are for the user: a credentials or pass phrase file that
// every user of the machine may read.
func LoadCredentials(path string) ([]Credential, []string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxCredentialsFile+1))
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	warnings := worldReadable(nil, f, path)
	dir := filepath.Dir(path)
	file := func(p string) ([]byte, error) {
		if !filepath.IsAbs(p) {
			p = filepath.Join(dir, p)
		}
		sf, err := os.Open(p)
		if err != nil {
			return nil, err
		}
		defer sf.Close()
		warnings = worldReadable(warnings, sf, p)
		return io.ReadAll(io.LimitReader(sf, maxSecretFile+1))
	}
	creds, err := ParseCredentials(path, data, file, os.LookupEnv)
	return creds, warnings, err
}

// worldReadable adds a warning when f may be read by every user.
func worldReadable(warnings []string, f *os.File, path string) []string {
	if runtime.GOOS == "windows" {
		return warnings // mode bits say nothing of Windows ACLs
	}
	if st, err := f.Stat(); err == nil && st.Mode().Perm()&0o004 != 0 {
		warnings = append(warnings, fmt.Sprintf("%s holds SNMP secrets and every user of this machine may read it (chmod o-r %s)", path, path))
	}
	return warnings
}
