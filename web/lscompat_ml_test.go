package web_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"concord/internal/config"
	"concord/internal/store"
)

// recordedBackend answers as label-studio-ml-backend's sklearn_text_classifier
// answered Concord on 2026-12-02 (testdata/lscompat/ml-backend.jsonl) and keeps
// every request it gets, to check what Concord sends against what the real
// backend read.
type recordedBackend struct {
	*httptest.Server
	mu    sync.Mutex
	calls []backendCall
	empty bool // answer /predict with an empty list
}

type backendCall struct {
	Path string
	Body map[string]any
}

func newRecordedBackend(t *testing.T) *recordedBackend {
	b := &recordedBackend{}
	b.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(r.Body)
		var body map[string]any
		json.Unmarshal(raw, &body)
		b.mu.Lock()
		b.calls = append(b.calls, backendCall{r.URL.Path, body})
		empty := b.empty
		b.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/health":
			fmt.Fprint(w, `{"model_class":"SklearnTextClassifier","status":"UP"}`)
		case "/setup":
			fmt.Fprint(w, `{"model_version":"SklearnTextClassifier-v0.0.1"}`)
		case "/predict":
			if empty {
				fmt.Fprint(w, `{"results":[]}`)
				return
			}
			tasks, _ := body["tasks"].([]any)
			var results []any
			for range tasks {
				results = append(results, map[string]any{"model_version": "SklearnTextClassifier-v0.0.1", "score": 0.5,
					"result": []any{map[string]any{"from_name": "sentiment", "to_name": "text", "type": "choices", "value": map[string]any{"choices": []string{"neg"}}}}})
			}
			json.NewEncoder(w).Encode(map[string]any{"results": results})
		case "/webhook":
			w.WriteHeader(201)
			fmt.Fprint(w, `{"result":null,"status":"ok"}`)
		default:
			w.WriteHeader(404)
		}
	}))
	t.Cleanup(b.Close)
	return b
}

// waitFor returns the first call to path (after the first skip of them) for
// which ok holds, failing the test after 30 seconds.
func (b *recordedBackend) waitFor(t *testing.T, what, path string, ok func(map[string]any) bool) map[string]any {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		b.mu.Lock()
		calls := slices.Clone(b.calls)
		b.mu.Unlock()
		for _, c := range calls {
			if c.Path == path && ok(c.Body) {
				return c.Body
			}
		}
	}
	t.Fatalf("the backend never got %s", what)
	return nil
}

// predictsTask says a /predict body asks for task id.
func predictsTask(id int64) func(map[string]any) bool {
	return func(body map[string]any) bool {
		tasks, _ := body["tasks"].([]any)
		for _, task := range tasks {
			if m, _ := task.(map[string]any); m["id"] == float64(id) {
				return true
			}
		}
		return false
	}
}

// hasAction says a /webhook body carries action about annotation id (0: any)
// and names the annotation's project, which the backends' fit reads.
func hasAction(action string, id, project int64) func(map[string]any) bool {
	return func(body map[string]any) bool {
		a, _ := body["annotation"].(map[string]any)
		return body["action"] == action && a["project"] == float64(project) && (id == 0 || a["id"] == float64(id))
	}
}

// TestMLBackendProtocolRecorded replays the ML backend flows recorded with a
// real label-studio-ml-backend: /setup with CONCORD_BASE_URL and a token that
// only reads its project, /predict for the tasks there, for tasks imported
// later and on demand, ANNOTATION_CREATED/UPDATED/DELETED and START_TRAINING
// webhooks, an empty prediction list, and /api/ml/{id} GET, PATCH and DELETE.
func TestMLBackendProtocolRecorded(t *testing.T) {
	t.Parallel()
	b := newRecordedBackend(t)
	e := newEnv(t, func(c *config.Config) {
		c.AllowPrivate = "127.0.0.0/8"
		c.BaseURL = "https://concord.example.org"
	})
	mgr := e.user("m@x.org", store.RoleManager)
	key := e.token(mgr)
	config := `<View><Text name="text" value="$text"/><Choices name="sentiment" toName="text" choice="single"><Choice value="pos"/><Choice value="neg"/></Choices></View>`
	var p struct {
		ID int64 `json:"id"`
	}
	e.call(key, "POST", "/api/projects", map[string]any{"title": "ML backend", "label_config": config}, &p)
	other := e.project(mgr, "another project")
	var imp struct {
		TaskIDs []int64 `json:"task_ids"`
	}
	e.call(key, "POST", fmt.Sprintf("/api/projects/%d/import?return_task_ids=1", p.ID), []map[string]string{{"text": "I love it"}, {"text": "I hate it"}, {"text": "lovely"}}, &imp)
	var otherTask struct {
		ID int64 `json:"id"`
	}
	e.call(key, "POST", "/api/tasks", map[string]any{"project": other.ID, "data": map[string]string{"text": "elsewhere"}}, &otherTask)

	var ml struct {
		ID           int64  `json:"id"`
		ModelVersion string `json:"model_version"`
		State        string `json:"state"`
		Title        string `json:"title"`
	}
	if code := e.call(key, "POST", "/api/ml", map[string]any{"project": p.ID, "url": b.URL, "title": "sklearn"}, &ml); code != 201 || ml.ModelVersion != "SklearnTextClassifier-v0.0.1" {
		t.Fatalf("connect: %d %+v", code, ml)
	}

	// /setup: the public base URL (never this request's Host) and a token of the backend's own.
	setup := b.waitFor(t, "/setup", "/setup", func(map[string]any) bool { return true })
	token, _ := setup["access_token"].(string)
	if setup["hostname"] != "https://concord.example.org" || token == "" || token == key {
		t.Fatalf("/setup: hostname %v, access_token %q; want CONCORD_BASE_URL and a token of the backend's own", setup["hostname"], token)
	}
	code, _, body := e.lsDo(token, "GET", fmt.Sprintf("/api/tasks/%d", imp.TaskIDs[0]), "", "")
	want(t, "the backend's token reads its project's task", code, body, 200)
	code, _, body = e.lsDo(token, "GET", fmt.Sprintf("/api/tasks/%d", otherTask.ID), "", "")
	want(t, "the backend's token and another project's task", code, body, 404)
	code, _, body = e.lsDo(token, "POST", fmt.Sprintf("/api/tasks/%d/annotations", imp.TaskIDs[0]), "", `{"result": []}`)
	want(t, "the backend's token writing", code, body, 403)

	// /predict: the tasks there, then a task imported later, then on demand.
	b.waitFor(t, "/predict of the first tasks", "/predict", predictsTask(imp.TaskIDs[2]))
	var later struct {
		TaskIDs []int64 `json:"task_ids"`
	}
	e.call(key, "POST", fmt.Sprintf("/api/projects/%d/import?return_task_ids=1", p.ID), []map[string]string{{"text": "awful thing"}}, &later)
	b.waitFor(t, "/predict of a task imported after it was connected", "/predict", predictsTask(later.TaskIDs[0]))
	var n int
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline) && n < 4; time.Sleep(50 * time.Millisecond) {
		e.store.Pool.QueryRow(t.Context(), `SELECT count(DISTINCT task_id) FROM predictions WHERE project_id = $1 AND model_version = 'SklearnTextClassifier-v0.0.1'`, p.ID).Scan(&n)
	}
	if n != 4 {
		t.Fatalf("%d tasks have the backend's predictions, want 4", n)
	}
	b.mu.Lock()
	b.empty, b.calls = true, nil
	b.mu.Unlock()
	if code := e.call(key, "POST", fmt.Sprintf("/api/ml/%d/predict", ml.ID), nil, nil); code != 202 {
		t.Fatalf("predict on demand: %d", code)
	}
	b.waitFor(t, "/predict on demand", "/predict", predictsTask(imp.TaskIDs[0]))
	time.Sleep(200 * time.Millisecond) // let the job record the answer
	if e.call(key, "GET", fmt.Sprintf("/api/ml/%d/", ml.ID), nil, &ml); ml.State != "CO" {
		t.Fatalf("after an empty prediction list the backend is %q, want CO (connected)", ml.State)
	}

	// Webhooks: an annotation created, updated and deleted, then training.
	code, _, body = e.lsDo(key, "POST", fmt.Sprintf("/api/tasks/%d/annotations/", imp.TaskIDs[0]), "",
		`{"result": [{"from_name": "sentiment", "to_name": "text", "type": "choices", "value": {"choices": ["pos"]}}]}`)
	want(t, "annotate", code, body, 201)
	var ann struct {
		ID int64 `json:"id"`
	}
	decode(t, "annotate", body, &ann)
	created := b.waitFor(t, "ANNOTATION_CREATED", "/webhook", hasAction("ANNOTATION_CREATED", ann.ID, p.ID))
	if task, _ := created["task"].(map[string]any); task["id"] != float64(imp.TaskIDs[0]) || task["data"] == nil {
		t.Fatalf("ANNOTATION_CREATED carries task %v, want the task with its data", created["task"])
	}
	code, _, body = e.lsDo(key, "PATCH", fmt.Sprintf("/api/annotations/%d/", ann.ID), "",
		`{"result": [{"from_name": "sentiment", "to_name": "text", "type": "choices", "value": {"choices": ["neg"]}}]}`)
	want(t, "update the annotation", code, body, 200)
	b.waitFor(t, "ANNOTATION_UPDATED", "/webhook", hasAction("ANNOTATION_UPDATED", ann.ID, p.ID))
	code, _, body = e.lsDo(key, "DELETE", fmt.Sprintf("/api/annotations/%d/", ann.ID), "", "")
	want(t, "delete the annotation", code, body, 204)
	deleted := b.waitFor(t, "ANNOTATION_DELETED", "/webhook", hasAction("ANNOTATION_DELETED", ann.ID, p.ID))
	if task, _ := deleted["task"].(map[string]any); task["data"] == nil {
		t.Fatalf("ANNOTATION_DELETED carries task %v, want its data (the annotation is gone when it is sent)", deleted["task"])
	}
	if code := e.call(key, "POST", fmt.Sprintf("/api/ml/%d/train", ml.ID), nil, nil); code != 200 {
		t.Fatalf("train: %d", code)
	}
	training := b.waitFor(t, "START_TRAINING", "/webhook", hasAction("START_TRAINING", 0, p.ID))
	if project, _ := training["project"].(map[string]any); project["id"] != float64(p.ID) || project["label_config"] != config {
		t.Fatalf("START_TRAINING: project %v", training["project"])
	}

	// /api/ml/{id}: PATCH the title, DELETE, after which its token is dead.
	if code := e.call(key, "PATCH", fmt.Sprintf("/api/ml/%d", ml.ID), map[string]any{"title": "sklearn renamed", "is_interactive": false}, &ml); code != 200 || ml.Title != "sklearn renamed" {
		t.Fatalf("PATCH /api/ml/{id}: %d %+v", code, ml)
	}
	if code := e.call(key, "DELETE", fmt.Sprintf("/api/ml/%d/", ml.ID), nil, nil); code != 204 {
		t.Fatalf("DELETE /api/ml/{id}: %d", code)
	}
	if code := e.call(key, "GET", fmt.Sprintf("/api/ml/%d", ml.ID), nil, nil); code != 404 {
		t.Fatalf("GET a deleted backend: %d, want 404", code)
	}
	code, _, body = e.lsDo(token, "GET", fmt.Sprintf("/api/tasks/%d", imp.TaskIDs[0]), "", "")
	want(t, "a deleted backend's token", code, body, 401)
}
