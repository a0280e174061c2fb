package backend

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"concord/internal/netguard"
)

// fakeBackend is a small Label Studio ML backend speaking the protocol of
// label-studio-ml-backend's api.py: it classifies a task's text as Positive
// when it contains "good", else Negative, and records what it is sent.
type fakeBackend struct {
	mu       sync.Mutex
	setups   []map[string]any
	predicts []map[string]any
	webhooks []map[string]any
	agents   []string
}

func (f *fakeBackend) record(list *[]map[string]any, r *http.Request, v map[string]any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	*list = append(*list, v)
	f.agents = append(f.agents, r.Header.Get("User-Agent"))
}

func (f *fakeBackend) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /health", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]any{"status": "UP", "model_class": "FakeModel"})
	})
	mux.HandleFunc("POST /setup", func(w http.ResponseWriter, r *http.Request) {
		body, ok := readJSON(w, r)
		if !ok {
			return
		}
		project, _ := body["project"].(string)
		if !strings.Contains(project, ".") || body["schema"] == "" {
			http.Error(w, "bad setup", 500) // api.py: data.get('project').split('.', 1)
			return
		}
		f.record(&f.setups, r, body)
		writeJSON(w, 200, map[string]any{"model_version": "fake-v1"})
	})
	mux.HandleFunc("POST /predict", func(w http.ResponseWriter, r *http.Request) {
		body, ok := readJSON(w, r)
		if !ok {
			return
		}
		if _, ok := body["params"].(map[string]any); !ok {
			http.Error(w, "AttributeError: 'NoneType' object has no attribute 'pop'", 500)
			return
		}
		f.record(&f.predicts, r, body)
		tasks, _ := body["tasks"].([]any)
		results := []any{}
		for _, t := range tasks {
			data, _ := t.(map[string]any)["data"].(map[string]any)
			text, _ := data["text"].(string)
			label := "Negative"
			if strings.Contains(text, "good") {
				label = "Positive"
			}
			results = append(results, map[string]any{
				"result": []any{map[string]any{
					"from_name": "sentiment", "to_name": "text", "type": "choices",
					"value": map[string]any{"choices": []string{label}},
				}},
				"score":         0.9,
				"model_version": "fake-v1",
			})
		}
		writeJSON(w, 200, map[string]any{"results": results})
	})
	mux.HandleFunc("POST /webhook", func(w http.ResponseWriter, r *http.Request) {
		body, ok := readJSON(w, r)
		if !ok {
			return
		}
		switch body["action"] {
		case "ANNOTATION_CREATED", "ANNOTATION_UPDATED", "ANNOTATION_DELETED", "START_TRAINING":
		default:
			writeJSON(w, 200, map[string]any{"status": "Unknown event"})
			return
		}
		project, _ := body["project"].(map[string]any)
		if project["id"] == nil || project["label_config"] == nil {
			http.Error(w, "KeyError: 'project'", 500)
			return
		}
		f.record(&f.webhooks, r, body)
		writeJSON(w, 201, map[string]any{"result": map[string]any{"trained": true}, "status": "ok"})
	})
	return mux
}

func readJSON(w http.ResponseWriter, r *http.Request) (map[string]any, bool) {
	if r.Header.Get("Content-Type") != "application/json" {
		http.Error(w, "want JSON", 415)
		return nil, false
	}
	var v map[string]any
	if err := json.NewDecoder(r.Body).Decode(&v); err != nil {
		http.Error(w, err.Error(), 400)
		return nil, false
	}
	return v, true
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// serve starts h on 127.0.0.1 for the test.
func serve(t *testing.T, h http.Handler) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// loopbackClient returns a netguard client with 127.0.0.0/8 allowed, as an admin would configure for a backend on the same machine.
func loopbackClient() *http.Client {
	return netguard.NewClient(netguard.Options{Allow: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}})
}

// fastOptions keeps retries and timeouts short for tests.
func fastOptions() Options {
	return Options{BackoffBase: time.Millisecond, BackoffMax: 5 * time.Millisecond, HealthTimeout: 2 * time.Second,
		SetupTimeout: 2 * time.Second, PredictTimeout: 2 * time.Second, WebhookTimeout: 2 * time.Second}
}

// newClient returns a client for srv through the loopback-allowing guard.
func newClient(t *testing.T, srv *httptest.Server, opts Options) *Client {
	t.Helper()
	c, err := New(srv.URL, loopbackClient(), opts)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
