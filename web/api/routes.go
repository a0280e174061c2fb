package api

import (
	"net/http"

	"github.com/go-chi/chi/v5"
)

// Routes mounts every API route on r (already under /api and behind sign-in),
// wrapping each handler with adapt, which renders returned errors.
func (a *API) Routes(r chi.Router, adapt func(HandlerFunc) http.HandlerFunc) {
	r.Get("/openapi.json", adapt(a.openAPI))
	r.Get("/current-user/whoami", adapt(a.whoami))
	r.Get("/users", adapt(a.listUsers))

	r.Get("/projects", adapt(a.listProjects))
	r.Post("/projects", adapt(a.createProject))
	r.Get("/projects/{id}", adapt(a.getProject))
	r.Patch("/projects/{id}", adapt(a.updateProject))
	r.Delete("/projects/{id}", adapt(a.deleteProject))
	r.Get("/projects/{id}/stats", adapt(a.stats))
	r.Get("/projects/{id}/agreement", adapt(a.projectAgreement))
	r.Get("/projects/{id}/annotators", adapt(a.annotators))
	r.Get("/projects/{id}/review", adapt(a.reviewQueue))
	r.Get("/projects/{id}/models", adapt(a.listModels))
	r.Post("/projects/{id}/models/train", adapt(a.trainModel))
	r.Post("/projects/{id}/models/{version_id}/activate", adapt(a.activateModel))

	r.Get("/projects/{id}/members", adapt(a.listMembers))
	r.Post("/projects/{id}/members", adapt(a.addMember))
	r.Delete("/projects/{id}/members/{user_id}", adapt(a.removeMember))

	r.Post("/projects/{id}/import", adapt(a.importTasks))
	r.Get("/projects/{id}/imports/{import_id}", adapt(a.getImport))

	r.Get("/projects/{id}/export", adapt(a.exportNow))
	r.Get("/projects/{id}/exports", adapt(a.listExports))
	r.Post("/projects/{id}/exports", adapt(a.createExport))
	r.Get("/projects/{id}/exports/{eid}", adapt(a.getExport))
	r.Get("/projects/{id}/exports/{eid}/download", adapt(a.downloadExport))
	r.Get("/audit", adapt(a.auditLog))

	r.Get("/projects/{id}/next", adapt(a.next))
	r.Get("/projects/{id}/history", adapt(a.history))

	r.Get("/tasks", adapt(a.listTasks))
	r.Post("/tasks", adapt(a.createTask))
	r.Get("/tasks/{id}", adapt(a.getTask))
	r.Delete("/tasks/{id}", adapt(a.deleteTask))
	r.Get("/tasks/{id}/labeling", adapt(a.taskForLabeling))
	r.Post("/tasks/{id}/annotations", adapt(a.createAnnotation))
	r.Put("/tasks/{id}/draft", adapt(a.saveDraft))
	r.Get("/tasks/{id}/agreement", adapt(a.taskAgreement))
	r.Post("/tasks/{id}/review", adapt(a.review))

	r.Get("/annotations/{id}", adapt(a.getAnnotation))
	r.Patch("/annotations/{id}", adapt(a.updateAnnotation))
	r.Delete("/annotations/{id}", adapt(a.deleteAnnotation))
	r.Patch("/annotations/{id}/ground-truth", adapt(a.setGroundTruth))

	r.Get("/webhooks", adapt(a.listWebhooks))
	r.Post("/webhooks", adapt(a.createWebhook))
	r.Delete("/webhooks/{id}", adapt(a.deleteWebhook))

	r.Get("/ml", adapt(a.listBackends))
	r.Post("/ml", adapt(a.createBackend))
	r.Post("/ml/{id}/train", adapt(a.trainBackend))

	r.Post("/predictions", adapt(a.createPrediction))
	r.Get("/predictions", adapt(a.listPredictions))
}
