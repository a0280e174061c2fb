package web

import (
	"context"
	"net/http"
	"strings"

	"concord/internal/app"
	"concord/internal/auth"
	"concord/internal/live"
)

// websocket connects a signed-in user (session or token) to live events of the
// projects they may see; the hub checks the Origin and each subscription, and
// checks again whenever the user's access changes (see live.AccessChannel):
// a websocket whose session was signed out, whose token was revoked, or whose
// user was disabled or changed password is closed; one whose user left a
// project is unsubscribed from it.
func (s *Server) websocket(w http.ResponseWriter, r *http.Request) error {
	u, _ := auth.UserFrom(r.Context())
	may := func(ctx context.Context, project int64) bool {
		_, _, err := app.Project(ctx, s.store, u, project, auth.ViewProject)
		return err == nil
	}
	key, byToken := strings.CutPrefix(r.Header.Get("Authorization"), "Token ")
	session := s.sessions.Token(r.Context())
	valid := func(ctx context.Context) bool {
		cur, err := s.store.UserByID(ctx, u.ID)
		if err != nil || cur.DisabledAt != nil || cur.AuthVersion != u.AuthVersion {
			return false
		}
		if byToken {
			owner, err := s.store.UserByTokenHash(ctx, auth.TokenHash(strings.TrimSpace(key)))
			return err == nil && owner.ID == u.ID
		}
		_, found, err := s.sessions.Store.Find(session)
		return err == nil && found
	}
	if err := s.hub.ServeUser(w, r, live.Access{User: u.ID, May: may, Valid: valid}); err != nil {
		// The upgrade has answered the client already: only log.
		s.log.Debug("websocket", "err", err, "user_id", u.ID)
	}
	return nil
}
