package web_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"

	"concord/internal/app"
	"concord/internal/auth"
	"concord/internal/config"
	"concord/internal/ingest"
	"concord/internal/job"
	"concord/internal/live"
	"concord/internal/media"
	"concord/internal/netguard"
	"concord/internal/store"
	"concord/internal/store/storetest"
	"concord/web"
)

// testBaseURL is CONCORD_BASE_URL in the test server: absolute URLs Concord
// writes start with it, never with the request's Host.
const testBaseURL = "https://concord.example"

func TestMain(m *testing.M) { storetest.Main(m) }

// env is a running server on a fresh database.
type env struct {
	t      *testing.T
	store  *store.Store
	srv    *httptest.Server
	routes chi.Routes // the server's routes table, to walk
	clock  *testClock // the server's clock of throttling
}

// testClock is the server's clock of throttling in tests: it stands still
// until the test moves it, so waits are exact and no test sleeps.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// advance lets d pass for the server at once.
func (c *testClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func newEnv(t *testing.T, opts ...func(*config.Config)) *env {
	t.Helper()
	return newEnvOn(t, storetest.New(t), opts...)
}

// newEnvOn is newEnv on a store of the test's making (say, a small pool).
func newEnvOn(t *testing.T, st *store.Store, opts ...func(*config.Config)) *env {
	t.Helper()
	cfg := config.Config{SessionMaxAge: time.Hour, WriteTimeout: 30 * time.Second, DataDir: t.TempDir(), MaxUploadMB: 64, AsyncImportMB: 1, BaseURL: testBaseURL}
	for _, o := range opts {
		o(&cfg)
	}
	allow, err := netguard.ParseAllowList(cfg.AllowPrivate)
	if err != nil {
		t.Fatal(err)
	}
	var logw io.Writer = io.Discard
	if os.Getenv("CONCORD_TEST_LOG") != "" {
		logw = os.Stderr
	}
	log := slog.New(slog.NewTextHandler(logw, nil))
	blobs, err := media.NewDiskStore(filepath.Join(cfg.DataDir, "media"))
	if err != nil {
		t.Fatal(err)
	}
	im := &ingest.Importer{Store: st, Blobs: blobs}
	jobs, err := job.NewClient(st.Pool, st, im, job.Options{Work: true, Allow: allow, Imports: app.NewImports(cfg, st, im)}, log)
	if err != nil {
		t.Fatal(err)
	}
	if err := jobs.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { jobs.Stop(context.Background()) })
	hub := live.NewHub(log)
	hubCtx, stopHub := context.WithCancel(context.Background())
	go hub.Run(hubCtx)
	go live.Listen(hubCtx, storetest.URLOf(st), hub, st, log)
	t.Cleanup(stopHub)
	// The server as `concord serve` runs it: its timeouts included.
	clock := &testClock{t: time.Now()}
	hs := web.New(web.Deps{Config: cfg, Store: st, Importer: im, Jobs: jobs, Hub: hub, Log: log, Now: clock.now}).HTTPServer("")
	h := hs.Handler
	srv := httptest.NewUnstartedServer(h)
	srv.Config = hs
	srv.Start()
	t.Cleanup(srv.Close)
	return &env{t: t, store: st, srv: srv, routes: h.(chi.Routes), clock: clock}
}

const testPassword = "correct horse battery"

// testHash is testPassword hashed once: argon2id is slow on purpose, and every
// test account shares the password.
var (
	testHashOnce sync.Once
	testHash     string
	testHashErr  error
)

// user creates an account with testPassword.
func (e *env) user(email, role string) store.User {
	e.t.Helper()
	testHashOnce.Do(func() { testHash, testHashErr = auth.HashPassword(testPassword) })
	if testHashErr != nil {
		e.t.Fatal(testHashErr)
	}
	u, err := e.store.CreateUser(context.Background(), email, "", testHash, role)
	if err != nil {
		e.t.Fatal(err)
	}
	return u
}

// token makes an API token for u.
func (e *env) token(u store.User) string {
	e.t.Helper()
	key, hash, prefix := auth.NewToken()
	if _, err := e.store.CreateToken(context.Background(), u.ID, hash, prefix); err != nil {
		e.t.Fatal(err)
	}
	return key
}

// browser is a cookie-keeping client that does not follow redirects.
type browser struct {
	e    *env
	c    *http.Client
	csrf string
}

func (e *env) browser() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{e: e, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

// browserFrom is a browser connecting from another loopback address (say
// 127.0.0.2), which the server sees as another client address.
func (e *env) browserFrom(ip string) *browser {
	b := e.browser()
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}}
	b.c.Transport = &http.Transport{DialContext: d.DialContext}
	return b
}

var csrfField = regexp.MustCompile(`name="csrf_token" value="([0-9a-f]+)"`)

// get fetches a page and remembers the CSRF token it carries.
func (b *browser) get(path string) (int, string) {
	b.e.t.Helper()
	resp, err := b.c.Get(b.e.srv.URL + path)
	if err != nil {
		b.e.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if m := csrfField.FindSubmatch(body); m != nil {
		b.csrf = string(m[1])
	}
	return resp.StatusCode, string(body)
}

// post submits a form as our own pages do: same origin, with the CSRF token.
func (b *browser) post(path string, form url.Values) *http.Response {
	b.e.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if form.Get("csrf_token") == "" {
		form.Set("csrf_token", b.csrf)
	}
	return b.do(http.MethodPost, path, strings.NewReader(form.Encode()), map[string]string{
		"Content-Type":   "application/x-www-form-urlencoded",
		"Sec-Fetch-Site": "same-origin",
	})
}

func (b *browser) do(method, path string, body io.Reader, headers map[string]string) *http.Response {
	b.e.t.Helper()
	req, _ := http.NewRequest(method, b.e.srv.URL+path, body)
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := b.c.Do(req)
	if err != nil {
		b.e.t.Fatal(err)
	}
	b.e.t.Cleanup(func() { resp.Body.Close() })
	return resp
}

// signIn signs the browser in as email.
func (b *browser) signIn(email string) {
	b.e.t.Helper()
	b.get("/signin")
	resp := b.post("/signin", url.Values{"email": {email}, "password": {testPassword}})
	if resp.StatusCode != http.StatusSeeOther {
		body, _ := io.ReadAll(resp.Body)
		b.e.t.Fatalf("sign in as %s: %d %s", email, resp.StatusCode, body)
	}
	b.get("/projects") // picks up the CSRF token of the new session
}

// call makes an API call with a token (empty: none) and decodes the JSON answer into out.
func (e *env) call(token, method, path string, body any, out any) int {
	e.t.Helper()
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = strings.NewReader(string(b))
	}
	req, _ := http.NewRequest(method, e.srv.URL+path, r)
	if token != "" {
		req.Header.Set("Authorization", "Token "+token)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if out != nil && len(data) > 0 {
		if err := json.Unmarshal(data, out); err != nil {
			e.t.Fatalf("%s %s: answer is not JSON: %v: %s", method, path, err, data)
		}
	}
	return resp.StatusCode
}

const textConfig = `<View>
  <Text name="text" value="$text"/>
  <Choices name="sentiment" toName="text">
    <Choice value="Positive"/>
    <Choice value="Negative"/>
  </Choices>
</View>`

// project creates a project through the store, owned by a manager.
func (e *env) project(owner store.User, title string) store.Project {
	e.t.Helper()
	p, err := e.store.CreateProject(context.Background(), store.ProjectFields{
		Title: title, LabelConfig: textConfig, MaximumAnnotations: 1, Sampling: "sequential"}, owner.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	return p
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func decodeJSON(r io.Reader, v any) {
	json.NewDecoder(r).Decode(v)
}
