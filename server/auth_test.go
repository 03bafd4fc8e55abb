package server

import (
	"context"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/embargo-dev/embargo/store"
)

func TestLoginAndCSRF(t *testing.T) { testLoginAndCSRF(t, sqliteEngine) }

func testLoginAndCSRF(t *testing.T, e engine) {
	f := newFixture(t, e, nil)
	if code, _ := f.anon().do("GET", "/api/v1/overview", nil, nil); code != http.StatusUnauthorized {
		t.Fatalf("overview without a session: %d; want 401", code)
	}
	b := f.login("admin")
	u, _ := url.Parse(f.ts.URL)
	var sess *http.Cookie
	for _, c := range b.c.Jar.Cookies(u) {
		if c.Name == SessionCookie {
			sess = c
		}
	}
	if sess == nil || len(sess.Value) < 40 {
		t.Fatalf("no session cookie after login")
	}
	b.getJSON("/api/v1/overview", http.StatusOK, nil)

	tokenBody := map[string]any{"department": "DWP", "uses": 1}
	for _, tc := range []struct {
		name, token string
		want        int
	}{
		{"no token", "", http.StatusForbidden},
		{"wrong token", strings.Repeat("A", len(b.csrf)), http.StatusForbidden},
		{"right token", b.csrf, http.StatusCreated},
	} {
		saved := b.csrf
		b.csrf = ""
		hdr := map[string]string{}
		if tc.token != "" {
			hdr[CSRFHeader] = tc.token
		}
		code, body := b.do("POST", "/api/v1/enrollment-tokens", tokenBody, hdr)
		b.csrf = saved
		if code != tc.want {
			t.Errorf("%s: %d %s; want %d", tc.name, code, body, tc.want)
		}
	}
	// A dashboard form post needs the token too.
	req, _ := http.NewRequest("POST", f.ts.URL+"/waivers", strings.NewReader("x=1"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := b.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("dashboard post without the token: %d; want 403", resp.StatusCode)
	}

	if code, _ := b.do("POST", "/api/v1/logout", nil, nil); code != http.StatusNoContent {
		t.Fatalf("logout: %d", code)
	}
	if code, _ := b.do("GET", "/api/v1/overview", nil, nil); code != http.StatusUnauthorized {
		t.Fatalf("overview after logout: %d; want 401", code)
	}
}

// TestSessionCookie checks the cookie's attributes as the browser gets them.
func TestSessionCookie(t *testing.T) {
	f := newFixture(t, sqliteEngine, nil)
	resp, err := http.Post(f.ts.URL+"/api/v1/login", "application/json", strings.NewReader(`{"username":"admin","password":"`+testPassword+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	var c *http.Cookie
	for _, x := range resp.Cookies() {
		if x.Name == SessionCookie {
			c = x
		}
	}
	if c == nil || !c.HttpOnly || c.SameSite != http.SameSiteStrictMode || c.Path != "/" {
		t.Fatalf("session cookie %+v; want HttpOnly, SameSite=Strict, Path=/", c)
	}
	if c.Secure {
		t.Error("cookie Secure over plain HTTP on loopback: the browser would never send it")
	}
	// Only the token's hash is stored.
	if _, err := f.st.SessionByToken(context.Background(), []byte(c.Value), time.Now()); err == nil {
		t.Error("the session is found by its raw token: the store keeps the token, not its hash")
	}
	if _, err := f.st.SessionByToken(context.Background(), hashToken(c.Value), time.Now()); err != nil {
		t.Errorf("session by the token's hash: %v", err)
	}
}

func TestLoginForm(t *testing.T) {
	f := newFixture(t, sqliteEngine, nil)
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(f.ts.URL + "/login?next=/hosts")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	var token string
	u, _ := url.Parse(f.ts.URL + "/login")
	for _, x := range jar.Cookies(u) {
		if x.Name == loginCSRFCookie {
			token = x.Value
		}
	}
	form := url.Values{"username": {"dwp-officer"}, "password": {testPassword}, "next": {"//evil.example/"}}
	resp, _ = c.PostForm(f.ts.URL+"/login", form)
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("login form without its token: %d; want 403", resp.StatusCode)
	}
	form.Set("csrf", token)
	resp, _ = c.PostForm(f.ts.URL+"/login", form)
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
		t.Fatalf("login form: %d to %q; want 303 to / (never off-site)", resp.StatusCode, resp.Header.Get("Location"))
	}
}

func TestLockout(t *testing.T) { testLockout(t, sqliteEngine) }

func testLockout(t *testing.T, e engine) {
	var mu sync.Mutex
	now := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	f := newFixture(t, e, func(c *Config) {
		c.Now = func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
		c.LoginRate = 1000
	})
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	attacker := f.anon() // 127.0.0.1
	try := func(b *browser, user, password string) (int, string) {
		code, body := b.do("POST", "/api/v1/login", map[string]string{"username": user, "password": password}, nil)
		return code, string(body)
	}
	// A known and an unknown name answer alike, failure after failure:
	// freeFailures 401s, then 429s whose wait doubles.
	for _, user := range []string{"admin", "no-such-user"} {
		for i := range freeFailures {
			if code, body := try(attacker, user, "not the password"); code != http.StatusUnauthorized || !strings.Contains(body, "wrong username or password") {
				t.Fatalf("%s, failure %d: %d %s; want 401", user, i+1, code, body)
			}
		}
		if code, body := try(attacker, user, "not the password"); code != http.StatusTooManyRequests || !strings.Contains(body, "too many failed logins") {
			t.Fatalf("%s, past %d failures: %d %s; want 429", user, freeFailures, code, body)
		}
	}
	// The admin, from another address, is not kept out.
	if code, body := try(f.anonFrom("127.0.0.2"), "admin", testPassword); code != http.StatusOK {
		t.Fatalf("the admin from another address: %d %s; want 200: an attacker must not lock the admin out", code, body)
	}
	// From the attacker's address the wait doubles with each failure
	// once it is over, up to maxBackoff.
	key := backoffKey("admin", "127.0.0.1")
	waits := []time.Duration{f.srv.backoff.wait(key, f.srv.now())}
	for range 3 {
		advance(waits[len(waits)-1])
		if code, _ := try(attacker, "admin", "not the password"); code != http.StatusUnauthorized {
			t.Fatalf("a failure once the wait is over: %d; want 401", code)
		}
		if code, _ := try(attacker, "admin", testPassword); code != http.StatusTooManyRequests {
			t.Fatalf("the right password during the wait, from the attacker's address: %d; want 429", code)
		}
		waits = append(waits, f.srv.backoff.wait(key, f.srv.now()))
	}
	for i := 1; i < len(waits); i++ {
		if waits[i] != 2*waits[i-1] {
			t.Errorf("waits %v: each should double the last", waits)
			break
		}
	}
	// The right password, once the wait is over, gets in and clears it.
	advance(maxBackoff)
	if code, body := try(attacker, "admin", testPassword); code != http.StatusOK {
		t.Fatalf("the right password after the wait: %d %s", code, body)
	}
	if w := f.srv.backoff.wait(backoffKey("admin", "127.0.0.1"), f.srv.now()); w != 0 {
		t.Errorf("a success left a wait of %v", w)
	}
}

func TestLoginRateLimitPerAddress(t *testing.T) {
	f := newFixture(t, sqliteEngine, func(c *Config) { c.LoginRate = 3 })
	for i := range 3 {
		f.anon().do("POST", "/api/v1/login", map[string]string{"username": "nobody" + string(rune('a'+i)), "password": "x"}, nil)
	}
	code, _ := f.anon().do("POST", "/api/v1/login", map[string]string{"username": "admin", "password": testPassword}, nil)
	if code != http.StatusTooManyRequests {
		t.Fatalf("fourth login from one address at 3/min: %d; want 429", code)
	}
}

// TestAuditorChangesNothing: an auditor gets 403 from every unsafe user
// route, CSRF token and all.
func TestAuditorChangesNothing(t *testing.T) { testAuditorChangesNothing(t, sqliteEngine) }

func testAuditorChangesNothing(t *testing.T, e engine) {
	f := newFixture(t, e, nil)
	b := f.login("auditor")
	n := 0
	for _, rt := range routes {
		if rt.Access < user || !rt.unsafe() || rt.ReadOnly {
			continue
		}
		n++
		path := strings.ReplaceAll(rt.Path, "{id}", "1")
		code, body := b.do(rt.Method, path, map[string]any{}, nil)
		if code != http.StatusForbidden {
			t.Errorf("auditor %s %s: %d %s; want 403", rt.Method, path, code, body)
		}
	}
	if n < 7 {
		t.Fatalf("only %d unsafe user routes checked", n)
	}
	audit, err := f.st.Audit(context.Background(), store.System, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range audit {
		if a.Actor == "auditor" {
			t.Errorf("the auditor changed something: %+v", a)
		}
	}
}

// TestDashboardMounted: the dashboard answers under "/" for a logged-in
// user and sends anyone else to /login.
func TestDashboardMounted(t *testing.T) {
	f := newFixture(t, sqliteEngine, nil)
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(f.ts.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode/100 != 3 || !strings.HasPrefix(resp.Header.Get("Location"), "/login") {
		t.Fatalf("GET / without a session: %d to %q; want a redirect to /login", resp.StatusCode, resp.Header.Get("Location"))
	}
	b := f.login("dwp-officer")
	code, body := b.do("GET", "/", nil, nil)
	if code != http.StatusOK || !strings.Contains(string(body), "<html") {
		t.Fatalf("GET / logged in: %d %.200s", code, body)
	}
}
