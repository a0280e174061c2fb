package web_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"

	"concord/internal/config"
	"concord/internal/store"
)

// TestForbidden tries each forbidden thing and checks it is refused and changes nothing.
func TestForbidden(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	mgrA := e.user("manager-a@x.org", store.RoleManager)
	mgrB := e.user("manager-b@x.org", store.RoleManager)
	ann := e.user("annotator@x.org", store.RoleAnnotator)
	projA, projB := e.project(mgrA, "A"), e.project(mgrB, "B")
	if err := e.store.SetMember(ctx, projA.ID, ann.ID, store.RoleAnnotator); err != nil {
		t.Fatal(err)
	}
	taskB, _ := e.store.CreateTask(ctx, projB.ID, map[string]any{"text": "secret of B"})
	annTok, mgrATok := e.token(ann), e.token(mgrA)

	tests := []struct {
		name, token, method, path string
		body                      any
		want                      int
	}{
		{"annotator creates a project", annTok, "POST", "/api/projects", map[string]any{"title": "mine", "label_config": textConfig}, 403},
		{"annotator edits their project", annTok, "PATCH", fmt.Sprintf("/api/projects/%d", projA.ID), map[string]any{"title": "x"}, 403},
		{"annotator deletes their project", annTok, "DELETE", fmt.Sprintf("/api/projects/%d", projA.ID), nil, 403},
		{"annotator lists members", annTok, "GET", fmt.Sprintf("/api/projects/%d/members", projA.ID), nil, 403},
		{"annotator adds a task", annTok, "POST", "/api/tasks", map[string]any{"project": projA.ID, "data": map[string]any{"text": "x"}}, 403},
		{"annotator lists users", annTok, "GET", "/api/users", nil, 403},
		{"member of A reads project B", annTok, "GET", fmt.Sprintf("/api/projects/%d", projB.ID), nil, 404},
		{"member of A lists B's tasks", annTok, "GET", fmt.Sprintf("/api/tasks?project=%d", projB.ID), nil, 404},
		{"member of A reads a task of B", annTok, "GET", fmt.Sprintf("/api/tasks/%d", taskB.ID), nil, 404},
		{"manager of A reads a task of B", mgrATok, "GET", fmt.Sprintf("/api/tasks/%d", taskB.ID), nil, 404},
		{"manager of A deletes a task of B", mgrATok, "DELETE", fmt.Sprintf("/api/tasks/%d", taskB.ID), nil, 404},
		{"manager of A edits project B", mgrATok, "PATCH", fmt.Sprintf("/api/projects/%d", projB.ID), map[string]any{"title": "x"}, 404},
		{"manager of A adds themself to B", mgrATok, "POST", fmt.Sprintf("/api/projects/%d/members", projB.ID), map[string]any{"user_id": mgrA.ID, "role": "manager"}, 404},
		{"anonymous reads projects", "", "GET", "/api/projects", nil, 401},
		{"wrong token", "0123456789abcdef0123456789abcdef01234567", "GET", "/api/projects", nil, 401},
	}
	for _, tt := range tests {
		var out map[string]any
		if got := e.call(tt.token, tt.method, tt.path, tt.body, &out); got != tt.want {
			t.Errorf("%s: status %d, want %d (%v)", tt.name, got, tt.want, out)
		} else if out["error"] == nil {
			t.Errorf("%s: no JSON error message: %v", tt.name, out)
		}
	}
	// Nothing changed.
	if ps, _ := e.store.Projects(ctx); len(ps) != 2 {
		t.Errorf("%d projects after the refused calls, want 2", len(ps))
	}
	if b, _ := e.store.ProjectByID(ctx, projB.ID); b.Title != "B" || b.TaskCount != 1 {
		t.Errorf("project B changed: %+v", b)
	}
	if role, _ := e.store.Membership(ctx, projB.ID, mgrA.ID); role != "" {
		t.Errorf("manager of A became %q of B", role)
	}

	// The browser pages refuse the same things.
	br := e.browser()
	br.signIn(ann.Email)
	if resp := br.post("/projects", url.Values{"title": {"mine"}, "label_config": {textConfig}, "maximum_annotations": {"1"}, "sampling": {"sequential"}}); resp.StatusCode != 403 {
		t.Errorf("annotator creates a project in the browser: %d, want 403", resp.StatusCode)
	}
	if code, _ := br.get(fmt.Sprintf("/projects/%d", projB.ID)); code != 404 {
		t.Errorf("member of A opens project B's page: %d, want 404", code)
	}
	if code, body := br.get("/projects"); code != 200 || strings.Contains(body, ">B<") || !strings.Contains(body, ">A<") {
		t.Errorf("annotator's project list (%d) shows B or misses A:\n%s", code, body)
	}
}

// TestRevokedToken checks that a token stops working once revoked.
func TestRevokedToken(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	u := e.user("m@x.org", store.RoleManager)
	tok := e.token(u)
	if got := e.call(tok, "GET", "/api/current-user/whoami", nil, nil); got != 200 {
		t.Fatalf("live token: %d", got)
	}
	ts, _ := e.store.Tokens(context.Background(), u.ID)
	if err := e.store.RevokeToken(context.Background(), u.ID, ts[0].ID); err != nil {
		t.Fatal(err)
	}
	if got := e.call(tok, "GET", "/api/current-user/whoami", nil, nil); got != 401 {
		t.Fatalf("revoked token: %d, want 401", got)
	}
}

// TestCSRF checks cookie-authenticated writes need our token and our origin,
// while token-authenticated API calls need neither.
func TestCSRF(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	mgr := e.user("m@x.org", store.RoleManager)
	br := e.browser()
	br.signIn(mgr.Email)
	body := `{"title":"via cookie","label_config":` + fmt.Sprintf("%q", textConfig) + `}`
	attempts := []struct {
		name    string
		headers map[string]string
		want    int
	}{
		{"no token", map[string]string{"Content-Type": "application/json"}, 403},
		{"wrong token", map[string]string{"Content-Type": "application/json", "X-CSRF-Token": strings.Repeat("ab", 32)}, 403},
		{"right token from another site", map[string]string{"Content-Type": "application/json", "X-CSRF-Token": br.csrf, "Sec-Fetch-Site": "cross-site"}, 403},
		{"right token, foreign Origin", map[string]string{"Content-Type": "application/json", "X-CSRF-Token": br.csrf, "Origin": "https://evil.example"}, 403},
		{"right token, same origin", map[string]string{"Content-Type": "application/json", "X-CSRF-Token": br.csrf, "Sec-Fetch-Site": "same-origin"}, 201},
	}
	for _, a := range attempts {
		resp := br.do("POST", "/api/projects", strings.NewReader(body), a.headers)
		if resp.StatusCode != a.want {
			msg, _ := io.ReadAll(resp.Body)
			t.Errorf("%s: %d, want %d: %s", a.name, resp.StatusCode, a.want, msg)
		}
	}
	if ps, _ := e.store.Projects(context.Background()); len(ps) != 1 {
		t.Errorf("%d projects created, want exactly 1", len(ps))
	}
	// A form post without the token is refused too (sign-out here).
	resp := br.post("/signout", url.Values{"csrf_token": {"nope"}})
	if resp.StatusCode != 403 {
		t.Errorf("sign-out without the CSRF token: %d, want 403", resp.StatusCode)
	}
	// Token-authenticated calls carry no ambient credential and need no CSRF token.
	if got := e.call(e.token(mgr), "POST", "/api/projects", map[string]any{"title": "via token"}, nil); got != 201 {
		t.Errorf("token-authenticated create: %d, want 201", got)
	}
}

// TestCSRFOnEveryWrite walks the server's routes table and sends every write
// (POST, PUT, PATCH, DELETE) with a signed-in admin's session cookie, first
// without the CSRF token, then with it from a foreign origin: each is refused
// with 403 and nothing in the database changes. A new route cannot be missed.
func TestCSRFOnEveryWrite(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	admin := e.user("admin@x.org", store.RoleAdmin)
	p := e.project(admin, "target")
	br := e.browser()
	br.signIn(admin.Email)
	rows := func() string {
		var s string
		if err := e.store.Pool.QueryRow(context.Background(), `SELECT format('%s projects, %s tasks, %s users, %s tokens, %s members, %s webhooks, %s imports, %s exports, %s audit entries',
			(SELECT count(*) FROM projects), (SELECT count(*) FROM tasks), (SELECT count(*) FROM users), (SELECT count(*) FROM api_tokens),
			(SELECT count(*) FROM project_members), (SELECT count(*) FROM webhooks), (SELECT count(*) FROM imports), (SELECT count(*) FROM exports),
			(SELECT count(*) FROM audit_log))`).Scan(&s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	before := rows()
	writes := 0
	err := chi.Walk(e.routes, func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		if method == http.MethodGet || method == http.MethodHead || strings.HasPrefix(route, "/static/") || route == "/metrics" {
			return nil
		}
		writes++
		path := regexp.MustCompile(`\{[a-z_]+\}`).ReplaceAllStringFunc(route, func(param string) string {
			if param == "{action}" {
				return "disable"
			}
			return fmt.Sprint(p.ID)
		})
		form := "title=x&email=x%40x.org&role=admin&password=long+enough+pw"
		for _, attempt := range []map[string]string{
			{"Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "same-origin"},
			{"Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "cross-site", "X-CSRF-Token": br.csrf},
		} {
			resp := br.do(method, path, strings.NewReader(form), attempt)
			if resp.StatusCode != http.StatusForbidden {
				t.Errorf("%s %s with the session cookie, %v: %d, want 403", method, route, attempt, resp.StatusCode)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if writes < 40 {
		t.Fatalf("only %d write routes found in the routes table", writes)
	}
	if after := rows(); after != before {
		t.Errorf("refused writes changed the database: %s, was %s", after, before)
	}
	t.Logf("%d write routes, each refused twice", writes)
}

// TestSignIn covers sign-in, session fixation and sign-out (throttling: TestSignInThrottle).
func TestSignIn(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	u := e.user("Ann@x.org", store.RoleAnnotator)
	br := e.browser()
	if code, _ := br.get("/projects"); code != http.StatusSeeOther {
		t.Fatalf("signed-out page: %d, want a redirect to sign in", code)
	}
	br.get("/signin")
	before := sessionCookie(br)
	resp := br.post("/signin", url.Values{"email": {"ann@X.org"}, "password": {testPassword}, "next": {"//evil.example/"}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/projects" {
		t.Fatalf("sign in: %d to %q, want 303 to /projects (never to another site)", resp.StatusCode, resp.Header.Get("Location"))
	}
	if after := sessionCookie(br); after == "" || after == before {
		t.Fatalf("session token not renewed at sign-in (before %q, after %q)", before, after)
	}
	for _, c := range resp.Cookies() {
		if c.Name == "concord_session" && (!c.HttpOnly || c.SameSite != http.SameSiteLaxMode) {
			t.Errorf("session cookie is not HttpOnly and SameSite=Lax: %+v", c)
		}
	}
	code, body := br.get("/projects")
	if code != 200 || !strings.Contains(body, u.Email) {
		t.Fatalf("after sign-in: %d", code)
	}
	if resp := br.post("/signout", nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign out: %d", resp.StatusCode)
	}
	if code, _ := br.get("/projects"); code != http.StatusSeeOther {
		t.Fatalf("after sign-out: %d, want a redirect", code)
	}
}

// TestSignInThrottle is issue 19's class 5: wrong passwords used to lock an
// account's sign-in for everyone (the admin's included). Now they slow down
// only the address that made them, with a growing Retry-After, and the
// password is not even checked before the wait is over.
func TestSignInThrottle(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	admin := e.user("admin@x.org", store.RoleAdmin)
	attacker := e.browser() // from 127.0.0.1
	attacker.get("/signin")
	try := func(b *browser, email, password string) (int, string, string) {
		t.Helper()
		resp := b.post("/signin", url.Values{"email": {email}, "password": {password}})
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, resp.Header.Get("Retry-After"), string(body)
	}
	for i := 0; i < 3; i++ {
		if code, _, _ := try(attacker, admin.Email, "wrong password"); code != 401 {
			t.Fatalf("wrong password %d: %d, want 401", i, code)
		}
	}
	// Each further failure doubles the wait; the right password during the
	// wait is refused unchecked.
	for _, wait := range []int{1, 2, 4, 8} {
		code, after, body := try(attacker, admin.Email, testPassword)
		if code != 429 || after != strconv.Itoa(wait) || !strings.Contains(body, "Too many failed sign-ins from your address") {
			t.Fatalf("attempt during the wait: %d, Retry-After %q, want 429 and %d:\n%s", code, after, wait, body)
		}
		e.clock.advance(time.Duration(wait)*time.Second - time.Millisecond)
		if code, after, _ := try(attacker, admin.Email, "wrong password"); code != 429 || after != "1" {
			t.Fatalf("a millisecond early: %d, Retry-After %q, want 429 and 1", code, after)
		}
		e.clock.advance(time.Millisecond)
		if code, _, _ := try(attacker, admin.Email, "wrong password"); code != 401 {
			t.Fatalf("after the wait of %d s: %d, want 401 (checked, wrong)", wait, code)
		}
	}
	// The owner, from another address, signs in at once, as often as she likes.
	owner := e.browserFrom("127.0.0.2")
	owner.signIn(admin.Email)
	e.browserFrom("127.0.0.2").signIn(admin.Email)
	// Her success cleared her own pair only: the attacker still waits.
	if code, after, _ := try(attacker, admin.Email, testPassword); code != 429 || after != "16" {
		t.Fatalf("attacker after the owner's sign-in: %d, Retry-After %q, want 429 and 16", code, after)
	}
	// After the wait the right password works from there too, and clears that pair.
	e.clock.advance(16 * time.Second)
	if code, _, _ := try(attacker, admin.Email, testPassword); code != http.StatusSeeOther {
		t.Fatalf("right password after the wait: %d, want 303", code)
	}
	again := e.browser()
	again.get("/signin")
	if code, _, _ := try(again, admin.Email, "wrong password"); code != 401 {
		t.Fatalf("after a success, a wrong password: %d, want 401 (the pair starts afresh)", code)
	}

	// Credential stuffing: one address trying many accounts, a few guesses
	// each, is slowed past 30 failures; other addresses are not.
	stuffer := e.browserFrom("127.0.0.3")
	stuffer.get("/signin")
	for i := 0; i < 30; i++ {
		if code, _, _ := try(stuffer, fmt.Sprintf("victim%d@x.org", i), "guess"); code != 401 {
			t.Fatalf("stuffing attempt %d: %d, want 401", i, code)
		}
	}
	if code, after, _ := try(stuffer, "victim99@x.org", "guess"); code != 429 || after != "1" {
		t.Fatalf("31st account from one address: %d, Retry-After %q, want 429 and 1", code, after)
	}
	e.browserFrom("127.0.0.4").signIn(admin.Email)
}

func sessionCookie(b *browser) string {
	u, _ := url.Parse(b.e.srv.URL)
	for _, c := range b.c.Jar.Cookies(u) {
		if c.Name == "concord_session" {
			return c.Value
		}
	}
	return ""
}

// TestSecurityHeaders checks every answer carries the headers.
func TestSecurityHeaders(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, path := range []string{"/signin", "/api/projects", "/nope", "/static/css/concord.css"} {
		resp, err := http.Get(e.srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		csp := resp.Header.Get("Content-Security-Policy")
		if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") || !strings.Contains(csp, "frame-ancestors 'none'") {
			t.Errorf("%s: CSP %q", path, csp)
		}
		if resp.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: no nosniff", path)
		}
	}
}

// TestHealth checks the liveness and readiness probes.
func TestHealth(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, path := range []string{"/healthz", "/readyz"} {
		resp, err := http.Get(e.srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("%s: %d", path, resp.StatusCode)
		}
	}
	// A database behind on migrations is not ready.
	if _, err := e.store.Pool.Exec(context.Background(), `UPDATE schema_migrations SET version = version - 1`); err != nil {
		t.Fatal(err)
	}
	resp, _ := http.Get(e.srv.URL + "/readyz")
	resp.Body.Close()
	if resp.StatusCode != 503 {
		t.Errorf("/readyz with an old schema: %d, want 503", resp.StatusCode)
	}
}

// TestCompression checks pages and assets travel gzip-compressed when the browser accepts it.
func TestCompression(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, path := range []string{"/signin", "/static/css/concord.css", "/static/js/concord.js"} {
		req, _ := http.NewRequest("GET", e.srv.URL+path, nil)
		req.Header.Set("Accept-Encoding", "gzip")
		resp, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 || resp.Header.Get("Content-Encoding") != "gzip" {
			t.Errorf("%s: %d, Content-Encoding %q, want gzip", path, resp.StatusCode, resp.Header.Get("Content-Encoding"))
		}
	}
}

// TestMetrics checks /metrics answers only to the configured bearer token and
// reports request latency by route and jobs by kind.
func TestMetrics(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(c *config.Config) { c.MetricsToken = "scrape-secret" })
	http.Get(e.srv.URL + "/healthz")
	get := func(auth string) (int, string) {
		req, _ := http.NewRequest("GET", e.srv.URL+"/metrics", nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, _ := get(""); code != 404 {
		t.Errorf("/metrics without the token: %d, want 404", code)
	}
	if code, _ := get("Bearer wrong"); code != 404 {
		t.Errorf("/metrics with a wrong token: %d, want 404", code)
	}
	// The worker's periodic jobs appear once its leader has enqueued them.
	code, body := get("Bearer scrape-secret")
	for deadline := time.Now().Add(20 * time.Second); !strings.Contains(body, "concord_job_duration_seconds{") && time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		code, body = get("Bearer scrape-secret")
	}
	if code != 200 || !strings.Contains(body, `concord_http_request_duration_seconds_count{method="GET",route="/healthz",status="2xx"}`) ||
		!strings.Contains(body, "concord_jobs{") || !strings.Contains(body, "concord_websocket_connections 0") ||
		!strings.Contains(body, "concord_annotations_submitted_total 0") || !strings.Contains(body, `concord_job_duration_seconds{kind="prune_expired",quantile="0.5"}`) {
		t.Errorf("/metrics: %d\n%s", code, body)
	}
	if e2 := newEnv(t); true {
		req, _ := http.NewRequest("GET", e2.srv.URL+"/metrics", nil)
		req.Header.Set("Authorization", "Bearer ")
		resp, _ := http.DefaultClient.Do(req)
		resp.Body.Close()
		if resp.StatusCode != 404 {
			t.Errorf("/metrics with no token configured: %d, want 404", resp.StatusCode)
		}
	}
}

// TestTokenGuessing: wrong API tokens from one address get a growing wait
// (429 with Retry-After, the guess not even counted), while a valid token from
// that same address is accepted all along. It used to be blocked too.
func TestTokenGuessing(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	good := e.token(e.user("m@x.org", store.RoleManager))
	call := func(token string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest("GET", e.srv.URL+"/api/projects", nil)
		req.Header.Set("Authorization", "Token "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode, resp.Header.Get("Retry-After")
	}
	counts := map[int]int{}
	for i := 0; i < 100; i++ {
		code, _ := call(fmt.Sprintf("%040x", i))
		counts[code]++
	}
	if counts[401] != 10 || counts[429] != 90 {
		t.Fatalf("100 wrong tokens answered %v, want 10 × 401 then 90 × 429", counts)
	}
	if code, _ := call(good); code != 200 {
		t.Fatalf("a valid token from that address: %d, want 200", code)
	}
	for _, wait := range []string{"1", "2", "4"} {
		if code, after := call(fmt.Sprintf("%040x", 999)); code != 429 || after != wait {
			t.Fatalf("wrong token during the wait: %d, Retry-After %q, want 429 and %s", code, after, wait)
		}
		n, _ := strconv.Atoi(wait)
		e.clock.advance(time.Duration(n) * time.Second)
		if code, _ := call(fmt.Sprintf("%040x", 999)); code != 401 {
			t.Fatalf("wrong token after the wait: %d, want 401", code)
		}
		if code, _ := call(good); code != 200 {
			t.Fatalf("a valid token: %d, want 200", code)
		}
	}
}

// TestImportedURLsNeverFetched replays the SSRF class of advisories through
// imported data: tasks whose image URLs point at a listener on loopback (which
// an admin even allowed) and at the cloud metadata address go through import,
// training, pre-labeling, the labeling API and every export format, and
// Label Studio's import-from-URL is asked for; the listener hears nothing.
func TestImportedURLsNeverFetched(t *testing.T) {
	t.Parallel()
	var hits atomic.Int64
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Write([]byte(`[{"text": "fetched"}]`))
	}))
	defer target.Close()
	e := newEnv(t, func(c *config.Config) { c.AllowPrivate = "127.0.0.0/8" })
	ctx := context.Background()
	mgr := e.user("m@x.org", store.RoleManager)
	config := `<View><Image name="image" value="$image"/><Choices name="c" toName="image"><Choice value="cat"/><Choice value="dog"/></Choices></View>`
	p, err := e.store.CreateProject(ctx, store.ProjectFields{Title: "urls", LabelConfig: config, MaximumAnnotations: 1, Sampling: "sequential", RetrainEvery: 1}, mgr.ID)
	if err != nil {
		t.Fatal(err)
	}
	key := e.token(mgr)
	var tasks []map[string]any
	for i := range 30 {
		u := fmt.Sprintf("%s/image-%d.png", target.URL, i)
		if i%3 == 0 {
			u = "http://169.254.169.254/latest/meta-data/" // refused by netguard even if fetched; counted by nothing
		}
		tasks = append(tasks, map[string]any{"data": map[string]any{"image": u}, "annotations": []map[string]any{{"result": []map[string]any{
			{"from_name": "c", "to_name": "image", "type": "choices", "value": map[string]any{"choices": []string{[]string{"cat", "dog"}[i%2]}}}}}}})
	}
	tasks = append(tasks, map[string]any{"image": target.URL + "/unlabeled.png"})
	if code := e.call(key, "POST", fmt.Sprintf("/api/projects/%d/import", p.ID), tasks, nil); code != 201 {
		t.Fatalf("import: %d", code)
	}
	if code := e.call(key, "POST", fmt.Sprintf("/api/projects/%d/models/train", p.ID), nil, nil); code/100 != 2 {
		t.Fatalf("train: %d", code)
	}
	// Label Studio's import from a URL, as a form and as a multipart field.
	path := fmt.Sprintf("/api/projects/%d/import", p.ID)
	if code, body := e.upload(key, path, strings.NewReader("url="+url.QueryEscape(target.URL+"/tasks.json")), "application/x-www-form-urlencoded"); code != 400 || !strings.Contains(body, "URL is not supported") {
		t.Errorf("import from a URL (form): %d %s", code, body)
	}
	mb, ct := multipartBody(t, nil, map[string]string{"url": target.URL + "/tasks.json"})
	if code, body := e.upload(key, path, mb, ct); code != 400 || !strings.Contains(body, "URL is not supported") {
		t.Errorf("import from a URL (multipart): %d %s", code, body)
	}
	var next struct {
		Task struct{ ID int64 } `json:"task"`
	}
	if code := e.call(key, "GET", fmt.Sprintf("/api/projects/%d/next", p.ID), nil, &next); code != 200 {
		t.Fatalf("next: %d", code)
	}
	e.call(key, "GET", fmt.Sprintf("/api/tasks/%d/labeling", next.Task.ID), nil, nil)
	for _, f := range []string{"JSON", "JSON_MIN", "JSONL", "CSV", "TSV", "COCO", "YOLO", "VOC"} {
		for _, m := range []string{"keep", "url", "filename"} {
			e.fetch(key, fmt.Sprintf("/api/projects/%d/export?exportType=%s&media=%s", p.ID, f, m))
		}
	}
	// The training job has run (to its end: no image could be read).
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		var pending int
		e.store.Pool.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE kind IN ('train', 'prelabel') AND state NOT IN ('completed', 'discarded', 'cancelled')`).Scan(&pending)
		var trained int
		e.store.Pool.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE kind = 'train' AND state = 'completed'`).Scan(&trained)
		if pending == 0 && trained > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the training did not finish: %d jobs pending, %d trainings done", pending, trained)
		}
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("the server fetched a URL from task data or a request %d times", n)
	}
}
