package web

import (
	"context"
	"net/http"

	"concord/internal/app"
	"concord/internal/auth"
)

// websocket connects a signed-in user (session or token) to live events of the
// projects they may see; the hub checks the Origin and each subscription.
func (s *Server) websocket(w http.ResponseWriter, r *http.Request) error {
	u, _ := auth.UserFrom(r.Context())
	may := func(ctx context.Context, project int64) bool {
		_, _, err := app.Project(ctx, s.store, u, project, auth.ViewProject)
		return err == nil
	}
	if err := s.hub.Serve(w, r, may); err != nil {
		// The upgrade has answered the client already: only log.
		s.log.Debug("websocket", "err", err, "user_id", u.ID)
	}
	return nil
}
