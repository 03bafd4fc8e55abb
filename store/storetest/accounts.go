package storetest

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/store"
)

func testUsers(t *testing.T, f *fixture) {
	for _, c := range []struct {
		name string
		v    store.Viewer
		u    store.User
		want error
	}{
		{"admin creates officer", f.admin, store.User{Username: "owen", Role: store.Officer, Department: "DWP", PasswordHash: "h"}, nil},
		{"taken name", f.admin, store.User{Username: "alice", Role: store.Admin, PasswordHash: "h"}, store.ErrConflict},
		{"officer without department", f.admin, store.User{Username: "x1", Role: store.Officer, PasswordHash: "h"}, store.ErrInvalid},
		{"admin with department", f.admin, store.User{Username: "x2", Role: store.Admin, Department: "DWP", PasswordHash: "h"}, store.ErrInvalid},
		{"unknown role", f.admin, store.User{Username: "x3", Role: "root", PasswordHash: "h"}, store.ErrInvalid},
		{"no hash", f.admin, store.User{Username: "x4", Role: store.Auditor}, store.ErrInvalid},
		{"officer may not", f.dwp, store.User{Username: "x5", Role: store.Officer, Department: "DWP", PasswordHash: "h"}, store.ErrForbidden},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := f.st.CreateUser(f.ctx, c.v, c.u)
			if !errors.Is(err, c.want) || (c.want == nil) != (err == nil) {
				t.Fatalf("CreateUser = %v, want %v", err, c.want)
			}
		})
	}
	u, err := f.st.UserByName(f.ctx, "owen")
	if err != nil {
		t.Fatal(err)
	}
	byID, err := f.st.UserByID(f.ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(u, byID); diff != "" {
		t.Errorf("UserByID differs from UserByName (-name +id):\n%s", diff)
	}
	if u.Role != store.Officer || u.Department != "DWP" || u.PasswordHash != "h" || u.Created.IsZero() {
		t.Errorf("user = %+v", u)
	}
	if _, err := f.st.UserByName(f.ctx, "nobody"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("UserByName(nobody) = %v, want not found", err)
	}
	names := func(v store.Viewer) []string {
		us, err := f.st.Users(f.ctx, v)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, u := range us {
			out = append(out, u.Username)
		}
		return out
	}
	if diff := cmp.Diff([]string{"alice", "audrey", "bob", "olive", "oscar", "owen"}, names(f.auditor)); diff != "" {
		t.Errorf("auditor's Users (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"olive", "owen"}, names(f.dwp)); diff != "" {
		t.Errorf("DWP officer's Users (-want +got):\n%s", diff)
	}
}

func testSessions(t *testing.T, f *fixture) {
	h := randomHash(t)
	s := store.Session{TokenHash: h, UserID: f.dwp.UserID, CSRF: "csrf-1", Created: t0, Expires: t0.Add(time.Hour)}
	if err := f.st.CreateSession(f.ctx, s); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		now  time.Time
		want error
	}{
		{"fresh", t0.Add(time.Minute), nil},
		{"at expiry", t0.Add(time.Hour), store.ErrNotFound},
		{"expired", t0.Add(2 * time.Hour), store.ErrNotFound},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := f.st.SessionByToken(f.ctx, h, c.now)
			if !errors.Is(err, c.want) || (c.want == nil) != (err == nil) {
				t.Fatalf("SessionByToken = %v, want %v", err, c.want)
			}
			if err == nil {
				if diff := cmp.Diff(s, got); diff != "" {
					t.Errorf("session (-want +got):\n%s", diff)
				}
			}
		})
	}
	if err := f.st.DeleteSession(f.ctx, h); err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.SessionByToken(f.ctx, h, t0); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("after logout: %v, want not found", err)
	}
}

func testLoginFailures(t *testing.T, f *fixture) {
	for i := 1; i <= 7; i++ {
		if err := f.st.LoginFailed(f.ctx, f.dwp.UserID); err != nil {
			t.Fatal(err)
		}
		u, err := f.st.UserByID(f.ctx, f.dwp.UserID)
		if err != nil {
			t.Fatal(err)
		}
		if u.FailedLogins != i {
			t.Errorf("after %d failures: FailedLogins = %d", i, u.FailedLogins)
		}
	}
	if err := f.st.LoginSucceeded(f.ctx, f.dwp.UserID); err != nil {
		t.Fatal(err)
	}
	if u, _ := f.st.UserByID(f.ctx, f.dwp.UserID); u.FailedLogins != 0 {
		t.Errorf("after success FailedLogins = %d", u.FailedLogins)
	}
	if err := f.st.LoginFailed(f.ctx, 99999); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("LoginFailed of no user = %v, want not found", err)
	}
}

func testEnrollmentToken(t *testing.T, f *fixture) {
	once := f.token(t, "DWP", 1)
	twice := f.token(t, "HMRC", 2)
	expired := randomHash(t)
	if err := f.st.CreateEnrollmentToken(f.ctx, f.admin, store.EnrollmentToken{Hash: expired, Department: "DWP", Created: t0.Add(-2 * day), Expires: t0.Add(-day), Uses: 5}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, id string
		token    []byte
		want     error
		dept     string
	}{
		{"first use", "a1", once, nil, "DWP"},
		{"used up", "a2", once, store.ErrNotFound, ""},
		{"two uses, first", "a3", twice, nil, "HMRC"},
		{"two uses, second", "a4", twice, nil, "HMRC"},
		{"two uses, third", "a5", twice, store.ErrNotFound, ""},
		{"expired", "a6", expired, store.ErrNotFound, ""},
		{"unknown", "a7", randomHash(t), store.ErrNotFound, ""},
		{"taken id", "a1", f.token(t, "DWP", 1), store.ErrConflict, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			a, err := f.st.Enroll(f.ctx, c.token, store.Agent{ID: c.id, Host: "h-" + c.id, SecretHash: []byte("s"), Department: "forged"}, t0)
			if !errors.Is(err, c.want) || (c.want == nil) != (err == nil) {
				t.Fatalf("Enroll = %v, want %v", err, c.want)
			}
			if err != nil {
				return
			}
			got, err := f.st.AgentByID(f.ctx, c.id)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(a, got); diff != "" || got.Department != c.dept {
				t.Errorf("agent (-enrolled +read), want department %q:\n%s", c.dept, diff)
			}
			if h := f.host(t, c.id); h.Department != c.dept || !h.LastScan.IsZero() {
				t.Errorf("host after enrolment = %+v", h)
			}
		})
	}
	for _, c := range []struct {
		name string
		tok  store.EnrollmentToken
		want error
	}{
		{"no department", store.EnrollmentToken{Hash: randomHash(t), Created: t0, Expires: t0.Add(day), Uses: 1}, store.ErrInvalid},
		{"no uses", store.EnrollmentToken{Hash: randomHash(t), Department: "DWP", Created: t0, Expires: t0.Add(day)}, store.ErrInvalid},
		{"short hash", store.EnrollmentToken{Hash: []byte("x"), Department: "DWP", Created: t0, Expires: t0.Add(day), Uses: 1}, store.ErrInvalid},
	} {
		t.Run(c.name, func(t *testing.T) {
			if err := f.st.CreateEnrollmentToken(f.ctx, f.admin, c.tok); !errors.Is(err, c.want) {
				t.Errorf("CreateEnrollmentToken = %v, want %v", err, c.want)
			}
		})
	}
}

// testEnrollmentRace has two agents race for a token's last use, many
// times: exactly one of each pair may win.
func testEnrollmentRace(t *testing.T, f *fixture) {
	for round := range 10 {
		tok := f.token(t, "DWP", 1)
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i := range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				id := "race-" + string(rune('a'+round)) + string(rune('0'+i))
				_, errs[i] = f.st.Enroll(f.ctx, tok, store.Agent{ID: id, Host: id, SecretHash: []byte("s")}, t0)
			}()
		}
		wg.Wait()
		won := 0
		for _, err := range errs {
			switch {
			case err == nil:
				won++
			case !errors.Is(err, store.ErrNotFound):
				t.Errorf("round %d: loser's error = %v, want not found", round, err)
			}
		}
		if won != 1 {
			t.Fatalf("round %d: %d agents enrolled with a one-time token (errors %v)", round, won, errs)
		}
	}
}
