package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/embargo-dev/embargo/store"
)

// isUnique reports whether err is a unique-constraint violation, in
// either engine's codes.
func isUnique(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505"
}

// CreateUser adds a local account; admins only.
func (s *Store) CreateUser(ctx context.Context, v store.Viewer, u store.User) (store.User, error) {
	what := fmt.Sprintf("create user %q", u.Username)
	if err := adminOnly(v, what); err != nil {
		return store.User{}, err
	}
	switch {
	case u.Username == "" || len(u.Username) > 128:
		return store.User{}, fmt.Errorf("%s: %w: username must be 1-128 bytes", what, store.ErrInvalid)
	case !u.Role.Valid():
		return store.User{}, fmt.Errorf("%s: %w: unknown role %q", what, store.ErrInvalid, u.Role)
	case u.Role == store.Officer && u.Department == "":
		return store.User{}, fmt.Errorf("%s: %w: an officer needs a department", what, store.ErrInvalid)
	case u.Role != store.Officer && u.Department != "":
		return store.User{}, fmt.Errorf("%s: %w: only officers have a department", what, store.ErrInvalid)
	case u.PasswordHash == "":
		return store.User{}, fmt.Errorf("%s: %w: no password hash", what, store.ErrInvalid)
	}
	if u.Created.IsZero() {
		u.Created = time.Now()
	}
	u.Created = u.Created.UTC()
	u.FailedLogins = 0
	err := s.update(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, s.d.q(`INSERT INTO users (username, role, department, password_hash, created) VALUES (?, ?, ?, ?, ?) RETURNING id`),
			u.Username, string(u.Role), u.Department, u.PasswordHash, ts(u.Created)).Scan(&u.ID)
		if isUnique(err) {
			return fmt.Errorf("%w: username taken", store.ErrConflict)
		}
		if err != nil {
			return err
		}
		return s.audit(ctx, tx, actor(v), "user.create", u.Username, map[string]any{"id": u.ID, "role": u.Role, "department": u.Department})
	})
	if err != nil {
		return store.User{}, fmt.Errorf("%s: %w", what, err)
	}
	return u, nil
}

// userCols are the users' columns read (locked_until, from when five
// failures locked an account, is no longer used).
const userCols = `id, username, role, department, password_hash, created, failed_logins, disabled`

func scanUser(row interface{ Scan(...any) error }) (store.User, error) {
	var u store.User
	var role string
	var created, disabled int64
	err := row.Scan(&u.ID, &u.Username, &role, &u.Department, &u.PasswordHash, &created, &u.FailedLogins, &disabled)
	u.Role, u.Created, u.Disabled = store.Role(role), tm(created), tm(disabled)
	return u, err
}

func (s *Store) userWhere(ctx context.Context, cond string, arg any) (store.User, error) {
	var u store.User
	err := s.view(ctx, func(tx *sql.Tx) error {
		var err error
		u, err = scanUser(tx.QueryRowContext(ctx, s.d.q(`SELECT `+userCols+` FROM users WHERE `+cond), arg))
		if errors.Is(err, sql.ErrNoRows) {
			return store.ErrNotFound
		}
		return err
	})
	return u, err
}

// UserByName finds a user for login.
func (s *Store) UserByName(ctx context.Context, name string) (store.User, error) {
	u, err := s.userWhere(ctx, `username = ?`, name)
	if err != nil {
		return u, fmt.Errorf("user %q: %w", name, err)
	}
	return u, nil
}

// UserByID finds a session's user.
func (s *Store) UserByID(ctx context.Context, id int64) (store.User, error) {
	u, err := s.userWhere(ctx, `id = ?`, id)
	if err != nil {
		return u, fmt.Errorf("user %d: %w", id, err)
	}
	return u, nil
}

// Users lists the accounts v may see: all for admins and auditors, an
// officer's own department's for an officer.
func (s *Store) Users(ctx context.Context, v store.Viewer) ([]store.User, error) {
	cond, args := scope(v, "department")
	var out []store.User
	err := s.view(ctx, func(tx *sql.Tx) error {
		out = nil
		rows, err := tx.QueryContext(ctx, s.d.q(`SELECT `+userCols+` FROM users WHERE 1 = 1`+cond+` ORDER BY username`), args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			u, err := scanUser(rows)
			if err != nil {
				return err
			}
			out = append(out, u)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	return out, nil
}

// LoginFailed counts a failed login.
func (s *Store) LoginFailed(ctx context.Context, userID int64) error {
	err := s.update(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, s.d.q(`UPDATE users SET failed_logins = failed_logins + 1 WHERE id = ?`), userID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err == nil && n == 0 {
			return store.ErrNotFound
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("count failed login of user %d: %w", userID, err)
	}
	return nil
}

// LoginSucceeded clears the failure count.
func (s *Store) LoginSucceeded(ctx context.Context, userID int64) error {
	err := s.update(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, s.d.q(`UPDATE users SET failed_logins = 0 WHERE id = ?`), userID)
		return err
	})
	if err != nil {
		return fmt.Errorf("clear failed logins of user %d: %w", userID, err)
	}
	return nil
}
