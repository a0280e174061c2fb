package api

import (
	"net/http"
	"regexp"
	"sort"
	"strings"

	"github.com/go-chi/chi/v5"

	"concord/internal/auth"
)

// Who names who may call a route ("METHOD /path"), as its routes table
// declares it and the OpenAPI document says it; "" for no such route.
func Who(route string) string {
	for _, rt := range (*API)(nil).routes() {
		if rt.Method+" "+rt.Path == route {
			return rt.Who.String()
		}
	}
	return ""
}

// doc describes one API operation for the OpenAPI document.
type doc struct {
	summary  string
	lsCompat bool // Label Studio has the same path and payload
}

// docs describes every route of the routes table; TestOpenAPICoversRoutes
// fails when a route is missing here.
var docs = map[string]doc{
	"GET /current-user/whoami":                          {"The caller", true},
	"GET /users":                                        {"Every account", true},
	"GET /projects":                                     {"The projects the caller may see", true},
	"POST /projects":                                    {"Create a project (title, description, label_config, expert_instruction, maximum_annotations, sampling, …)", true},
	"GET /projects/{id}":                                {"A project, with parsed_label_config and task_number", true},
	"PATCH /projects/{id}":                              {"Change a project's settings", true},
	"DELETE /projects/{id}":                             {"Delete a project with its tasks and labels", true},
	"GET /projects/{id}/stats":                          {"Progress: tasks, completed, annotations today, per annotator", false},
	"GET /projects/{id}/agreement":                      {"The latest agreement report: every control (figures, intervals, standard errors, undefined ones with the reason), labels, annotators, pairs, the last failure; ?control=C&metric=M answers one figure, 422 when it does not fit", false},
	"GET /projects/{id}/pauses":                         {"Annotators paused for low accuracy on their last gold_pause_window gold tasks: accuracy, gold tasks, threshold, since when", false},
	"DELETE /projects/{id}/pauses/{user_id}":            {"Unpause an annotator (audited); their earlier gold answers no longer count toward a new pause", false},
	"GET /projects/{id}/annotators":                     {"Each annotator's throughput, lead time, agreement, gold accuracy, reliability", false},
	"GET /projects/{id}/review":                         {"The review queue, lowest agreement first; filters state, label, annotator, from, to, page, page_size", false},
	"GET /projects/{id}/models":                         {"The in-house model's versions with metrics", false},
	"POST /projects/{id}/models/train":                  {"Train the in-house model now", false},
	"POST /projects/{id}/models/{version_id}/activate":  {"Make a model version the active one and pre-label with it", false},
	"GET /projects/{id}/members":                        {"The project's members and roles", false},
	"POST /projects/{id}/members":                       {"Add a member or change a role: {email or user_id, role}", false},
	"DELETE /projects/{id}/members/{user_id}":           {"Remove a member", false},
	"POST /projects/{id}/import":                        {"Import tasks: a JSON body or multipart files; ?skip_invalid=true", true},
	"GET /projects/{id}/imports/{import_id}":            {"An import's status, progress and skipped records", false},
	"GET /projects/{id}/export":                         {"Stream an export: ?exportType=JSON|JSON_MIN|JSONL|CSV|TSV|CONLL2003|COCO|YOLO|VOC and filters", true},
	"GET /projects/{id}/exports":                        {"The project's background exports", false},
	"POST /projects/{id}/exports":                       {"Start a background export", true},
	"GET /projects/{id}/exports/{eid}":                  {"A background export's status and progress", true},
	"GET /projects/{id}/exports/{eid}/download":         {"Download a finished export", true},
	"GET /audit":                                        {"The audit log (exports and other sensitive actions)", false},
	"GET /projects/{id}/next":                           {"The caller's next task, reserved for them; ?exclude= ids", true},
	"GET /projects/{id}/history":                        {"The caller's own annotations, newest first; ?before=", false},
	"GET /tasks":                                        {"A project's tasks: ?project=, page and page_size, or after=", true},
	"POST /tasks":                                       {"Create a task: {project, data}", true},
	"GET /tasks/{id}":                                   {"A task", true},
	"DELETE /tasks/{id}":                                {"Delete a task", true},
	"GET /tasks/{id}/labeling":                          {"A task as the labeling page shows it (doc/labeling.md)", false},
	"POST /tasks/{id}/annotations":                      {"Submit an annotation; header Idempotency-Key", true},
	"PUT /tasks/{id}/draft":                             {"Autosave the caller's draft", false},
	"GET /tasks/{id}/agreement":                         {"A task's agreement and all its annotations side by side", false},
	"GET /tasks/{id}/consensus":                         {"Each classification control's consensus on the task: ground truth decides, else the majority; a tie is no consensus unless tie_seed draws one", false},
	"POST /tasks/{id}/review":                           {"Review an annotation: {annotation, action: accept|reject|fix, comment, result}", false},
	"GET /annotations/{id}":                             {"An annotation", true},
	"PATCH /annotations/{id}":                           {"Edit an annotation: {result, lead_time, was_cancelled}", true},
	"DELETE /annotations/{id}":                          {"Delete an annotation", true},
	"PATCH /annotations/{id}/ground-truth":              {"Mark an annotation as ground truth: {ground_truth}", false},
	"GET /webhooks":                                     {"A project's webhooks: ?project=", true},
	"POST /webhooks":                                    {"Add a webhook: {project, url, events}; deliveries are signed with its secret (X-Concord-Signature: sha256=HMAC)", true},
	"DELETE /webhooks/{id}":                             {"Remove a webhook", true},
	"GET /ml":                                           {"A project's ML backends: ?project=", true},
	"POST /ml":                                          {"Register an ML backend: {project, url, title}", true},
	"POST /ml/{id}/train":                               {"Send START_TRAINING to an ML backend", true},
	"POST /predictions":                                 {"Add a prediction: {task, result, score, model_version}", true},
	"GET /predictions":                                  {"A task's or a project's predictions: ?task= or ?project=", true},
	"GET /predictions/{id}":                             {"A prediction", true},
	"PATCH /predictions/{id}":                           {"Edit a prediction: any of {result, score, model_version}", true},
	"DELETE /predictions/{id}":                          {"Delete a prediction", true},
	"GET /openapi.json":                                 {"This document", false},
	"GET /version":                                      {"Concord's version, as Label Studio's /api/version (its clients ask it first)", true},
	"POST /projects/{id}/import/predictions":            {"Add many predictions of the project's tasks: [{task, result, score, model_version}]", true},
	"GET /projects/{id}/tasks":                          {"A page of the project's tasks with annotations and predictions, as a list", true},
	"POST /projects/{id}/validate":                      {"Check a label config: {label_config}", true},
	"GET /projects/{id}/export/formats":                 {"The export formats, those the config cannot fill disabled", true},
	"DELETE /projects/{id}/exports/{eid}":               {"Delete a background export and its file", true},
	"PATCH /tasks/{id}":                                 {"Replace a task's data: {data}", true},
	"GET /tasks/{id}/annotations":                       {"A task's annotations the caller may see", true},
	"GET /ml/{id}":                                      {"An ML backend", true},
	"PATCH /ml/{id}":                                    {"Change an ML backend's url or title (a new url is set up again)", true},
	"DELETE /ml/{id}":                                   {"Remove an ML backend and revoke its token", true},
	"POST /ml/{id}/predict":                             {"Ask an ML backend again for predictions on the unlabeled tasks", true},
	"GET /dm/views":                                     {"The project's saved task table views (?project=), Label Studio's shape: {id, project, data: {title, filters, ordering, hiddenColumns}}", true},
	"POST /dm/views":                                    {"Save a task table view: {project, data: {title, filters, ordering, hiddenColumns}}", true},
	"GET /dm/views/{id}":                                {"A saved task table view", true},
	"PATCH /dm/views/{id}":                              {"Replace a saved view's data: {data}", true},
	"DELETE /dm/views/{id}":                             {"Delete a saved view", true},
	"GET /projects/{id}/invitations":                    {"The project's invitation links, live or not (never their tokens)", false},
	"DELETE /projects/{id}/invitations/{invitation_id}": {"Revoke an unused invitation link", false},
}

// RouteList walks the routes table and returns "METHOD /path" for every API
// route (under /api), sorted.
func (a *API) RouteList() []string {
	r := chi.NewRouter()
	a.Routes(r, func(auth.Audience, HandlerFunc) http.HandlerFunc { return func(http.ResponseWriter, *http.Request) {} })
	var out []string
	chi.Walk(r, func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		out = append(out, method+" "+strings.TrimSuffix(route, "/"))
		return nil
	})
	sort.Strings(out)
	return out
}

var pathParam = regexp.MustCompile(`\{([a-z_]+)\}`)

// openAPI answers GET /api/openapi.json: an OpenAPI 3.1 document of every route.
func (a *API) openAPI(w http.ResponseWriter, r *http.Request) error {
	paths := map[string]map[string]any{}
	for _, rt := range a.RouteList() {
		method, path, _ := strings.Cut(rt, " ")
		d := docs[rt]
		op := map[string]any{
			"summary":     d.summary,
			"description": "Who may call it: " + Who(rt) + "." + map[bool]string{true: " Compatible with Label Studio's API.", false: ""}[d.lsCompat],
			"responses": map[string]any{
				"200": map[string]any{"description": "Success (201 for a creation, 204 without a body)"},
				"4XX": map[string]any{"description": `{"error": "...", "details": ...}`},
			},
		}
		var params []map[string]any
		for _, m := range pathParam.FindAllStringSubmatch(path, -1) {
			params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "schema": map[string]string{"type": "integer"}})
		}
		if params != nil {
			op["parameters"] = params
		}
		p := "/api" + path
		if paths[p] == nil {
			paths[p] = map[string]any{}
		}
		paths[p][strings.ToLower(method)] = op
	}
	return writeJSON(w, http.StatusOK, map[string]any{
		"openapi": "3.1.0",
		"info":    map[string]string{"title": "Concord API", "version": "1", "description": "Label Studio–compatible core plus Concord's own endpoints."},
		"components": map[string]any{"securitySchemes": map[string]any{
			"token":   map[string]string{"type": "apiKey", "in": "header", "name": "Authorization", "description": "Token <key>"},
			"session": map[string]string{"type": "apiKey", "in": "cookie", "name": "concord_session"},
		}},
		"security": []map[string][]string{{"token": {}}, {"session": {}}},
		"paths":    paths,
	})
}
