package store

import (
	"context"
	"time"
)

// RecordAuthFailure notes a failed sign-in for throttling.
func (s *Store) RecordAuthFailure(ctx context.Context, email, ip string) error {
	_, err := s.db.Exec(ctx, `INSERT INTO auth_failures (email, ip) VALUES ($1, $2)`, email, ip)
	return wrap("record auth failure", err)
}

// AuthFailures counts the failed sign-ins for an e-mail and for a client address
// within the last window.
func (s *Store) AuthFailures(ctx context.Context, email, ip string, window time.Duration) (byEmail, byIP int, err error) {
	err = s.db.QueryRow(ctx, `
		SELECT count(*) FILTER (WHERE lower(email) = lower($1)), count(*) FILTER (WHERE ip = $2)
		FROM auth_failures
		WHERE created_at > now() - $3::interval AND (lower(email) = lower($1) OR ip = $2)`,
		email, ip, window).Scan(&byEmail, &byIP)
	return byEmail, byIP, wrap("auth failures", err)
}

// ClearAuthFailures forgets an e-mail's failures after a successful sign-in.
func (s *Store) ClearAuthFailures(ctx context.Context, email string) error {
	_, err := s.db.Exec(ctx, `DELETE FROM auth_failures WHERE lower(email) = lower($1)`, email)
	return wrap("clear auth failures", err)
}

// PruneExpired deletes expired sessions and sign-in failures older than keep.
func (s *Store) PruneExpired(ctx context.Context, keep time.Duration) (int64, error) {
	var n int64
	err := s.Transact(ctx, func(tx *Store) error {
		a, err := tx.db.Exec(ctx, `DELETE FROM sessions WHERE expiry < now()`)
		if err != nil {
			return err
		}
		b, err := tx.db.Exec(ctx, `DELETE FROM auth_failures WHERE created_at < now() - $1::interval`, keep)
		n = a.RowsAffected() + b.RowsAffected()
		return err
	})
	return n, wrap("prune expired", err)
}
