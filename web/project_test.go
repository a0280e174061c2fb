package web_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"concord/internal/labeling"
	"concord/internal/store"
)

// TestProjectAPI walks a project through Label Studio's API: create, read,
// list, update, refuse a bad config, add members and tasks, delete.
func TestProjectAPI(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	mgr := e.user("m@x.org", store.RoleManager)
	ann := e.user("a@x.org", store.RoleAnnotator)
	tok, annTok := e.token(mgr), e.token(ann)

	var p map[string]any
	code := e.call(tok, "POST", "/api/projects", map[string]any{
		"title": "Sentiment", "description": "tweets", "label_config": textConfig,
		"expert_instruction": "Be kind", "maximum_annotations": 3, "sampling": "Uniform sampling",
	}, &p)
	if code != 201 {
		t.Fatalf("create: %d %v", code, p)
	}
	id := int64(p["id"].(float64))
	want := map[string]any{"title": "Sentiment", "description": "tweets", "expert_instruction": "Be kind",
		"maximum_annotations": 3.0, "sampling": "Uniform sampling", "label_config": textConfig}
	for k, v := range want {
		if p[k] != v {
			t.Errorf("created project %s = %v, want %v", k, p[k], v)
		}
	}
	parsed, _ := p["parsed_label_config"].(map[string]any)
	sentiment, _ := parsed["sentiment"].(map[string]any)
	if sentiment["type"] != "Choices" || fmt.Sprint(sentiment["labels"]) != "[Positive Negative]" {
		t.Errorf("parsed_label_config = %v", parsed)
	}

	var bad map[string]any
	code = e.call(tok, "PATCH", fmt.Sprintf("/api/projects/%d", id), map[string]any{
		"label_config": "<View>\n  <Text name=\"t\" value=\"$text\"/>\n  <Polygon name=\"p\" toName=\"t\"/>\n</View>"}, &bad)
	if code != 422 || !strings.Contains(fmt.Sprint(bad["error"]), "line 3") || !strings.Contains(fmt.Sprint(bad["error"]), "Polygon") {
		t.Errorf("bad config: %d %v, want 422 naming line 3 and the tag", code, bad)
	}
	var many strings.Builder
	many.WriteString(`<View><Text name="text" value="$text"/><Choices name="c" toName="text">`)
	for i := range labeling.MaxLabels + 1 {
		fmt.Fprintf(&many, `<Choice value="%d"/>`, i)
	}
	many.WriteString(`</Choices></View>`)
	code = e.call(tok, "PATCH", fmt.Sprintf("/api/projects/%d", id), map[string]any{"label_config": many.String()}, &bad)
	if code != 422 || !strings.Contains(fmt.Sprint(bad["error"]), "at most 5000") {
		t.Errorf("%d labels: %d %v, want 422 naming the limit", labeling.MaxLabels+1, code, bad)
	}
	code = e.call(tok, "PATCH", fmt.Sprintf("/api/projects/%d", id), map[string]any{"title": "Sentiment v2", "maximum_annotations": 0}, &bad)
	if code != 422 {
		t.Errorf("0 annotators per task: %d, want 422", code)
	}
	code = e.call(tok, "PATCH", fmt.Sprintf("/api/projects/%d", id), map[string]any{"title": "Sentiment v2"}, &p)
	if code != 200 || p["title"] != "Sentiment v2" || p["expert_instruction"] != "Be kind" {
		t.Errorf("patch title: %d %v (other fields must stay)", code, p)
	}

	// The annotator sees nothing until added, then sees the project.
	var list map[string]any
	e.call(annTok, "GET", "/api/projects", nil, &list)
	if list["count"] != 0.0 {
		t.Errorf("annotator sees %v projects before joining", list["count"])
	}
	if code := e.call(tok, "POST", fmt.Sprintf("/api/projects/%d/members", id), map[string]any{"email": "A@x.org", "role": "manager"}, nil); code != 422 {
		t.Errorf("annotator account as project manager: %d, want 422", code)
	}
	if code := e.call(tok, "POST", fmt.Sprintf("/api/projects/%d/members", id), map[string]any{"email": "nobody@x.org"}, nil); code != 422 {
		t.Errorf("unknown user: %d, want 422", code)
	}
	if code := e.call(tok, "POST", fmt.Sprintf("/api/projects/%d/members", id), map[string]any{"email": "A@x.org", "role": "annotator"}, nil); code != 200 {
		t.Errorf("add annotator: %d", code)
	}
	e.call(annTok, "GET", "/api/projects", nil, &list)
	if list["count"] != 1.0 {
		t.Errorf("annotator sees %v projects after joining", list["count"])
	}

	// Tasks: created by the manager, paged, readable by the member.
	for i := 0; i < 5; i++ {
		if code := e.call(tok, "POST", "/api/tasks", map[string]any{"project": id, "data": map[string]any{"text": fmt.Sprint("tweet ", i)}}, nil); code != 201 {
			t.Fatalf("create task: %d", code)
		}
	}
	var page struct {
		Tasks []struct {
			ID   int64          `json:"id"`
			Data map[string]any `json:"data"`
		} `json:"tasks"`
		Total int `json:"total"`
	}
	if code := e.call(annTok, "GET", fmt.Sprintf("/api/tasks?project=%d&page=2&page_size=2", id), nil, &page); code != 200 || page.Total != 5 || len(page.Tasks) != 2 || page.Tasks[0].Data["text"] != "tweet 2" {
		t.Errorf("page 2: %d %+v", code, page)
	}
	if code := e.call(annTok, "GET", fmt.Sprintf("/api/tasks?project=%d&after=%d", id, page.Tasks[1].ID), nil, &page); code != 200 || len(page.Tasks) != 1 {
		t.Errorf("after: %d %+v", code, page)
	}
	if code := e.call(annTok, "GET", fmt.Sprintf("/api/tasks?project=%d&page_size=100000", id), nil, nil); code != 400 {
		t.Errorf("huge page: %d, want 400", code)
	}
	if code := e.call(tok, "DELETE", fmt.Sprintf("/api/members-typo/%d", id), nil, nil); code != 404 {
		t.Errorf("unknown API path: %d, want 404", code)
	}
	if code := e.call(tok, "DELETE", fmt.Sprintf("/api/projects/%d/members/%d", id, ann.ID), nil, nil); code != 204 {
		t.Errorf("remove member: %d", code)
	}
	if code := e.call(annTok, "GET", fmt.Sprintf("/api/tasks/%d", page.Tasks[0].ID), nil, nil); code != 404 {
		t.Errorf("removed member reads a task: %d, want 404", code)
	}
	if code := e.call(tok, "DELETE", fmt.Sprintf("/api/projects/%d", id), nil, nil); code != 204 {
		t.Errorf("delete: %d", code)
	}
	if code := e.call(tok, "GET", fmt.Sprintf("/api/projects/%d", id), nil, nil); code != 404 {
		t.Errorf("deleted project: %d, want 404", code)
	}
	var who map[string]any
	if e.call(tok, "GET", "/api/current-user/whoami", nil, &who); who["email"] != "m@x.org" || who["role"] != "manager" {
		t.Errorf("whoami = %v", who)
	}
}

// TestProjectPages creates, edits and deletes a project in the browser, for
// every preset, and sees a broken config refused with its line.
func TestProjectPages(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	mgr := e.user("m@x.org", store.RoleManager)
	e.user("a@x.org", store.RoleAnnotator)
	br := e.browser()
	br.signIn(mgr.Email)
	code, body := br.get("/projects/new")
	if code != 200 {
		t.Fatalf("new project page: %d", code)
	}
	for _, preset := range labeling.Presets {
		if !strings.Contains(body, preset.Title) {
			t.Errorf("new project page does not offer the preset %q", preset.Title)
		}
		resp := br.post("/projects", url.Values{"title": {preset.Title}, "label_config": {preset.Config}, "maximum_annotations": {"2"}, "sampling": {"sequential"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("create %s: %d", preset.Name, resp.StatusCode)
		}
	}
	ps, _ := e.store.Projects(context.Background())
	if len(ps) != len(labeling.Presets) {
		t.Fatalf("%d projects, want %d", len(ps), len(labeling.Presets))
	}
	resp := br.post("/projects", url.Values{"title": {"Broken"}, "label_config": {"<View>\n<Text name=\"t\" value=\"$text\"/>\n<Choices name=\"c\" toName=\"nope\"><Choice value=\"a\"/></Choices></View>"}, "maximum_annotations": {"1"}, "sampling": {"sequential"}})
	page := readBody(resp)
	if resp.StatusCode != 422 || !strings.Contains(page, "line 3") || !strings.Contains(page, "nope") || !strings.Contains(page, "Broken") {
		t.Errorf("broken config: %d, want 422 naming line 3 and keeping the form:\n%s", resp.StatusCode, page)
	}

	p := ps[0]
	resp = br.post(fmt.Sprintf("/projects/%d/settings", p.ID), url.Values{"title": {"Renamed <b>"}, "label_config": {p.LabelConfig}, "maximum_annotations": {"3"}, "sampling": {"random"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save settings: %d %s", resp.StatusCode, readBody(resp))
	}
	_, body = br.get(fmt.Sprintf("/projects/%d", p.ID))
	if !strings.Contains(body, "Renamed &lt;b&gt;") || strings.Contains(body, "Renamed <b>") {
		t.Errorf("project page does not show the escaped new title")
	}
	resp = br.post(fmt.Sprintf("/projects/%d/members", p.ID), url.Values{"email": {"a@x.org"}, "role": {"annotator"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Errorf("add member in the browser: %d", resp.StatusCode)
	}
	if role, _ := e.store.Membership(context.Background(), p.ID, 2); role != store.RoleAnnotator {
		t.Errorf("member role = %q", role)
	}
	if resp := br.post(fmt.Sprintf("/projects/%d/delete", p.ID), nil); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("delete: %d", resp.StatusCode)
	}
	if code, _ := br.get(fmt.Sprintf("/projects/%d", p.ID)); code != 404 {
		t.Errorf("deleted project page: %d, want 404", code)
	}
}

// TestAccountTokens creates a token in the browser, uses it, and revokes it.
func TestAccountTokens(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	u := e.user("m@x.org", store.RoleManager)
	br := e.browser()
	br.signIn(u.Email)
	if resp := br.post("/account/tokens", nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("create token: %d", resp.StatusCode)
	}
	_, body := br.get("/account")
	i := strings.Index(body, `id="new-token">`)
	if i < 0 {
		t.Fatal("the new token is not shown")
	}
	key := body[i+len(`id="new-token">`) : i+len(`id="new-token">`)+40]
	if code := e.call(key, "GET", "/api/current-user/whoami", nil, nil); code != 200 {
		t.Fatalf("new token: %d", code)
	}
	if _, again := br.get("/account"); strings.Contains(again, key) {
		t.Fatal("the token is shown a second time")
	}
	ts, _ := e.store.Tokens(context.Background(), u.ID)
	br.post(fmt.Sprintf("/account/tokens/%d/revoke", ts[0].ID), nil)
	if code := e.call(key, "GET", "/api/current-user/whoami", nil, nil); code != 401 {
		t.Fatalf("revoked token: %d, want 401", code)
	}
	// Change the password, then sign in with the new one.
	if resp := br.post("/account/password", url.Values{"current": {testPassword}, "new": {"a new long password"}}); resp.StatusCode != 200 {
		t.Fatalf("change password: %d", resp.StatusCode)
	}
	u2, _ := e.store.UserByID(context.Background(), u.ID)
	if u2.PasswordHash == u.PasswordHash {
		t.Fatal("password hash unchanged")
	}
}

func readBody(resp *http.Response) string {
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// TestMemberAddedMessage: the page says "is now an annotator", not "a annotator".
func TestMemberAddedMessage(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	mgr := e.user("manager@x.org", store.RoleManager)
	e.user("ann@x.org", store.RoleAnnotator)
	p := e.project(mgr, "members")
	b := e.browser()
	b.signIn(mgr.Email)
	b.get(fmt.Sprintf("/projects/%d/members", p.ID))
	if resp := b.post(fmt.Sprintf("/projects/%d/members", p.ID), url.Values{"email": {"ann@x.org"}, "role": {store.RoleAnnotator}}); resp.StatusCode != 303 {
		t.Fatalf("add member: %d", resp.StatusCode)
	}
	if _, html := b.get(fmt.Sprintf("/projects/%d/members", p.ID)); !strings.Contains(html, "ann@x.org is now an annotator of this project.") {
		t.Error("the members page does not say ann@x.org is now an annotator")
	}
}
