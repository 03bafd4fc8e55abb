package storetest

import (
	"crypto/sha256"
	"errors"
	"testing"

	"github.com/embargo-dev/embargo/store"
)

// testAPITokens walks an API token's life: only admins make one, of an
// officer's (with a department) or an auditor's scope, never an admin's,
// expiring within a year; it is found by its hash while in force, not
// once expired or revoked; listing it never shows the hash.
func testAPITokens(t *testing.T, f *fixture) {
	hash := func(s string) []byte { h := sha256.Sum256([]byte(s)); return h[:] }
	tok := store.APIToken{Name: "siem", Hash: hash("a"), Role: store.Officer, Department: "DWP", Created: t0, Expires: t0.Add(90 * day)}
	for _, c := range []struct {
		name string
		v    store.Viewer
		t    func(store.APIToken) store.APIToken
		err  error
	}{
		{"by an officer", f.dwp, func(x store.APIToken) store.APIToken { return x }, store.ErrForbidden},
		{"by an auditor", f.auditor, func(x store.APIToken) store.APIToken { return x }, store.ErrForbidden},
		{"an admin's", f.admin, func(x store.APIToken) store.APIToken { x.Role, x.Department = store.Admin, ""; return x }, store.ErrInvalid},
		{"an officer's without a department", f.admin, func(x store.APIToken) store.APIToken { x.Department = ""; return x }, store.ErrInvalid},
		{"for two years", f.admin, func(x store.APIToken) store.APIToken { x.Expires = t0.Add(730 * day); return x }, store.ErrInvalid},
		{"without a name", f.admin, func(x store.APIToken) store.APIToken { x.Name = ""; return x }, store.ErrInvalid},
	} {
		if _, err := f.st.CreateAPIToken(f.ctx, c.v, c.t(tok)); !errors.Is(err, c.err) {
			t.Errorf("a token %s: %v, want %v", c.name, err, c.err)
		}
	}
	made, err := f.st.CreateAPIToken(f.ctx, f.admin, tok)
	if err != nil {
		t.Fatal(err)
	}
	got, err := f.st.APITokenByHash(f.ctx, hash("a"), t0.Add(day))
	if err != nil || got.ID != made.ID || got.Role != store.Officer || got.Department != "DWP" || got.CreatedBy != "alice" {
		t.Fatalf("the token by its hash: %+v %v", got, err)
	}
	if v := got.Viewer(); v.Username != "token:siem" || v.Role != store.Officer || v.Department != "DWP" {
		t.Errorf("the token's viewer %+v", v)
	}
	if _, err := f.st.APITokenByHash(f.ctx, hash("a"), t0.Add(91*day)); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("an expired token: %v, want ErrNotFound", err)
	}
	if _, err := f.st.APITokenByHash(f.ctx, hash("b"), t0); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("an unknown token: %v, want ErrNotFound", err)
	}
	if _, err := f.st.APITokens(f.ctx, f.dwp); !errors.Is(err, store.ErrForbidden) {
		t.Errorf("an officer lists tokens: %v", err)
	}
	ts, err := f.st.APITokens(f.ctx, f.auditor)
	if err != nil || len(ts) != 1 || ts[0].Hash != nil || ts[0].LastUsed.IsZero() {
		t.Errorf("the auditor's list: %+v %v; want the token, used, without its hash", ts, err)
	}
	if err := f.st.RevokeAPIToken(f.ctx, f.dwp, made.ID, t0); !errors.Is(err, store.ErrForbidden) {
		t.Errorf("an officer revokes: %v", err)
	}
	if err := f.st.RevokeAPIToken(f.ctx, f.admin, made.ID, t0.Add(2*day)); err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.APITokenByHash(f.ctx, hash("a"), t0.Add(3*day)); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a revoked token: %v, want ErrNotFound", err)
	}
	if err := f.st.RevokeAPIToken(f.ctx, f.admin, made.ID, t0.Add(2*day)); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("revoked twice: %v", err)
	}
	es, _ := f.st.Audit(f.ctx, f.admin, 0, 1000)
	actions := map[string]bool{}
	for _, e := range es {
		actions[e.Action] = true
	}
	if !actions["token.create"] || !actions["token.revoke"] {
		t.Errorf("audit actions %v; want token.create and token.revoke", actions)
	}
}
