package api

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"concord/internal/auth"
)

// Route is one API route: its method, its path under /api, who may call it
// (enforced by the server's middleware, and the OpenAPI document's "who"), and
// its handler.
type Route struct {
	Method  string
	Path    string
	Who     auth.Audience
	Handler HandlerFunc
}

// Routes mounts every API route on r (already under /api and behind sign-in),
// wrapping each handler with adapt, which enforces the route's audience and
// renders returned errors.
func (a *API) Routes(r chi.Router, adapt func(auth.Audience, HandlerFunc) http.HandlerFunc) {
	for _, rt := range a.routes() {
		r.Method(rt.Method, rt.Path, adapt(rt.Who, rt.Handler))
	}
}

// routes is the API's routes table: every URL, in one place.
func (a *API) routes() []Route {
	return []Route{
		{"GET", "/openapi.json", auth.SignedIn, a.openAPI},
		{"GET", "/version", auth.SignedIn, a.version},
		{"GET", "/current-user/whoami", auth.SignedIn, a.whoami},
		{"GET", "/users", auth.Admin, a.listUsers},

		{"GET", "/projects", auth.SignedIn, a.listProjects},
		{"POST", "/projects", auth.Creator, a.createProject},
		{"GET", "/projects/{id}", auth.ProjectMember, a.getProject},
		{"PATCH", "/projects/{id}", auth.ProjectManager, a.updateProject},
		{"DELETE", "/projects/{id}", auth.ProjectManager, a.deleteProject},
		{"GET", "/projects/{id}/stats", auth.ProjectManager, a.stats},
		{"GET", "/projects/{id}/agreement", auth.ProjectManager, a.projectAgreement},
		{"GET", "/projects/{id}/annotators", auth.ProjectManager, a.annotators},
		{"GET", "/projects/{id}/pauses", auth.ProjectManager, a.listPauses},
		{"DELETE", "/projects/{id}/pauses/{user_id}", auth.ProjectManager, a.unpause},
		{"GET", "/projects/{id}/review", auth.ProjectManager, a.reviewQueue},
		{"GET", "/projects/{id}/models", auth.ProjectManager, a.listModels},
		{"POST", "/projects/{id}/models/train", auth.ProjectManager, a.trainModel},
		{"POST", "/projects/{id}/models/{version_id}/activate", auth.ProjectManager, a.activateModel},

		{"GET", "/projects/{id}/members", auth.ProjectManager, a.listMembers},
		{"POST", "/projects/{id}/members", auth.ProjectManager, a.addMember},
		{"DELETE", "/projects/{id}/members/{user_id}", auth.ProjectManager, a.removeMember},
		{"GET", "/projects/{id}/invitations", auth.ProjectManager, a.listInvitations},
		{"DELETE", "/projects/{id}/invitations/{invitation_id}", auth.ProjectManager, a.revokeInvitation},

		{"POST", "/projects/{id}/import", auth.ProjectManager, a.importTasks},
		{"POST", "/projects/{id}/import/predictions", auth.ProjectManager, a.importPredictions},
		{"GET", "/projects/{id}/tasks", auth.ProjectMember, a.projectTasks},
		{"POST", "/projects/{id}/validate", auth.ProjectManager, a.validateConfig},
		{"GET", "/projects/{id}/imports/{import_id}", auth.ProjectManager, a.getImport},

		{"GET", "/projects/{id}/export", auth.ProjectManager, a.exportNow},
		{"GET", "/projects/{id}/export/formats", auth.ProjectManager, a.exportFormats},
		{"GET", "/projects/{id}/exports", auth.ProjectManager, a.listExports},
		{"POST", "/projects/{id}/exports", auth.ProjectManager, a.createExport},
		{"GET", "/projects/{id}/exports/{eid}", auth.ProjectManager, a.getExport},
		{"GET", "/projects/{id}/exports/{eid}/download", auth.ProjectManager, a.downloadExport},
		{"DELETE", "/projects/{id}/exports/{eid}", auth.ProjectManager, a.deleteExport},
		{"GET", "/audit", auth.Admin, a.auditLog},

		{"GET", "/projects/{id}/next", auth.ProjectMember, a.next},
		{"GET", "/projects/{id}/history", auth.ProjectMember, a.history},

		{"GET", "/tasks", auth.ProjectMember, a.listTasks},
		{"POST", "/tasks", auth.ProjectManager, a.createTask},
		{"GET", "/tasks/{id}", auth.ProjectMember, a.getTask},
		{"PATCH", "/tasks/{id}", auth.ProjectManager, a.updateTask},
		{"GET", "/tasks/{id}/annotations", auth.ProjectMember, a.taskAnnotations},
		{"DELETE", "/tasks/{id}", auth.ProjectManager, a.deleteTask},
		{"GET", "/tasks/{id}/labeling", auth.ProjectMember, a.taskForLabeling},
		{"POST", "/tasks/{id}/annotations", auth.ProjectMember, a.createAnnotation},
		{"PUT", "/tasks/{id}/draft", auth.ProjectMember, a.saveDraft},
		{"GET", "/tasks/{id}/agreement", auth.ProjectManager, a.taskAgreement},
		{"GET", "/tasks/{id}/consensus", auth.ProjectManager, a.taskConsensus},
		{"POST", "/tasks/{id}/review", auth.ProjectManager, a.review},

		{"GET", "/annotations/{id}", auth.AnnotationOwner, a.getAnnotation},
		{"PATCH", "/annotations/{id}", auth.AnnotationOwner, a.updateAnnotation},
		{"DELETE", "/annotations/{id}", auth.AnnotationOwner, a.deleteAnnotation},
		{"PATCH", "/annotations/{id}/ground-truth", auth.ProjectManager, a.setGroundTruth},

		{"GET", "/webhooks", auth.ProjectManager, a.listWebhooks},
		{"POST", "/webhooks", auth.ProjectManager, a.createWebhook},
		{"DELETE", "/webhooks/{id}", auth.ProjectManager, a.deleteWebhook},

		{"GET", "/ml", auth.ProjectManager, a.listBackends},
		{"POST", "/ml", auth.ProjectManager, a.createBackend},
		{"POST", "/ml/{id}/train", auth.ProjectManager, a.trainBackend},
		{"GET", "/ml/{id}", auth.ProjectManager, a.getBackend},
		{"PATCH", "/ml/{id}", auth.ProjectManager, a.updateBackend},
		{"DELETE", "/ml/{id}", auth.ProjectManager, a.deleteBackend},
		{"POST", "/ml/{id}/predict", auth.ProjectManager, a.predictBackend},

		{"GET", "/dm/views", auth.ProjectManager, a.listViews},
		{"POST", "/dm/views", auth.ProjectManager, a.createView},
		{"GET", "/dm/views/{id}", auth.ProjectManager, a.getView},
		{"PATCH", "/dm/views/{id}", auth.ProjectManager, a.updateView},
		{"DELETE", "/dm/views/{id}", auth.ProjectManager, a.deleteView},

		{"POST", "/predictions", auth.ProjectManager, a.createPrediction},
		{"GET", "/predictions", auth.ProjectMember, a.listPredictions},
		{"GET", "/predictions/{id}", auth.ProjectMember, a.getPrediction},
		{"PATCH", "/predictions/{id}", auth.ProjectManager, a.updatePrediction},
		{"DELETE", "/predictions/{id}", auth.ProjectManager, a.deletePrediction},
	}
}
