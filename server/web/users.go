package web

import (
	"crypto/sha256"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/embargo-dev/embargo/store"
)

type usersPage struct {
	Page
	Users   []store.User
	Revoked bool
}

// users lists the accounts, with what an admin may take back: an account
// (disabled, its sessions ended) and an enrolment token.
func (d *dashboard) users(w http.ResponseWriter, r *http.Request, v store.Viewer) error {
	if v.Role != store.Admin {
		return fmt.Errorf("only admins manage accounts: %w", store.ErrForbidden)
	}
	us, err := d.st.Users(r.Context(), v)
	if err != nil {
		return fmt.Errorf("listing the accounts: %w", err)
	}
	d.render(w, http.StatusOK, "users", usersPage{Page: d.page(r, v, "Users"), Users: us, Revoked: r.URL.Query().Get("revoked") == "1"})
	return nil
}

func (d *dashboard) disableUser(w http.ResponseWriter, r *http.Request, v store.Viewer) error {
	name := r.PathValue("username")
	if err := d.st.DisableUser(r.Context(), v, name, d.opts.Now()); err != nil {
		return fmt.Errorf("disabling %q: %w", name, err)
	}
	http.Redirect(w, r, "/users", http.StatusSeeOther)
	return nil
}

func (d *dashboard) revokeToken(w http.ResponseWriter, r *http.Request, v store.Viewer) error {
	token := strings.TrimSpace(r.PostForm.Get("token"))
	if token == "" {
		return fmt.Errorf("give the token to revoke: %w", errBadRequest)
	}
	sum := sha256.Sum256([]byte(token))
	if err := d.st.RevokeEnrollmentToken(r.Context(), v, sum[:]); err != nil {
		return fmt.Errorf("revoking the token: %w", err)
	}
	http.Redirect(w, r, "/users?"+url.Values{"revoked": {"1"}}.Encode(), http.StatusSeeOther)
	return nil
}
