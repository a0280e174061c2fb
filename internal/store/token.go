package store

import (
	"context"
	"time"
)

// Token is an API token; only its hash is stored.
type Token struct {
	ID         int64      `db:"id"`
	UserID     int64      `db:"user_id"`
	Prefix     string     `db:"prefix"`
	CreatedAt  time.Time  `db:"created_at"`
	LastUsedAt *time.Time `db:"last_used_at"`
	RevokedAt  *time.Time `db:"revoked_at"`
}

// CreateToken stores the hash of a new token for a user.
func (s *Store) CreateToken(ctx context.Context, userID int64, hash []byte, prefix string) (Token, error) {
	t, err := one[Token](s.db.Query(ctx, `
		INSERT INTO api_tokens (user_id, hash, prefix) VALUES ($1, $2, $3)
		RETURNING id, user_id, prefix, created_at, last_used_at, revoked_at`, userID, hash, prefix))
	return t, wrap("create token", err)
}

// UserByTokenHash finds the enabled user owning a live (unrevoked) token and
// records the token's use; on the pool, from this process's memory when it
// holds them (memoTTL): what revokes a token or changes its owner's access
// makes every process forget the owner (ForgetUser).
func (s *Store) UserByTokenHash(ctx context.Context, hash []byte) (User, error) {
	if s.tx != nil || s.tokens == nil {
		return s.userByTokenHash(ctx, hash)
	}
	return s.tokens.load(ctx, string(hash), func(ctx context.Context) (User, error) { return s.userByTokenHash(ctx, hash) })
}

// ForgetUser drops what this process remembers of a user's tokens (0: of
// every user's); live.Listen calls it for each concord_access notification,
// and with 0 after reconnecting.
func (s *Store) ForgetUser(id int64) {
	if s.tokens != nil {
		s.tokens.forget(func(_ string, u User) bool { return id == 0 || u.ID == id })
	}
}

// accessChanged makes this process forget a user's tokens once the change
// being written to their access (a token, their role, password or state) commits.
func (s *Store) accessChanged(id int64) {
	s.afterCommit(func() { s.ForgetUser(id) })
}

func (s *Store) userByTokenHash(ctx context.Context, hash []byte) (User, error) {
	// last_used_at is written at most once a minute, not on every request.
	u, err := one[User](s.db.Query(ctx, `
		WITH t AS (SELECT id, user_id, last_used_at FROM api_tokens WHERE hash = $1 AND revoked_at IS NULL),
		touch AS (
			UPDATE api_tokens SET last_used_at = now()
			WHERE id = (SELECT id FROM t) AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')
		)
		SELECT `+userColumns+` FROM users WHERE id = (SELECT user_id FROM t) AND disabled_at IS NULL`, hash))
	return u, wrap("user by token", err)
}

// Tokens lists a user's tokens, newest first.
func (s *Store) Tokens(ctx context.Context, userID int64) ([]Token, error) {
	ts, err := all[Token](s.db.Query(ctx, `
		SELECT id, user_id, prefix, created_at, last_used_at, revoked_at
		FROM api_tokens WHERE user_id = $1 ORDER BY id DESC`, userID))
	return ts, wrap("tokens", err)
}

// RevokeToken revokes one of a user's tokens.
func (s *Store) RevokeToken(ctx context.Context, userID, tokenID int64) error {
	err := mustAffect(s.db.Exec(ctx, `
		UPDATE api_tokens SET revoked_at = now() WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL`, tokenID, userID))
	s.accessChanged(userID)
	return wrap("revoke token", err)
}
