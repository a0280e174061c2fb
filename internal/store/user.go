package store

import (
	"context"
	"strconv"
	"time"
)

// Roles a user can hold across Concord.
const (
	RoleAdmin     = "admin"
	RoleManager   = "manager"
	RoleAnnotator = "annotator"
)

// User is an account.
type User struct {
	ID           int64      `db:"id"`
	Email        string     `db:"email"`
	Name         string     `db:"name"`
	PasswordHash string     `db:"password_hash"`
	Role         string     `db:"role"`
	DisabledAt   *time.Time `db:"disabled_at"`
	LastLoginAt  *time.Time `db:"last_login_at"`
	CreatedAt    time.Time  `db:"created_at"`
	Kind         string     `db:"kind"` // KindAccount, KindExternal or KindMLBackend
	// AuthVersion moves when the password changes or the account is disabled:
	// a session made under another version no longer counts.
	AuthVersion int `db:"auth_version"`
}

// The kinds of user: an account signs in; an external annotator (named in an
// imported Label Studio export) and an ML backend's identity belong to one
// project and cannot sign in.
const (
	KindAccount   = "account"
	KindExternal  = "external"
	KindMLBackend = "ml_backend"
)

const userColumns = `id, email, name, password_hash, role, disabled_at, last_login_at, created_at, kind, auth_version`

// CreateUser adds an account; a taken e-mail (case-insensitive) is ErrConflict.
func (s *Store) CreateUser(ctx context.Context, email, name, passwordHash, role string) (User, error) {
	u, err := one[User](s.db.Query(ctx, `
		INSERT INTO users (email, name, password_hash, role) VALUES ($1, $2, $3, $4)
		RETURNING `+userColumns, email, name, passwordHash, role))
	return u, wrap("create user", err)
}

// UserByID finds an account by id.
func (s *Store) UserByID(ctx context.Context, id int64) (User, error) {
	u, err := one[User](s.db.Query(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1`, id))
	return u, wrap("user by id", err)
}

// UserByEmail finds an account by e-mail, ignoring case.
func (s *Store) UserByEmail(ctx context.Context, email string) (User, error) {
	u, err := one[User](s.db.Query(ctx, `SELECT `+userColumns+` FROM users WHERE lower(email) = lower($1) AND kind = 'account'`, email))
	return u, wrap("user by email", err)
}

// Users lists every account by id.
func (s *Store) Users(ctx context.Context) ([]User, error) {
	us, err := all[User](s.db.Query(ctx, `SELECT `+userColumns+` FROM users WHERE kind = 'account' ORDER BY id`))
	return us, wrap("users", err)
}

// CountUsers counts the accounts.
func (s *Store) CountUsers(ctx context.Context) (int, error) {
	var n int
	err := s.db.QueryRow(ctx, `SELECT count(*) FROM users`).Scan(&n)
	return n, wrap("count users", err)
}

// SetUserRole changes an account's role.
func (s *Store) SetUserRole(ctx context.Context, id int64, role string) error {
	err := mustAffect(s.db.Exec(ctx, `UPDATE users SET role = $2 WHERE id = $1`, id, role))
	s.accessChanged(id)
	return wrap("set user role", err)
}

// SetUserPassword replaces an account's password hash.
func (s *Store) SetUserPassword(ctx context.Context, id int64, passwordHash string) error {
	err := mustAffect(s.db.Exec(ctx, `UPDATE users SET password_hash = $2 WHERE id = $1`, id, passwordHash))
	s.accessChanged(id)
	return wrap("set user password", err)
}

// TouchLogin records a successful sign-in.
func (s *Store) TouchLogin(ctx context.Context, id int64) error {
	return wrap("touch login", mustAffect(s.db.Exec(ctx, `UPDATE users SET last_login_at = now() WHERE id = $1`, id)))
}

// SetUserDisabled disables an account (its sessions and tokens stop working at
// once) or enables it again.
func (s *Store) SetUserDisabled(ctx context.Context, id int64, disabled bool) error {
	err := mustAffect(s.db.Exec(ctx, `
		UPDATE users SET disabled_at = CASE WHEN $2 THEN coalesce(disabled_at, now()) END WHERE id = $1`, id, disabled))
	s.accessChanged(id)
	return wrap("set user disabled", err)
}

// AccessChannel is the notification channel on which a user's id is sent
// whenever their access changes (see migration 000012 and NotifyAccess).
const AccessChannel = "concord_access"

// NotifyAccess announces that userID's access changed in a way the database
// cannot see (a signed-out session), so that live connections re-check it.
func (s *Store) NotifyAccess(ctx context.Context, userID int64) error {
	_, err := s.Pool.Exec(ctx, `SELECT pg_notify($1, $2)`, AccessChannel, strconv.FormatInt(userID, 10))
	return wrap("notify access", err)
}
