package backend

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"concord/internal/netguard"
)

const sentimentConfig = `<View><Text name="text" value="$text"/><Choices name="sentiment" toName="text"><Choice value="Positive"/><Choice value="Negative"/></Choices></View>`

func TestProtocol(t *testing.T) {
	fb := &fakeBackend{}
	srv := serve(t, fb.handler())
	c := newClient(t, srv, fastOptions())
	ctx := context.Background()

	h, err := c.Health(ctx)
	if err != nil {
		t.Fatalf("Health: %v", err)
	}
	if h.Status != "UP" || h.ModelClass != "FakeModel" {
		t.Errorf("Health = %+v", h)
	}

	uid := ProjectUID(7, time.Unix(1700000000, 0))
	if uid != "7.1700000000" {
		t.Errorf("ProjectUID = %q", uid)
	}
	sr, err := c.Setup(ctx, SetupRequest{Project: uid, Schema: sentimentConfig, Hostname: "https://concord.example", AccessToken: "tok"})
	if err != nil {
		t.Fatalf("Setup: %v", err)
	}
	if sr.ModelVersion != "fake-v1" {
		t.Errorf("Setup model version = %q", sr.ModelVersion)
	}
	if got := fb.setups[0]; got["project"] != uid || got["schema"] != sentimentConfig ||
		got["hostname"] != "https://concord.example" || got["access_token"] != "tok" {
		t.Errorf("setup body = %v", got)
	}

	tasks := []any{
		json.RawMessage(`{"id": 1, "data": {"text": "a good film"}}`),
		map[string]any{"id": 2, "data": map[string]any{"text": "a dull film"}},
		json.RawMessage(`{"id": 3, "data": {"text": "good good"}}`),
	}
	preds, err := c.Predict(ctx, PredictRequest{Tasks: tasks, Project: uid, LabelConfig: sentimentConfig})
	if err != nil {
		t.Fatalf("Predict: %v", err)
	}
	if len(preds) != 3 {
		t.Fatalf("got %d predictions, want 3", len(preds))
	}
	for i, want := range []string{"Positive", "Negative", "Positive"} {
		p := preds[i]
		var result []struct {
			FromName string `json:"from_name"`
			ToName   string `json:"to_name"`
			Type     string `json:"type"`
			Value    struct {
				Choices []string `json:"choices"`
			} `json:"value"`
		}
		if err := json.Unmarshal(p.Result, &result); err != nil {
			t.Fatal(err)
		}
		if p.Task != i || len(result) != 1 || result[0].Type != "choices" || result[0].FromName != "sentiment" ||
			!reflect.DeepEqual(result[0].Value.Choices, []string{want}) {
			t.Errorf("prediction %d = task %d %s, want %s", i, p.Task, p.Result, want)
		}
		if p.Score == nil || *p.Score != 0.9 || p.ModelVersion != "fake-v1" {
			t.Errorf("prediction %d: score %v, version %q", i, p.Score, p.ModelVersion)
		}
	}
	pb := fb.predicts[0]
	if pb["project"] != uid || pb["label_config"] != sentimentConfig || len(pb["tasks"].([]any)) != 3 {
		t.Errorf("predict body = %v", pb)
	}

	payload := WebhookPayload{
		Project:    WebhookProject{ID: 7, LabelConfig: sentimentConfig},
		Task:       json.RawMessage(`{"id": 1, "data": {"text": "a good film"}}`),
		Annotation: map[string]any{"id": 10, "result": []any{}},
	}
	if err := c.Webhook(ctx, EventAnnotationCreated, payload); err != nil {
		t.Fatalf("Webhook: %v", err)
	}
	if err := c.Webhook(ctx, "PROJECT_UPDATED", payload); err != nil {
		t.Fatalf("Webhook with an event the backend ignores: %v", err)
	}
	if err := c.Webhook(ctx, EventStartTraining, map[string]any{"project": map[string]any{"id": 7, "label_config": sentimentConfig}}); err != nil {
		t.Fatalf("Webhook START_TRAINING: %v", err)
	}
	if len(fb.webhooks) != 2 {
		t.Fatalf("backend recorded %d webhooks, want 2", len(fb.webhooks))
	}
	if wh := fb.webhooks[0]; wh["action"] != "ANNOTATION_CREATED" || wh["task"].(map[string]any)["id"] != 1.0 ||
		wh["annotation"].(map[string]any)["id"] != 10.0 {
		t.Errorf("webhook body = %v", wh)
	}
	if fb.webhooks[1]["action"] != "START_TRAINING" {
		t.Errorf("second webhook = %v", fb.webhooks[1])
	}
	for _, ua := range fb.agents {
		if ua != DefaultUserAgent {
			t.Errorf("User-Agent = %q", ua)
		}
	}
}

func TestWebhookPayloadMustBeObject(t *testing.T) {
	c := newClient(t, serve(t, (&fakeBackend{}).handler()), fastOptions())
	if err := c.Webhook(context.Background(), EventStartTraining, []int{1}); err == nil {
		t.Error("Webhook accepted a list payload")
	}
	if err := c.Webhook(context.Background(), "", nil); err == nil {
		t.Error("Webhook accepted an empty event")
	}
	// A backend without project.id fails, as label-studio-ml-backend does.
	err := c.Webhook(context.Background(), EventStartTraining, nil)
	var e *Error
	if !errors.As(err, &e) || e.Status != 500 {
		t.Errorf("Webhook without a project = %v, want HTTP 500", err)
	}
}

func TestPredictAnswerShapes(t *testing.T) {
	tests := []struct {
		name   string
		answer string
		tasks  int
		want   []Prediction
	}{
		{
			name:   "older backend: bare list, top-level version missing",
			answer: `[{"result": [], "score": "0.5"}, {"result": [{"type": "choices"}]}]`,
			tasks:  2,
			want:   []Prediction{{Task: 0, Result: json.RawMessage(`[]`), Score: ptr(0.5)}, {Task: 1, Result: json.RawMessage(`[{"type": "choices"}]`)}},
		},
		{
			name:   "ModelResponse: several predictions per task, null entry, top-level version",
			answer: `{"results": [[{"result": [], "score": 0.1}, {"result": [], "model_version": 3}], null, []], "model_version": "top"}`,
			tasks:  3,
			want: []Prediction{
				{Task: 0, Result: json.RawMessage(`[]`), Score: ptr(0.1), ModelVersion: "top"},
				{Task: 0, Result: json.RawMessage(`[]`), ModelVersion: "3"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.Write([]byte(tt.answer))
			}))
			got, err := newClient(t, srv, fastOptions()).Predict(context.Background(), PredictRequest{Tasks: make([]any, tt.tasks), Project: "1.1"})
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func ptr(f float64) *float64 { return &f }

func TestPredictNoBatchSupport(t *testing.T) {
	srv := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]any{"results": []any{map[string]any{"result": []any{}}}})
	}))
	_, err := newClient(t, srv, fastOptions()).Predict(context.Background(), PredictRequest{Tasks: make([]any, 3), Project: "1.1"})
	if !errors.Is(err, ErrResultCount) || !errors.Is(err, ErrProtocol) {
		t.Fatalf("err = %v, want ErrResultCount", err)
	}
	if !strings.Contains(err.Error(), "1 results for 3 tasks") {
		t.Errorf("message %q does not give the counts", err)
	}
}

// TestPredictEmptyList checks an empty "results" list is no predictions, not an error.
func TestPredictEmptyList(t *testing.T) {
	srv := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]any{"results": []any{}})
	}))
	ps, err := newClient(t, srv, fastOptions()).Predict(context.Background(), PredictRequest{Tasks: make([]any, 3), Project: "1.1"})
	if err != nil || len(ps) != 0 {
		t.Fatalf("an empty list: %v, %v; want no predictions and no error", ps, err)
	}
}

// flaky answers 503 to the first two calls, then hands over to next.
func flaky(calls *atomic.Int64, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) <= 2 {
			http.Error(w, "<html>upstream warming up</html>", http.StatusServiceUnavailable)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func TestRetriesIdempotentCalls(t *testing.T) {
	fb := &fakeBackend{}
	ctx := context.Background()

	var calls atomic.Int64
	c := newClient(t, serve(t, flaky(&calls, fb.handler())), fastOptions())
	if _, err := c.Health(ctx); err != nil {
		t.Fatalf("Health through two 503s: %v", err)
	}
	if n := calls.Load(); n != 3 {
		t.Errorf("Health made %d calls, want 3", n)
	}

	calls.Store(0)
	preds, err := c.Predict(ctx, PredictRequest{Tasks: []any{map[string]any{"id": 1, "data": map[string]any{"text": "good"}}}, Project: "1.1"})
	if err != nil || len(preds) != 1 {
		t.Fatalf("Predict through two 503s: %v, %d predictions", err, len(preds))
	}
	if n := calls.Load(); n != 3 {
		t.Errorf("Predict made %d calls, want 3", n)
	}

	// Setup and webhooks change the backend: one call, no retry.
	calls.Store(0)
	_, err = c.Setup(ctx, SetupRequest{Project: "1.1", Schema: sentimentConfig})
	var e *Error
	if !errors.As(err, &e) || e.Status != http.StatusServiceUnavailable {
		t.Fatalf("Setup = %v, want HTTP 503", err)
	}
	if n := calls.Load(); n != 1 {
		t.Errorf("Setup made %d calls, want 1", n)
	}
	calls.Store(0)
	if err := c.Webhook(ctx, EventStartTraining, WebhookPayload{Project: WebhookProject{ID: 1, LabelConfig: sentimentConfig}}); err == nil {
		t.Error("Webhook to a 503 succeeded")
	}
	if n := calls.Load(); n != 1 {
		t.Errorf("Webhook made %d calls, want 1", n)
	}

	// Attempts are bounded.
	calls.Store(0)
	opts := fastOptions()
	opts.MaxAttempts = 2
	c2 := newClient(t, serve(t, flaky(&calls, fb.handler())), opts)
	_, err = c2.Health(ctx)
	if !errors.As(err, &e) || e.Status != http.StatusServiceUnavailable || !strings.Contains(err.Error(), "after 2 attempts") {
		t.Errorf("Health with 2 attempts = %v", err)
	}
	if n := calls.Load(); n != 2 {
		t.Errorf("made %d calls, want 2", n)
	}
}

func TestNoRetryOnClientErrors(t *testing.T) {
	var calls atomic.Int64
	srv := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		http.Error(w, "unauthorized", http.StatusUnauthorized)
	}))
	_, err := newClient(t, srv, fastOptions()).Health(context.Background())
	var e *Error
	if !errors.As(err, &e) || e.Status != 401 || calls.Load() != 1 {
		t.Errorf("Health = %v after %d calls, want one HTTP 401", err, calls.Load())
	}
}

func TestRetryStopsWhenContextEnds(t *testing.T) {
	var calls atomic.Int64
	srv := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		http.Error(w, "down", http.StatusBadGateway)
	}))
	opts := fastOptions()
	opts.BackoffBase, opts.BackoffMax, opts.MaxAttempts = 10*time.Second, 10*time.Second, 5
	c := newClient(t, srv, opts)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.Health(ctx)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want context.DeadlineExceeded", err)
	}
	if el := time.Since(start); el > 2*time.Second {
		t.Errorf("Health returned after %v, want about 100ms", el)
	}
	if n := calls.Load(); n != 1 {
		t.Errorf("made %d calls, want 1", n)
	}
}

func TestTimeouts(t *testing.T) {
	var calls atomic.Int64
	release := make(chan struct{})
	srv := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		io.Copy(io.Discard, r.Body)
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	t.Cleanup(func() { close(release) }) // runs before the server is closed
	opts := fastOptions()
	opts.HealthTimeout, opts.SetupTimeout, opts.MaxAttempts = 50*time.Millisecond, 50*time.Millisecond, 2
	c := newClient(t, srv, opts)

	start := time.Now()
	_, err := c.Health(context.Background())
	if !errors.Is(err, ErrTimeout) {
		t.Fatalf("Health = %v, want ErrTimeout", err)
	}
	if el := time.Since(start); el > 2*time.Second {
		t.Errorf("Health took %v", el)
	}
	if n := calls.Load(); n != 2 {
		t.Errorf("Health made %d calls, want 2 (a timeout is retried)", n)
	}
	if !strings.Contains(err.Error(), srv.URL+"/health") {
		t.Errorf("message %q does not name the endpoint", err)
	}

	calls.Store(0)
	_, err = c.Setup(context.Background(), SetupRequest{Project: "1.1"})
	if !errors.Is(err, ErrTimeout) || calls.Load() != 1 {
		t.Errorf("Setup = %v after %d calls, want one ErrTimeout", err, calls.Load())
	}
}

func TestGarbageAnswers(t *testing.T) {
	tests := []struct {
		name    string
		status  int
		body    string
		call    func(*Client) error
		want    error
		inMsg   []string
		maxBody int64
	}{
		{name: "HTML instead of JSON", status: 200, body: "<html><body>Welcome to nginx!</body></html>",
			call: health, want: ErrNotJSON, inMsg: []string{"HTTP 200", "answer is not JSON", "Welcome to nginx!"}},
		{name: "truncated JSON", status: 200, body: `{"results": [`,
			call: predict(1), want: ErrNotJSON},
		{name: "server error page", status: 502, body: "<html>\n  Bad   gateway\n</html>",
			call: setup, inMsg: []string{"HTTP 502 Bad Gateway", `"<html> Bad gateway </html>"`}},
		{name: "not UP", status: 200, body: `{"status": "DOWN"}`,
			call: health, want: ErrUnhealthy},
		{name: "health not an object", status: 200, body: `[1, 2]`,
			call: health, want: ErrProtocol},
		{name: "predict without results", status: 200, body: `{"predictions": []}`,
			call: predict(1), want: ErrProtocol, inMsg: []string{`no "results" list`}},
		{name: "result not a list", status: 200, body: `{"results": [{"result": "Positive"}]}`,
			call: predict(1), want: ErrProtocol, inMsg: []string{"results[0][0]"}},
		{name: "prediction not an object", status: 200, body: `{"results": [42]}`,
			call: predict(1), want: ErrProtocol},
		{name: "bad score", status: 200, body: `{"results": [{"result": [], "score": "high"}]}`,
			call: predict(1), want: ErrProtocol},
		{name: "setup version an object", status: 200, body: `{"model_version": {"v": 1}}`,
			call: setup, want: ErrProtocol},
		{name: "too large", status: 200, body: `{"results": [{"result": [], "pad": "` + strings.Repeat("x", 4096) + `"}]}`,
			call: predict(1), want: ErrTooLarge, maxBody: 1024},
		{name: "webhook reports an error", status: 201, body: `{"status": "error", "error": "boom"}`,
			call: webhook, inMsg: []string{"HTTP 201", "boom"}},
		{name: "long body is cut", status: 500, body: strings.Repeat("é", 1000),
			call: setup, inMsg: []string{strings.Repeat("é", 100) + "…"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var calls atomic.Int64
			srv := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				calls.Add(1)
				w.WriteHeader(tt.status)
				w.Write([]byte(tt.body))
			}))
			opts := fastOptions()
			opts.MaxResponseBytes = tt.maxBody
			err := tt.call(newClient(t, srv, opts))
			if err == nil {
				t.Fatal("no error")
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %T is not an *Error: %v", err, err)
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("err = %v, want %v", err, tt.want)
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, "ml backend "+srv.URL+"/") {
				t.Errorf("message %q does not start with the endpoint", msg)
			}
			for _, s := range tt.inMsg {
				if !strings.Contains(msg, s) {
					t.Errorf("message %q lacks %q", msg, s)
				}
			}
			if len(msg) > 600 {
				t.Errorf("message is %d bytes long", len(msg))
			}
			if tt.status < 500 && calls.Load() != 1 {
				t.Errorf("made %d calls for a bad answer, want 1", calls.Load())
			}
		})
	}
}

func health(c *Client) error { _, err := c.Health(context.Background()); return err }
func setup(c *Client) error {
	_, err := c.Setup(context.Background(), SetupRequest{Project: "1.1", Schema: sentimentConfig})
	return err
}
func webhook(c *Client) error {
	return c.Webhook(context.Background(), EventStartTraining, WebhookPayload{Project: WebhookProject{ID: 1}})
}
func predict(n int) func(*Client) error {
	return func(c *Client) error {
		_, err := c.Predict(context.Background(), PredictRequest{Tasks: make([]any, n), Project: "1.1"})
		return err
	}
}

func TestDefaultGuardRefusesLoopbackBackend(t *testing.T) {
	var calls atomic.Int64
	srv := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { calls.Add(1) }))
	for name, hc := range map[string]*http.Client{
		"nil client":              nil,
		"default netguard client": netguard.NewClient(netguard.Options{}),
	} {
		c, err := New(srv.URL, hc, fastOptions())
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.Health(context.Background())
		var be *netguard.BlockedError
		if !errors.As(err, &be) {
			t.Fatalf("%s: Health = %v, want a *netguard.BlockedError", name, err)
		}
		if !strings.Contains(err.Error(), "CONCORD_ALLOW_PRIVATE_NETWORKS") || strings.Contains(err.Error(), "attempts") {
			t.Errorf("%s: message %q (a refused address must name the setting and not be retried)", name, err)
		}
	}
	if n := calls.Load(); n != 0 {
		t.Errorf("backend received %d requests, want 0", n)
	}
}

func TestBasicAuth(t *testing.T) {
	fb := &fakeBackend{}
	srv := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if u, p, ok := r.BasicAuth(); !ok || u != "ml" || p != "secret" {
			http.Error(w, "Unauthorized", 401)
			return
		}
		fb.handler().ServeHTTP(w, r)
	}))
	opts := fastOptions()
	if _, err := newClient(t, srv, opts).Health(context.Background()); err == nil {
		t.Error("Health without credentials succeeded")
	}
	opts.BasicAuthUser, opts.BasicAuthPassword = "ml", "secret"
	if _, err := newClient(t, srv, opts).Health(context.Background()); err != nil {
		t.Errorf("Health with credentials: %v", err)
	}
}

func TestNewValidatesURL(t *testing.T) {
	for _, bad := range []string{"", "ftp://ml.example.com", "localhost:9090", "http://", "http://ml:hunter2@ml.example.com",
		"http://ml.example.com/?token=x", "http://ml.example.com/#top", "/relative", "http://ml.example.com:bad"} {
		_, err := New(bad, nil, Options{})
		if err == nil {
			t.Errorf("New(%q) succeeded", bad)
			continue
		}
		if strings.Contains(err.Error(), "hunter2") {
			t.Errorf("New(%q) error shows the password: %v", bad, err)
		}
	}
	for _, good := range []string{"http://127.0.0.1:9090", "https://ml.example.com/base/", "HTTP://ml.example.com"} {
		if _, err := New(good, nil, Options{}); err != nil {
			t.Errorf("New(%q): %v", good, err)
		}
	}
}

func TestBasePath(t *testing.T) {
	fb := &fakeBackend{}
	mux := http.NewServeMux()
	mux.Handle("/ml/", http.StripPrefix("/ml", fb.handler()))
	srv := serve(t, mux)
	for _, base := range []string{srv.URL + "/ml", srv.URL + "/ml/"} {
		c, err := New(base, loopbackClient(), fastOptions())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.Health(context.Background()); err != nil {
			t.Errorf("Health below %s: %v", base, err)
		}
	}
}

func TestBackoff(t *testing.T) {
	c := &Client{opts: Options{BackoffBase: 100 * time.Millisecond, BackoffMax: time.Second}}
	for attempt, want := range map[int]time.Duration{1: 100 * time.Millisecond, 2: 200 * time.Millisecond, 3: 400 * time.Millisecond, 4: 800 * time.Millisecond, 5: time.Second, 30: time.Second} {
		for range 20 {
			if d := c.backoff(attempt); d < want/2 || d > want {
				t.Errorf("backoff(%d) = %v, want within [%v, %v]", attempt, d, want/2, want)
			}
		}
	}
}
