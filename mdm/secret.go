package mdm

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
)

// maxSecretFile bounds a secret file: a client secret or API key is a
// line, never megabytes.
const maxSecretFile = 64 << 10

const redactedText = "[redacted]"

// secret is a credential held in memory. Every way of printing it —
// fmt verbs, slog, JSON — prints "[redacted]", so that a secret passed
// to a log call or an error by mistake does not leak; only value() gives
// the text, at the one place a request is built.
type secret struct{ v string }

func (s secret) value() string                { return s.v }
func (s secret) String() string               { return redactedText }
func (s secret) GoString() string             { return redactedText }
func (s secret) LogValue() slog.Value         { return slog.StringValue(redactedText) }
func (s secret) MarshalJSON() ([]byte, error) { return []byte(`"` + redactedText + `"`), nil }
func (s secret) Format(f fmt.State, _ rune)   { io.WriteString(f, redactedText) }

// SecretRef says where a secret is kept: a file (the whole file, less
// surrounding white space) or an environment variable, never the
// configuration itself or the command line.
type SecretRef struct {
	File string
	Env  string
}

func (r SecretRef) given() bool { return r.File != "" || r.Env != "" }

// load reads the secret. Errors name the file or variable, never the
// value.
func (r SecretRef) load(lookupEnv func(string) (string, bool)) (secret, error) {
	var raw string
	var from string
	switch {
	case r.File != "":
		from = fmt.Sprintf("secret file %s", r.File)
		f, err := os.Open(r.File)
		if err != nil {
			return secret{}, fmt.Errorf("reading %s: %w", from, errors.Unwrap(err))
		}
		defer f.Close()
		b, err := io.ReadAll(io.LimitReader(f, maxSecretFile+1))
		if err != nil {
			return secret{}, fmt.Errorf("reading %s: %w", from, err)
		}
		if len(b) > maxSecretFile {
			return secret{}, fmt.Errorf("%s is over %d bytes: not a secret file", from, maxSecretFile)
		}
		raw = string(b)
	case r.Env != "":
		from = fmt.Sprintf("environment variable %s", r.Env)
		v, ok := lookupEnv(r.Env)
		if !ok {
			return secret{}, fmt.Errorf("%s is not set", from)
		}
		raw = v
	default:
		return secret{}, errors.New("no secret file or environment variable given")
	}
	v := strings.TrimSpace(raw)
	switch {
	case v == "":
		return secret{}, fmt.Errorf("%s is empty", from)
	case strings.ContainsAny(v, "\r\n"):
		return secret{}, fmt.Errorf("%s holds more than one line; it should hold the secret alone", from)
	}
	return secret{v: v}, nil
}

// redactor replaces known secrets (client secrets, API keys, access
// tokens) in text that leaves the package: error messages and log
// values. It is the second line of defence behind the secret type: a
// server may echo a request back in an error body.
type redactor struct{ values []string }

// add registers a value to hide; short values are not registered, as
// replacing them would garble messages without protecting anything.
func (r *redactor) add(v string) {
	if len(v) >= 4 {
		r.values = append(r.values, v)
	}
}

func (r *redactor) text(s string) string {
	for _, v := range r.values {
		s = strings.ReplaceAll(s, v, redactedText)
	}
	return s
}

// err returns err with every secret replaced in its message. The result
// still matches context.Canceled and context.DeadlineExceeded with
// errors.Is, but unwraps to nothing else, so that no caller can reach an
// unredacted message through it.
func (r *redactor) err(err error) error {
	if err == nil {
		return nil
	}
	return &redactedError{msg: r.text(err.Error()), kind: contextKind(err)}
}

type redactedError struct {
	msg  string
	kind error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.kind }
