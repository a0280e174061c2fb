package web

import (
	"io/fs"
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"concord/static"
)

// Handler is every URL Concord serves, in one table.
func (s *Server) Handler() http.Handler {
	r := chi.NewRouter()
	r.Use(middleware.RequestID, s.logRequests, s.metrics.observe, s.recoverPanics, s.securityHeaders,
		middleware.Compress(5, "text/html", "text/css", "text/javascript", "application/javascript", "application/json"))

	r.Get("/healthz", s.healthz)
	r.Get("/readyz", s.readyz)
	r.Handle("/metrics", s.metricsHandler())
	staticFS, _ := fs.Sub(static.FS, ".")
	r.Handle("/static/*", http.StripPrefix("/static/", staticFiles(staticFS)))

	r.Group(func(r chi.Router) {
		r.Use(s.sessions.LoadAndSave, s.authenticate, s.csrf)

		r.Get("/signin", s.adapt(s.signInPage))
		r.Post("/signin", s.adapt(s.signIn))
		r.Post("/signout", s.adapt(s.signOut))

		// Browser pages: signed-in users only.
		r.Group(func(r chi.Router) {
			r.Use(s.requirePageUser)
			r.Get("/", http.RedirectHandler("/projects", http.StatusSeeOther).ServeHTTP)
			r.Get("/projects", s.adapt(s.projectsPage))
			r.Get("/projects/new", s.adapt(s.newProjectPage))
			r.Post("/projects", s.adapt(s.createProject))
			r.Get("/projects/{id}", s.adapt(s.projectPage))
			r.Get("/projects/{id}/settings", s.adapt(s.projectSettingsPage))
			r.Post("/projects/{id}/settings", s.adapt(s.updateProject))
			r.Post("/projects/{id}/delete", s.adapt(s.deleteProject))
			r.Get("/projects/{id}/members", s.adapt(s.membersPage))
			r.Post("/projects/{id}/members", s.adapt(s.addMember))
			r.Post("/projects/{id}/members/{user_id}/delete", s.adapt(s.removeMember))
			r.Post("/projects/{id}/invitations", s.adapt(s.invite))
			r.Get("/invite/{token}", s.adapt(s.invitationPage))
			r.Post("/invite/{token}", s.adapt(s.acceptInvitation))
			r.Get("/projects/{id}/label", s.adapt(s.labelPage))
			r.Get("/projects/{id}/import", s.adapt(s.importPage))
			r.Get("/projects/{id}/jobs", s.adapt(s.jobsPage))
			r.Get("/projects/{id}/models", s.adapt(s.modelsPage))
			r.Post("/projects/{id}/models/train", s.adapt(s.trainNow))
			r.Post("/projects/{id}/models/{version_id}/activate", s.adapt(s.activateModel))
			r.Get("/projects/{id}/review", s.adapt(s.reviewPage))
			r.Get("/projects/{id}/review/{task_id}", s.adapt(s.reviewTaskPage))
			r.Post("/projects/{id}/review/{task_id}", s.adapt(s.reviewTaskPost))
			r.Get("/projects/{id}/quality", s.adapt(s.qualityPage))
			r.Post("/projects/{id}/import", s.adapt(s.importFiles))
			r.Get("/projects/{id}/export", s.adapt(s.exportPage))
			r.Post("/projects/{id}/exports", s.adapt(s.queueExport))
			r.Get("/media/{hash}", s.adapt(s.mediaFile))
			r.Get("/media/{hash}/peaks", s.adapt(s.mediaPeaks))
			r.Get("/projects/{id}/webhooks", s.adapt(s.webhooksPage))
			r.Post("/projects/{id}/webhooks", s.adapt(s.addWebhook))
			r.Post("/projects/{id}/webhooks/{webhook_id}/delete", s.adapt(s.deleteWebhook))
			r.Get("/admin/users", s.adapt(s.usersPage))
			r.Post("/admin/users", s.adapt(s.createUser))
			r.Post("/admin/users/{user_id}/{action}", s.adapt(s.userAction))
			r.Get("/account", s.adapt(s.accountPage))
			r.Post("/account/tokens", s.adapt(s.createToken))
			r.Post("/account/tokens/{id}/revoke", s.adapt(s.revokeToken))
			r.Post("/account/password", s.adapt(s.changePassword))
		})

		// Live events over a websocket, for signed-in users or API tokens.
		r.With(s.requireAPIUser).Get("/ws", s.adapt(s.websocket))

		// The JSON API: signed-in users or API tokens; its own routes table.
		r.Route("/api", func(r chi.Router) {
			r.Use(s.requireAPIUser)
			s.api.Routes(r, s.adaptAPI)
		})
	})
	r.NotFound(s.sessions.LoadAndSave(s.authenticate(s.adapt(func(w http.ResponseWriter, r *http.Request) error {
		return notFound
	}))).ServeHTTP)
	return r
}
