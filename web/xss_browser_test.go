package web_test

import (
	"context"
	"fmt"
	"html"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"concord/internal/auth"
	"concord/internal/store"
)

// xssPayload is markup that runs script when a page parses it as HTML, led by
// quotes that break out of an attribute: what the stored and reflected XSS
// advisories of Label Studio (CVE-2025-25296, PR #4272) injected through task
// data, label configs, names, error messages and file names.
const xssPayload = `"'><img src=x onerror="window.__xss=1"><script>window.__xss=1</script><svg onload="window.__xss=1">`

// xssCheck lists what injected markup would leave on a page: a script that
// ran, an element with an inline handler, an injected <script> or <img>,
// or a Content-Security-Policy violation (markup that got in but was blocked).
const xssCheck = `(() => {
	const bad = [];
	if (window.__xss) bad.push("injected script ran");
	for (const el of document.querySelectorAll("*"))
		for (const a of el.attributes) if (/^on/i.test(a.name)) bad.push(el.tagName + " has the attribute " + a.name);
	for (const s of document.scripts) // JSON data islands (templ.JSONScript) hold the payload as data
		if (s.type !== "application/json" && s.textContent.includes("__xss")) bad.push("an injected <script>");
	if (document.querySelector("img[src='x']")) bad.push("an injected <img>");
	for (const v of window.__cspViolations || []) bad.push("CSP violation: " + v);
	return bad.join("; ");
})()`

// TestBrowserXSS stores the payload everywhere a user can put text (project
// title, description and instructions; label config values, header, label
// colour and placeholder; task data; an annotator's name; annotation results; a
// review comment; an uploaded file's name and its bad record) and sends it in
// reflected places (query parameters, paths, the sign-in redirect). Every page
// a manager or an annotator can open must show it as text and run none of it.
func TestBrowserXSS(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	p := html.EscapeString(xssPayload) // as an XML attribute
	config := fmt.Sprintf(`<View><Header value="%s"/><Text name="text" value="$text"/>
<Choices name="c" toName="text"><Choice value="%s"/><Choice value="plain"/></Choices>
<Labels name="l" toName="text"><Label value="%s" background="%s"/></Labels>
<TextArea name="note" toName="text" placeholder="%s"/></View>`, p, p, p, p, p)
	admin := e.user("admin@x.org", store.RoleAdmin)
	hash, _ := auth.HashPassword(testPassword)
	ann, err := e.store.CreateUser(ctx, "ann@x.org", xssPayload, hash, store.RoleAnnotator)
	if err != nil {
		t.Fatal(err)
	}
	pr, err := e.store.CreateProject(ctx, store.ProjectFields{Title: "Spam " + xssPayload, Description: xssPayload, ExpertInstruction: xssPayload,
		LabelConfig: config, MaximumAnnotations: 2, Sampling: "sequential"}, admin.ID)
	if err != nil {
		t.Fatalf("a config with the payload in every value: %v", err)
	}
	e.store.SetMember(ctx, pr.ID, ann.ID, store.RoleAnnotator)
	adminKey, annKey := e.token(admin), e.token(ann)
	var tasks struct {
		TaskIDs []int64 `json:"task_ids"`
	}
	if code := e.call(adminKey, "POST", fmt.Sprintf("/api/projects/%d/import?return_task_ids=true", pr.ID),
		[]map[string]any{{"text": xssPayload, "meta": xssPayload}, {"text": "second " + xssPayload}}, &tasks); code != 201 || len(tasks.TaskIDs) != 2 {
		t.Fatalf("import: %d %v", code, tasks)
	}
	task := tasks.TaskIDs[0]
	result := []map[string]any{
		{"id": "a", "from_name": "c", "to_name": "text", "type": "choices", "value": map[string]any{"choices": []string{xssPayload}}},
		{"id": "b", "from_name": "l", "to_name": "text", "type": "labels", "value": map[string]any{"start": 0, "end": 12, "text": xssPayload[:12], "labels": []string{xssPayload}}},
		{"id": "c", "from_name": "note", "to_name": "text", "type": "textarea", "value": map[string]any{"text": []string{xssPayload}}},
	}
	var a struct{ ID int64 }
	if code := e.call(annKey, "POST", fmt.Sprintf("/api/tasks/%d/annotations", task), map[string]any{"result": result}, &a); code != 201 {
		t.Fatalf("annotation with the payload: %d", code)
	}
	if code := e.call(adminKey, "POST", fmt.Sprintf("/api/tasks/%d/annotations", task), map[string]any{"result": result}, nil); code != 201 {
		t.Fatalf("second annotation: %d", code)
	}
	if code := e.call(adminKey, "POST", fmt.Sprintf("/api/tasks/%d/review", task), map[string]any{"annotation": a.ID, "action": "reject", "comment": xssPayload}, nil); code/100 != 2 {
		t.Fatalf("review comment with the payload: %d", code)
	}

	// A browser that records Content-Security-Policy violations on every page.
	tab := chrome(t)
	if _, err := chromedp.Call(within(tab, 10*time.Second), page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{
		Source: `window.__cspViolations = []; document.addEventListener("securitypolicyviolation", (e) => window.__cspViolations.push(e.violatedDirective + " " + e.blockedURI));`,
	}); err != nil {
		t.Fatal(err)
	}
	signIn := func(email string) {
		t.Helper()
		if err := chromedp.Do(within(tab, 20*time.Second),
			chromedp.Navigate(e.srv.URL+"/signin?next="+url.QueryEscape("javascript:window.__xss=1//"+xssPayload)),
			chromedp.SendKeys(`#email`, email),
			chromedp.SendKeys(`#password`, testPassword),
			chromedp.Submit(`#password`),
			chromedp.WaitVisible(`//h1[text()="Projects"]`),
		); err != nil {
			t.Fatalf("sign in as %s with a javascript: next: %v", email, err)
		}
	}
	// check checks the page open at path; shows says it must display the payload as text.
	check := func(path string, shows bool) {
		t.Helper()
		bad, err := chromedp.Run(within(tab, 10*time.Second), chromedp.Evaluate[string](xssCheck))
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if bad != "" {
			t.Errorf("%s: %s", path, bad)
		}
		if shows {
			text, _ := chromedp.Run(within(tab, 10*time.Second), chromedp.Evaluate[string](`document.body.innerText`))
			if !strings.Contains(text, `<img src=x onerror="window.__xss=1">`) {
				t.Errorf("%s does not show the payload as text: %.300q", path, text)
			}
		}
	}
	// visit opens path, waits for ready (a CSS selector) and checks the page.
	visit := func(path, ready string, shows bool) {
		t.Helper()
		err := chromedp.Do(within(tab, 20*time.Second), chromedp.Navigate(e.srv.URL+path), chromedp.WaitReady(ready), chromedp.Sleep(300*time.Millisecond))
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		check(path, shows)
	}

	signIn(admin.Email)
	id := fmt.Sprint(pr.ID)
	q := url.QueryEscape(xssPayload)
	for _, v := range []struct {
		path, ready string
		shows       bool
	}{
		{"/projects", "main", true},
		{"/projects/" + id, "main", true},
		{"/projects/" + id + "/settings", "main", false}, // the payload is in form fields, not text
		{"/projects/" + id + "/members", "main", true},
		{"/projects/" + id + "/label", "#task-root .obj", true},
		{"/projects/" + id + "/review", "main", true},
		{"/projects/" + id + "/review?label=" + q + "&annotator=" + q + "&state=" + q, "main", false},
		{fmt.Sprintf("/projects/%s/review/%d", id, task), "main", true},
		{"/projects/" + id + "/quality", "main", true},
		{"/projects/" + id + "/jobs", "main", false},
		{"/projects/" + id + "/models", "main", false},
		{"/projects/" + id + "/export", "main", false},
		{"/projects/" + id + "/webhooks", "main", false},
		{"/admin/users", "main", false}, // names are not shown there
		{"/projects/" + id + "/nothing/" + q, "main", false},
		{"/projects/99999999?next=" + q, "main", false},
		{"/api/projects/" + id, "body", false}, // JSON, with < escaped
	} {
		visit(v.path, v.ready, v.shows)
	}

	// An upload whose file name and bad record carry the payload: the error
	// the import page shows names both, as text.
	dir := t.TempDir()
	file := filepath.Join(dir, strings.ReplaceAll(xssPayload, "/", "_")+".jsonl")
	os.WriteFile(file, []byte(`{"text": "fine"}`+"\n"+`{"text": `+xssPayload+"}\n"), 0o644)
	err = chromedp.Do(within(tab, 30*time.Second),
		chromedp.Navigate(fmt.Sprintf("%s/projects/%d/import", e.srv.URL, pr.ID)),
		chromedp.SetUploadFiles(`#files`, []string{file}),
		chromedp.Click(`#import-form button[type=submit]`),
		chromedp.WaitVisible(`//p[@id="import-status"][contains(., "line 2")]`),
	)
	if err != nil {
		t.Fatalf("import of a bad file: %v", err)
	}
	check("the import page's error", true)

	// The annotator's pages, with the payload in the config and the data.
	if _, err := chromedp.Call(within(tab, 5*time.Second), network.ClearBrowserCookies, cdp.Empty{}); err != nil {
		t.Fatal(err)
	}
	signIn(ann.Email)
	visit("/projects", "main", true)
	visit("/projects/"+id+"/label", "#task-root .obj", true)
}
