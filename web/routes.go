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

// Handler is every URL Concord serves: the pages' table (Pages), the API's
// (web/api/routes.go) and the few around them. Each declares its audience
// (auth.Audience), which adapt enforces before the handler runs.
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
			for _, p := range s.Pages() {
				r.Method(p.Method, p.Path, s.adapt(p.Who, p.Handler))
			}
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

// Page is a browser page's URL, its audience and its handler.
type Page struct {
	Method  string
	Path    string
	Who     auth.Audience
	Handler func(http.ResponseWriter, *http.Request) error
}

// Pages is every page for signed-in users, in one table: each declares its
// audience, which TestPageAuthorizationMatrix checks.
func (s *Server) Pages() []Page {
	return []Page{
		{"GET", "/projects", auth.SignedIn, s.projectsPage},
		{"GET", "/projects/new", auth.Creator, s.newProjectPage},
		{"POST", "/projects", auth.Creator, s.createProject},
		{"GET", "/projects/{id}", auth.ProjectMember, s.projectPage},
		{"GET", "/projects/{id}/settings", auth.ProjectManager, s.projectSettingsPage},
		{"POST", "/projects/{id}/settings", auth.ProjectManager, s.updateProject},
		{"POST", "/projects/{id}/delete", auth.ProjectManager, s.deleteProject},
		{"GET", "/projects/{id}/members", auth.ProjectManager, s.membersPage},
		{"POST", "/projects/{id}/members", auth.ProjectManager, s.addMember},
		{"POST", "/projects/{id}/members/{user_id}/delete", auth.ProjectManager, s.removeMember},
		{"POST", "/projects/{id}/invitations", auth.ProjectManager, s.invite},
		{"GET", "/invite/{token}", auth.SignedIn, s.invitationPage},
		{"POST", "/invite/{token}", auth.SignedIn, s.acceptInvitation},
		{"GET", "/projects/{id}/label", auth.ProjectMember, s.labelPage},
		{"GET", "/projects/{id}/import", auth.ProjectManager, s.importPage},
		{"GET", "/projects/{id}/jobs", auth.ProjectManager, s.jobsPage},
		{"GET", "/projects/{id}/models", auth.ProjectManager, s.modelsPage},
		{"POST", "/projects/{id}/models/train", auth.ProjectManager, s.trainNow},
		{"POST", "/projects/{id}/models/{version_id}/activate", auth.ProjectManager, s.activateModel},
		{"GET", "/projects/{id}/tasks", auth.ProjectManager, s.tasksPage},
		{"POST", "/projects/{id}/tasks/bulk", auth.ProjectManager, s.bulkTasks},
		{"POST", "/projects/{id}/tasks/views", auth.ProjectManager, s.createView},
		{"POST", "/projects/{id}/tasks/views/{view_id}", auth.ProjectManager, s.updateView},
		{"POST", "/projects/{id}/tasks/views/{view_id}/delete", auth.ProjectManager, s.deleteView},
		{"POST", "/projects/{id}/tasks/columns", auth.ProjectManager, s.saveColumns},
		{"GET", "/projects/{id}/tasks/{task_id}", auth.ProjectManager, s.taskDetailPage},
		{"GET", "/projects/{id}/review", auth.ProjectManager, s.reviewPage},
		{"GET", "/projects/{id}/review/{task_id}", auth.ProjectManager, s.reviewTaskPage},
		{"POST", "/projects/{id}/review/{task_id}", auth.ProjectManager, s.reviewTaskPost},
		{"GET", "/projects/{id}/quality", auth.ProjectManager, s.qualityPage},
		{"POST", "/projects/{id}/quality/unpause", auth.ProjectManager, s.unpausePost},
		{"POST", "/projects/{id}/import", auth.ProjectManager, s.importFiles},
		{"GET", "/projects/{id}/export", auth.ProjectManager, s.exportPage},
		{"POST", "/projects/{id}/exports", auth.ProjectManager, s.queueExport},
		{"GET", "/media/{hash}", auth.SignedIn, s.mediaFile},
		{"GET", "/media/{hash}/peaks", auth.SignedIn, s.mediaPeaks},
		{"GET", "/projects/{id}/webhooks", auth.ProjectManager, s.webhooksPage},
		{"POST", "/projects/{id}/webhooks", auth.ProjectManager, s.addWebhook},
		{"POST", "/projects/{id}/webhooks/{webhook_id}/delete", auth.ProjectManager, s.deleteWebhook},
		{"GET", "/admin/users", auth.Admin, s.usersPage},
		{"POST", "/admin/users", auth.Admin, s.createUser},
		{"POST", "/admin/users/{user_id}/{action}", auth.Admin, s.userAction},
		{"GET", "/account", auth.SignedIn, s.accountPage},
		{"POST", "/account/tokens", auth.SignedIn, s.createToken},
		{"POST", "/account/tokens/{id}/revoke", auth.SignedIn, s.revokeToken},
		{"POST", "/account/password", auth.SignedIn, s.changePassword},
	}
}
