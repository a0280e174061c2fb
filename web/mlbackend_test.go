package web_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"concord/internal/config"
	"concord/internal/store"
)

// fakeBackend is a small Label Studio ML backend: it predicts "Positive" for
// every task and records the webhooks it receives.
type fakeBackend struct {
	*httptest.Server
	mu      sync.Mutex
	actions []string
}

func newFakeBackend(t *testing.T) *fakeBackend {
	b := &fakeBackend{}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /health", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"status": "UP", "model_class": "Fake"}`)
	})
	mux.HandleFunc("POST /setup", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"model_version": "fake-1"}`)
	})
	mux.HandleFunc("POST /predict", func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Tasks []json.RawMessage `json:"tasks"`
		}
		json.NewDecoder(r.Body).Decode(&req)
		var results []string
		for range req.Tasks {
			results = append(results, `{"result": [{"from_name": "sentiment", "to_name": "text", "type": "choices", "value": {"choices": ["Positive"]}}], "score": 0.8, "model_version": "fake-1"}`)
		}
		fmt.Fprintf(w, `{"results": [%s]}`, strings.Join(results, ","))
	})
	mux.HandleFunc("POST /webhook", func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			Action string `json:"action"`
		}
		json.NewDecoder(r.Body).Decode(&body)
		b.mu.Lock()
		b.actions = append(b.actions, body.Action)
		b.mu.Unlock()
		fmt.Fprint(w, `{"status": "ok"}`)
	})
	b.Server = httptest.NewServer(mux)
	t.Cleanup(b.Close)
	return b
}

func (b *fakeBackend) got(action string) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, a := range b.actions {
		if a == action {
			return true
		}
	}
	return false
}

// TestMLBackendPrivateNetwork checks a backend in a private range is refused
// unless an admin allowed that range.
func TestMLBackendPrivateNetwork(t *testing.T) {
	t.Parallel()
	b := newFakeBackend(t)
	e := newEnv(t)
	mgr := e.user("m@x.org", store.RoleManager)
	p := e.project(mgr, "p")
	var out map[string]any
	code := e.call(e.token(mgr), "POST", "/api/ml", map[string]any{"project": p.ID, "url": b.URL}, &out)
	if code != 422 || !strings.Contains(fmt.Sprint(out["error"]), "CONCORD_ALLOW_PRIVATE_NETWORKS") {
		t.Fatalf("a backend on loopback: %d %v, want 422 naming the setting", code, out)
	}
	if code := e.call(e.token(mgr), "POST", "/api/ml", map[string]any{"project": p.ID, "url": "file:///etc/passwd"}, nil); code != 422 {
		t.Fatalf("a file URL: %d, want 422", code)
	}
	for _, u := range []string{"http://[::ffff:7f00:1]:9090", "http://[64:ff9b::a9fe:a9fe]/", "http://[2002:a00:5::1]/"} {
		if code := e.call(e.token(mgr), "POST", "/api/ml", map[string]any{"project": p.ID, "url": u}, &out); code != 422 {
			t.Fatalf("a backend at %s: %d %v, want 422", u, code, out)
		}
	}
}

// TestMLBackendErrorsHideTheNetwork checks a backend that cannot be reached
// is reported without the resolver's or the dialed address.
func TestMLBackendErrorsHideTheNetwork(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(c *config.Config) { c.AllowPrivate = "127.0.0.0/8" })
	mgr := e.user("m@x.org", store.RoleManager)
	p := e.project(mgr, "p")
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	port := closed.URL[strings.LastIndex(closed.URL, ":")+1:]
	for url, want := range map[string]string{
		"http://nonexistent.invalid/": "nonexistent.invalid",
		closed.URL:                    "the connection failed (connection refused)",
	} {
		var out map[string]any
		code := e.call(e.token(mgr), "POST", "/api/ml", map[string]any{"project": p.ID, "url": url}, &out)
		msg := fmt.Sprint(out["error"])
		if code != 502 || !strings.Contains(msg, want) {
			t.Fatalf("a backend at %s: %d %q, want 502 with %q", url, code, msg, want)
		}
		for _, leak := range []string{":53", "lookup", "dial", "127.0.0.1", port} {
			if strings.Contains(msg, leak) {
				t.Errorf("a backend at %s: message %q shows %q", url, msg, leak)
			}
		}
	}
}

// TestMLBackend registers a backend (allowed on loopback): its predictions
// reach the tasks, annotations reach its webhook, and Train sends START_TRAINING.
func TestMLBackend(t *testing.T) {
	t.Parallel()
	b := newFakeBackend(t)
	e := newEnv(t, func(c *config.Config) { c.AllowPrivate = "127.0.0.0/8" })
	mgr := e.user("m@x.org", store.RoleManager)
	tok := e.token(mgr)
	p := e.project(mgr, "p")
	for i := 0; i < 3; i++ {
		e.call(tok, "POST", "/api/tasks", map[string]any{"project": p.ID, "data": map[string]any{"text": fmt.Sprint("t", i)}}, nil)
	}
	var ml struct {
		ID           int64  `json:"id"`
		ModelVersion string `json:"model_version"`
	}
	if code := e.call(tok, "POST", "/api/ml", map[string]any{"project": p.ID, "url": b.URL, "title": "fake"}, &ml); code != 201 || ml.ModelVersion != "fake-1" {
		t.Fatalf("register: %d %+v", code, ml)
	}
	var n int
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline) && n < 3; time.Sleep(100 * time.Millisecond) {
		e.store.Pool.QueryRow(t.Context(), `SELECT count(*) FROM predictions WHERE project_id = $1 AND model_version = 'fake-1'`, p.ID).Scan(&n)
	}
	if n != 3 {
		t.Fatalf("%d tasks got the backend's predictions, want 3", n)
	}
	var lt labelingTask
	e.call(tok, "GET", fmt.Sprintf("/api/projects/%d/next", p.ID), nil, &lt)
	e.submit(tok, lt.Task.ID, "w", map[string]any{"result": choice("Negative")})
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline) && !b.got("ANNOTATION_CREATED"); time.Sleep(100 * time.Millisecond) {
	}
	if !b.got("ANNOTATION_CREATED") {
		t.Fatal("the backend's webhook never heard of the annotation")
	}
	if code := e.call(tok, "POST", fmt.Sprintf("/api/ml/%d/train", ml.ID), nil, nil); code != 200 || !b.got("START_TRAINING") {
		t.Fatalf("train: %d, webhook actions %v", code, b.actions)
	}
}
