package web

import (
	"net/http"
	"sync"
	"time"
)

// maxTokenFailures wrong API tokens from one address within throttleWindow
// block that address's token requests until the window passes.
const maxTokenFailures = 30

// tokenGuard remembers the addresses blocked for guessing tokens. Failures are
// counted in PostgreSQL (shared by every process); the block itself is kept in
// memory, so that requests with good tokens cost no extra query.
type tokenGuard struct {
	mu    sync.Mutex
	until map[string]time.Time
}

func (g *tokenGuard) blocked(ip string) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	t, ok := g.until[ip]
	if ok && time.Now().After(t) {
		delete(g.until, ip)
		return false
	}
	return ok
}

func (g *tokenGuard) block(ip string, d time.Duration) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.until == nil {
		g.until = map[string]time.Time{}
	}
	g.until[ip] = time.Now().Add(d)
}

// wrongToken records a wrong API token and blocks its address once it has
// sent too many.
func (s *Server) wrongToken(r *http.Request, ip string) {
	ctx := r.Context()
	if err := s.store.RecordAuthFailure(ctx, "(api token)", ip); err != nil {
		s.log.Warn("record token failure", "err", err)
		return
	}
	if _, byIP, err := s.store.AuthFailures(ctx, "(api token)", ip, throttleWindow); err == nil && byIP >= maxTokenFailures {
		s.tokenGuards.block(ip, throttleWindow)
	}
}
