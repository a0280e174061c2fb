package web

import (
	"fmt"
	"net/http"
	"time"

	"concord/internal/store"
	"concord/web/problem"
)

// backoff is a growing delay: after free failures, the next attempt must
// wait first, then twice that after each further failure, up to max.
type backoff struct {
	free  int
	first time.Duration
	max   time.Duration
}

// Failures older than failureWindow are forgotten.
const failureWindow = time.Hour

var (
	// pairBackoff slows one address guessing one account's password; the
	// account's owner elsewhere is not slowed at all.
	pairBackoff = backoff{free: 3, first: time.Second, max: 5 * time.Minute}
	// addrBackoff slows one address trying passwords across many accounts.
	addrBackoff = backoff{free: 30, first: time.Second, max: 5 * time.Minute}
	// tokenBackoff slows wrong API tokens from one address; a valid token is
	// always accepted.
	tokenBackoff = backoff{free: 10, first: time.Second, max: 5 * time.Minute}
)

// wait is how long after now the next attempt must wait, given the failures so far.
func (b backoff) wait(t store.FailureTally, now time.Time) time.Duration {
	if t.Count < b.free {
		return 0
	}
	d := b.max
	if n := t.Count - b.free; n < 30 && b.first<<n < b.max {
		d = b.first << n
	}
	return max(t.Last.Add(d).Sub(now), 0)
}

// retryAfter is a wait in whole seconds, rounded up, as Retry-After wants it.
func retryAfter(d time.Duration) int {
	return int((d + time.Second - 1) / time.Second)
}

// wrongToken answers a wrong or revoked API token: 401, and the failure is
// counted against the address; once the address has sent too many, 429 with
// the wait, and the guess is not even counted. Only failures get here: a
// valid token is looked up first and always accepted.
func (s *Server) wrongToken(r *http.Request) error {
	ctx, ip, now := r.Context(), clientIP(r), s.now()
	_, addr, err := s.store.AuthFailures(ctx, store.FailedToken, "", ip, now.Add(-failureWindow))
	if err != nil {
		return err
	}
	if wait := tokenBackoff.wait(addr, now); wait > 0 {
		return &problem.Error{Status: http.StatusTooManyRequests, RetryAfter: wait,
			Msg: fmt.Sprintf("too many wrong API tokens from this address: wait %d seconds", retryAfter(wait))}
	}
	if err := s.store.RecordAuthFailure(ctx, store.FailedToken, "", ip, now); err != nil {
		return err
	}
	return problem.Unauthorized("invalid or revoked API token")
}
