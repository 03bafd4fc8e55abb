// Package checkpoint anchors the fleet's audit log outside its database,
// as transparency logs anchor theirs (RFC 6962's signed tree heads, the
// C2SP tlog-checkpoint): now and then the server signs the log's head —
// its last entry's seq and hash — with an Ed25519 key the database does
// not hold, as a signed note (golang.org/x/mod/sumdb/note), and appends
// it to a place of the operator's choice. Whoever later holds the
// checkpoints and the public key can tell a log that was cut short (the
// head is before a checkpoint) or rewritten, even with every later hash
// recomputed (an entry's hash differs from the one a checkpoint signed):
// the chain alone proves only that it is consistent with itself.
package checkpoint

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
)

// Checkpoint is the audit log's head at one time: the origin (the
// signing key's name), the last entry's seq and its hash.
type Checkpoint struct {
	Origin string
	Seq    int64
	Hash   []byte
}

// text is the note text: origin, seq, base64 hash, one a line, as a
// C2SP tlog-checkpoint body.
func (c Checkpoint) text() string {
	return fmt.Sprintf("%s\n%d\n%s\n", c.Origin, c.Seq, base64.StdEncoding.EncodeToString(c.Hash))
}

// Sign signs c with signer (whose name must be c.Origin) as a note.
func Sign(c Checkpoint, signer note.Signer) ([]byte, error) {
	if c.Origin != signer.Name() {
		return nil, fmt.Errorf("checkpoint of %q signed by key %q", c.Origin, signer.Name())
	}
	return note.Sign(&note.Note{Text: c.text()}, signer)
}

// Open verifies a signed checkpoint with verifier and reads it.
func Open(msg []byte, verifier note.Verifier) (Checkpoint, error) {
	n, err := note.Open(msg, note.VerifierList(verifier))
	if err != nil {
		return Checkpoint{}, err
	}
	lines := strings.Split(strings.TrimSuffix(n.Text, "\n"), "\n")
	if len(lines) != 3 {
		return Checkpoint{}, fmt.Errorf("a checkpoint has 3 lines, this one %d", len(lines))
	}
	c := Checkpoint{Origin: lines[0]}
	if c.Origin != verifier.Name() {
		return Checkpoint{}, fmt.Errorf("checkpoint of %q under key %q", c.Origin, verifier.Name())
	}
	if c.Seq, err = strconv.ParseInt(lines[1], 10, 64); err != nil || c.Seq < 0 {
		return Checkpoint{}, fmt.Errorf("checkpoint seq %q", lines[1])
	}
	if c.Hash, err = base64.StdEncoding.DecodeString(lines[2]); err != nil {
		return Checkpoint{}, fmt.Errorf("checkpoint hash: %w", err)
	}
	return c, nil
}

// GenerateKey makes a signing key named name: the private key (to give
// `embargo serve --audit-key`, kept away from the database) and the
// public verifier key (to verify with).
func GenerateKey(rand interface{ Read([]byte) (int, error) }, name string) (signer, verifier string, err error) {
	return note.GenerateKey(rand, name)
}

// NewSigner reads a private key as GenerateKey wrote it.
func NewSigner(key []byte) (note.Signer, error) {
	return note.NewSigner(string(bytes.TrimSpace(key)))
}

// NewVerifier reads a verifier key as GenerateKey wrote it.
func NewVerifier(key []byte) (note.Verifier, error) {
	return note.NewVerifier(string(bytes.TrimSpace(key)))
}
