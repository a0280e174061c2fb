package web

import (
	"io/fs"
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"concord/internal/auth"
	"concord/static"
	"concord/web/problem"
)

// Handler is every URL Concord serves, in one table. Each page declares its
// audience (auth.Audience), which adapt enforces before the handler runs.
func (s *Server) Handler() http.Handler {
	r := chi.NewRouter()
	r.Use(s.deadlines, middleware.RequestID, s.logRequests, s.metrics.observe, s.recoverPanics, s.securityHeaders,
		middleware.Compress(5, "text/html", "text/css", "text/javascript", "application/javascript", "application/json"))

	r.Get("/healthz", s.healthz)
	r.Get("/health", s.health)
	r.Get("/readyz", s.readyz)
	r.Handle("/metrics", s.metricsHandler())
	staticFS, _ := fs.Sub(static.FS, ".")
	r.Handle("/static/*", http.StripPrefix("/static/", staticFiles(staticFS)))

	r.Group(func(r chi.Router) {
		r.Use(s.sessions.LoadAndSave, s.authenticate, s.csrf)

		r.Get("/signin", s.adapt(auth.Anyone, s.signInPage))
		r.Post("/signin", s.adapt(auth.Anyone, s.signIn))
		r.Post("/signout", s.adapt(auth.Anyone, s.signOut))

		// Browser pages: signed-in users only.
		r.Group(func(r chi.Router) {
			r.Use(s.requirePageUser)
			r.Get("/", http.RedirectHandler("/projects", http.StatusSeeOther).ServeHTTP)
			r.Get("/projects", s.adapt(auth.SignedIn, s.projectsPage))
			r.Get("/projects/new", s.adapt(auth.Creator, s.newProjectPage))
			r.Post("/projects", s.adapt(auth.Creator, s.createProject))
			r.Get("/projects/{id}", s.adapt(auth.ProjectMember, s.projectPage))
			r.Get("/projects/{id}/settings", s.adapt(auth.ProjectManager, s.projectSettingsPage))
			r.Post("/projects/{id}/settings", s.adapt(auth.ProjectManager, s.updateProject))
			r.Post("/projects/{id}/delete", s.adapt(auth.ProjectManager, s.deleteProject))
			r.Get("/projects/{id}/members", s.adapt(auth.ProjectManager, s.membersPage))
			r.Post("/projects/{id}/members", s.adapt(auth.ProjectManager, s.addMember))
			r.Post("/projects/{id}/members/{user_id}/delete", s.adapt(auth.ProjectManager, s.removeMember))
			r.Post("/projects/{id}/invitations", s.adapt(auth.ProjectManager, s.invite))
			r.Get("/invite/{token}", s.adapt(auth.SignedIn, s.invitationPage))
			r.Post("/invite/{token}", s.adapt(auth.SignedIn, s.acceptInvitation))
			r.Get("/projects/{id}/label", s.adapt(auth.ProjectMember, s.labelPage))
			r.Get("/projects/{id}/import", s.adapt(auth.ProjectManager, s.importPage))
			r.Get("/projects/{id}/jobs", s.adapt(auth.ProjectManager, s.jobsPage))
			r.Get("/projects/{id}/models", s.adapt(auth.ProjectManager, s.modelsPage))
			r.Post("/projects/{id}/models/train", s.adapt(auth.ProjectManager, s.trainNow))
			r.Post("/projects/{id}/models/{version_id}/activate", s.adapt(auth.ProjectManager, s.activateModel))
			r.Get("/projects/{id}/tasks", s.adapt(auth.ProjectManager, s.tasksPage))
			r.Post("/projects/{id}/tasks/bulk", s.adapt(auth.ProjectManager, s.bulkTasks))
			r.Get("/projects/{id}/tasks/{task_id}", s.adapt(auth.ProjectManager, s.taskDetailPage))
			r.Get("/projects/{id}/review", s.adapt(auth.ProjectManager, s.reviewPage))
			r.Get("/projects/{id}/review/{task_id}", s.adapt(auth.ProjectManager, s.reviewTaskPage))
			r.Post("/projects/{id}/review/{task_id}", s.adapt(auth.ProjectManager, s.reviewTaskPost))
			r.Get("/projects/{id}/quality", s.adapt(auth.ProjectManager, s.qualityPage))
			r.Post("/projects/{id}/quality/unpause", s.adapt(auth.ProjectManager, s.unpausePost))
			r.Post("/projects/{id}/import", s.adapt(auth.ProjectManager, s.importFiles))
			r.Get("/projects/{id}/export", s.adapt(auth.ProjectManager, s.exportPage))
			r.Post("/projects/{id}/exports", s.adapt(auth.ProjectManager, s.queueExport))
			r.Get("/media/{hash}", s.adapt(auth.SignedIn, s.mediaFile))
			r.Get("/media/{hash}/peaks", s.adapt(auth.SignedIn, s.mediaPeaks))
			r.Get("/projects/{id}/webhooks", s.adapt(auth.ProjectManager, s.webhooksPage))
			r.Post("/projects/{id}/webhooks", s.adapt(auth.ProjectManager, s.addWebhook))
			r.Post("/projects/{id}/webhooks/{webhook_id}/delete", s.adapt(auth.ProjectManager, s.deleteWebhook))
			r.Get("/admin/users", s.adapt(auth.Admin, s.usersPage))
			r.Post("/admin/users", s.adapt(auth.Admin, s.createUser))
			r.Post("/admin/users/{user_id}/{action}", s.adapt(auth.Admin, s.userAction))
			r.Get("/account", s.adapt(auth.SignedIn, s.accountPage))
			r.Post("/account/tokens", s.adapt(auth.SignedIn, s.createToken))
			r.Post("/account/tokens/{id}/revoke", s.adapt(auth.SignedIn, s.revokeToken))
			r.Post("/account/password", s.adapt(auth.SignedIn, s.changePassword))
		})

		// Live events over a websocket, for signed-in users or API tokens.
		r.With(s.requireAPIUser).Get("/ws", s.adapt(auth.SignedIn, s.websocket))

		// The JSON API: signed-in users or API tokens; its own routes table.
		r.Route("/api", func(r chi.Router) {
			r.Use(middleware.StripSlashes, s.requireAPIUser)
			r.NotFound(s.adapt(auth.SignedIn, func(w http.ResponseWriter, r *http.Request) error { return problem.NotFound("API path") }))
			r.MethodNotAllowed(s.adapt(auth.SignedIn, func(w http.ResponseWriter, r *http.Request) error { return methodNotAllowed }))
			s.api.Routes(r, s.adaptAPI)
		})
	})
	r.NotFound(s.sessions.LoadAndSave(s.authenticate(s.adapt(auth.Anyone, func(w http.ResponseWriter, r *http.Request) error {
		return notFound
	}))).ServeHTTP)
	return r
}
