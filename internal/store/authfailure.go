package store

import (
	"context"
	"time"
)

// Kinds of authentication failure.
const (
	FailedPassword = "password" // a failed browser sign-in
	FailedToken    = "token"    // a wrong API token (email is empty)
)

// FailureTally is how many failures a key has had since some time, and when
// the last one was.
type FailureTally struct {
	Count int
	Last  time.Time
}

// RecordAuthFailure notes a failed sign-in or a wrong token at time at.
func (s *Store) RecordAuthFailure(ctx context.Context, kind, email, ip string, at time.Time) error {
	_, err := s.db.Exec(ctx, `INSERT INTO auth_failures (kind, email, ip, created_at) VALUES ($1, $2, $3, $4)`, kind, email, ip, at)
	return wrap("record auth failure", err)
}

// AuthFailures tallies the failures of a kind since a time: those of the
// (e-mail, address) pair, and those of the address whatever the e-mail.
func (s *Store) AuthFailures(ctx context.Context, kind, email, ip string, since time.Time) (pair, addr FailureTally, err error) {
	var pairLast, addrLast *time.Time
	err = s.db.QueryRow(ctx, `
		SELECT count(*) FILTER (WHERE lower(email) = lower($2)), max(created_at) FILTER (WHERE lower(email) = lower($2)),
		       count(*), max(created_at)
		FROM auth_failures
		WHERE kind = $1 AND ip = $3 AND created_at > $4`,
		kind, email, ip, since).Scan(&pair.Count, &pairLast, &addr.Count, &addrLast)
	if pairLast != nil {
		pair.Last = *pairLast
	}
	if addrLast != nil {
		addr.Last = *addrLast
	}
	return pair, addr, wrap("auth failures", err)
}

// ClearAuthFailures forgets the failed sign-ins of one (e-mail, address) pair
// after a successful sign-in from it; other addresses keep theirs.
func (s *Store) ClearAuthFailures(ctx context.Context, email, ip string) error {
	_, err := s.db.Exec(ctx, `DELETE FROM auth_failures WHERE kind = 'password' AND lower(email) = lower($1) AND ip = $2`, email, ip)
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
