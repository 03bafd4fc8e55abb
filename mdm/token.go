package mdm

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// oauthClient holds an OAuth 2.0 access token got with the client
// credentials grant (RFC 6749 section 4.4), as Microsoft Entra, Jamf Pro
// and the Workspace ONE token service issue them: a form POST of
// grant_type=client_credentials, client_id, client_secret (and, for
// Entra, scope) answered by {"access_token", "token_type", "expires_in"}.
// The token is renewed before it expires and when a server refuses it.
type oauthClient struct {
	tokens   *client // no authorisation of its own
	tokenURL string
	clientID string
	secret   secret
	scope    string      // "" for none
	extra    http.Header // sent with every API request (aw-tenant-code)
	now      func() time.Time
	red      *redactor
	st       *stats

	token  secret
	expiry time.Time // zero: unknown, renewed only when refused
	skew   time.Duration
}

func (o *oauthClient) authorize(ctx context.Context, req *http.Request) error {
	if o.token.value() == "" || (!o.expiry.IsZero() && !o.now().Before(o.expiry.Add(-o.skew))) {
		if err := o.fetch(ctx); err != nil {
			return err
		}
	}
	req.Header.Set("Authorization", "Bearer "+o.token.value())
	for k, v := range o.extra {
		req.Header[k] = v
	}
	return nil
}

func (o *oauthClient) renew(ctx context.Context) (bool, error) {
	o.token = secret{}
	return true, o.fetch(ctx)
}

type tokenResponse struct {
	AccessToken string          `json:"access_token"`
	TokenType   string          `json:"token_type"`
	ExpiresIn   json.RawMessage `json:"expires_in"`
}

// fetch gets a new token. The secret goes in the form body only.
func (o *oauthClient) fetch(ctx context.Context) error {
	what := "token request to " + o.tokenURL
	resp, err := o.tokens.do(ctx, what, func() (*http.Request, error) {
		form := url.Values{
			"grant_type":    {"client_credentials"},
			"client_id":     {o.clientID},
			"client_secret": {o.secret.value()},
		}
		if o.scope != "" {
			form.Set("scope", o.scope)
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, o.tokenURL, strings.NewReader(form.Encode()))
		if err != nil {
			return nil, err
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Accept", "application/json")
		return req, nil
	})
	if err != nil {
		return fmt.Errorf("getting an access token: %w", err)
	}
	var tr tokenResponse
	if err := json.Unmarshal(resp.body, &tr); err != nil {
		return fmt.Errorf("%s: the answer is not a token response: %v", what, err)
	}
	if tr.AccessToken == "" {
		return fmt.Errorf("%s: the answer has no access_token", what)
	}
	if tr.TokenType != "" && !strings.EqualFold(tr.TokenType, "bearer") {
		return fmt.Errorf("%s: token_type %q, want Bearer", what, tr.TokenType)
	}
	o.red.add(tr.AccessToken)
	o.token = secret{v: tr.AccessToken}
	o.st.TokenFetches++
	o.expiry, o.skew = time.Time{}, 0
	if secs, ok := expiresIn(tr.ExpiresIn); ok {
		life := time.Duration(secs) * time.Second
		o.expiry = o.now().Add(life)
		o.skew = min(time.Minute, life/4)
	}
	return nil
}

// expiresIn reads expires_in, a number of seconds; some servers write it
// as a string.
func expiresIn(raw json.RawMessage) (int64, bool) {
	s := strings.Trim(string(raw), `"`)
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 || n > 366*24*3600 {
		return 0, false
	}
	return n, true
}

// basicAuth is Workspace ONE's basic authentication: an administrator's
// user name and password, with the aw-tenant-code API key.
type basicAuth struct {
	username string
	password secret
	extra    http.Header
}

func (b *basicAuth) authorize(_ context.Context, req *http.Request) error {
	req.SetBasicAuth(b.username, b.password.value())
	for k, v := range b.extra {
		req.Header[k] = v
	}
	return nil
}

func (b *basicAuth) renew(context.Context) (bool, error) { return false, nil }
