package web_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"concord/internal/labeling"
	"concord/internal/store"
)

// choiceProject has ann, bob and cy label four tasks: task 0 all agree, 1 and 2
// two of three, 3 all agree (the pattern of TestAgreementAndReview); it waits
// for the agreement report and returns the tasks in order and each one's annotation ids.
func choiceProject(t *testing.T) (*env, store.Project, map[string]string, []int64, map[string]map[int64]int64) {
	t.Helper()
	e, p, tok := labelEnv(t, 4, 3, "ann", "bob", "cy")
	plan := map[string][]string{
		"ann": {"Positive", "Positive", "Negative", "Negative"},
		"bob": {"Positive", "Positive", "Positive", "Negative"},
		"cy":  {"Positive", "Negative", "Negative", "Negative"},
	}
	var tasks []int64
	ids := map[string]map[int64]int64{}
	for _, who := range []string{"ann", "bob", "cy"} {
		ids[who] = map[int64]int64{}
		for i := 0; i < 4; i++ {
			var lt labelingTask
			e.call(tok[who], "GET", fmt.Sprintf("/api/projects/%d/next", p.ID), nil, &lt)
			if who == "ann" {
				tasks = append(tasks, lt.Task.ID)
			}
			_, id := e.submit(tok[who], lt.Task.ID, fmt.Sprint(who, i), map[string]any{"result": choice(plan[who][i]), "lead_time": float64(i + 1)})
			ids[who][lt.Task.ID] = id
		}
	}
	for deadline := time.Now().Add(40 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		var rep struct {
			Pairs []any `json:"pairs"`
		}
		e.call(tok["manager"], "GET", fmt.Sprintf("/api/projects/%d/agreement", p.ID), nil, &rep)
		if len(rep.Pairs) == 3 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no agreement report")
		}
	}
	return e, p, tok, tasks, ids
}

// TestReviewAndQualityPages: a manager sees the queue lowest agreement first,
// filters it, sees a task's annotations side by side, and the dashboard;
// annotators get 403.
func TestReviewAndQualityPages(t *testing.T) {
	t.Parallel()
	e, p, _, tasks, ids := choiceProject(t)
	br := e.browser()
	br.signIn("manager@x.org")
	base := fmt.Sprintf("/projects/%d", p.ID)

	code, body := br.get(base)
	if code != 200 || !strings.Contains(body, base+`/review"`) || !strings.Contains(body, base+`/quality"`) {
		t.Fatalf("the project page links to review and quality: %d", code)
	}
	code, body = br.get(base + "/review")
	if code != 200 {
		t.Fatalf("review queue: %d %s", code, body)
	}
	first := strings.Index(body, "Task #")
	low1, low2, high := strings.Index(body, fmt.Sprintf("Task #%d<", tasks[1])), strings.Index(body, fmt.Sprintf("Task #%d<", tasks[2])), strings.Index(body, fmt.Sprintf("Task #%d<", tasks[0]))
	if first < 0 || low1 < 0 || low2 < 0 || high < 0 || high < low1 || high < low2 || !strings.Contains(body, "0.333") {
		t.Fatalf("queue not lowest agreement first:\n%s", body)
	}
	// Filters: bob's Positive only; a date range that excludes everything.
	var bob store.User
	for _, u := range mustUsers(t, e) {
		if u.Email == "bob@x.org" {
			bob = u
		}
	}
	_, body = br.get(base + "/review?" + url.Values{"annotator": {fmt.Sprint(bob.ID)}, "label": {"Negative"}, "state": {"all"}}.Encode())
	if strings.Contains(body, fmt.Sprintf("Task #%d<", tasks[0])) || !strings.Contains(body, fmt.Sprintf("Task #%d<", tasks[1])) {
		t.Fatalf("label filter: task 0 has no Negative, task 1 has")
	}
	_, body = br.get(base + "/review?from=2000-01-01&to=2000-01-02")
	if !strings.Contains(body, "No annotated task matches") {
		t.Fatal("date filter kept old tasks")
	}
	today := time.Now().Format("2006-01-02")
	_, body = br.get(base + "/review?from=" + today + "&to=" + today)
	if strings.Count(body, "Task #") != 4 {
		t.Fatalf("to is inclusive of its day: %d tasks", strings.Count(body, "Task #"))
	}

	// Side by side: task 2, bob differs from the majority (Negative).
	code, body = br.get(fmt.Sprintf("%s/review/%d", base, tasks[2]))
	if code != 200 || !strings.Contains(body, "majority: Negative") || !strings.Contains(body, "bob@x.org") || strings.Count(body, `class="differs"`) != 1 {
		t.Fatalf("side by side of task 2: %d\n%s", code, body)
	}
	// A task of another project is not found here.
	if code, _ := br.get(fmt.Sprintf("%s/review/%d", base, tasks[2]+1000)); code != 404 {
		t.Fatalf("unknown task: %d", code)
	}

	// Reject without a comment is refused, with the reason on the page.
	resp := br.post(fmt.Sprintf("%s/review/%d", base, tasks[2]), url.Values{"annotation": {fmt.Sprint(ids["bob"][tasks[2]])}, "action": {"reject"}})
	if resp.StatusCode != 422 {
		t.Fatalf("reject without comment: %d", resp.StatusCode)
	}
	resp = br.post(fmt.Sprintf("%s/review/%d", base, tasks[2]), url.Values{"annotation": {fmt.Sprint(ids["bob"][tasks[2]])}, "action": {"reject"}, "comment": {"It is negative"}})
	if resp.StatusCode != 303 {
		t.Fatalf("reject: %d", resp.StatusCode)
	}
	var state, comment string
	e.store.Pool.QueryRow(t.Context(), `SELECT review_state, review_comment FROM annotations WHERE id = $1`, ids["bob"][tasks[2]]).Scan(&state, &comment)
	if state != "rejected" || comment != "It is negative" {
		t.Fatalf("after reject: %q %q", state, comment)
	}
	// Accept, ground truth, fix.
	br.post(fmt.Sprintf("%s/review/%d", base, tasks[0]), url.Values{"annotation": {fmt.Sprint(ids["ann"][tasks[0]])}, "action": {"accept"}})
	br.post(fmt.Sprintf("%s/review/%d", base, tasks[3]), url.Values{"annotation": {fmt.Sprint(ids["cy"][tasks[3]])}, "action": {"ground_truth"}})
	_, body = br.get(fmt.Sprintf("%s/review/%d?fix=%d", base, tasks[1], ids["ann"][tasks[1]]))
	if !strings.Contains(body, `id="fix"`) || !strings.Contains(body, `name="choice.sentiment" value="Positive" checked`) {
		t.Fatalf("fix form starts from ann's Positive:\n%s", body)
	}
	resp = br.post(fmt.Sprintf("%s/review/%d", base, tasks[1]), url.Values{"annotation": {fmt.Sprint(ids["ann"][tasks[1]])}, "action": {"fix"}, "choice.sentiment": {"Negative"}})
	if resp.StatusCode != 303 {
		t.Fatalf("fix: %d", resp.StatusCode)
	}
	var accepted, gt, fixed int
	e.store.Pool.QueryRow(t.Context(), `SELECT count(*) FILTER (WHERE id = $1 AND review_state = 'accepted'),
		count(*) FILTER (WHERE id = $2 AND ground_truth),
		count(*) FILTER (WHERE task_id = $3 AND ground_truth AND review_state = 'accepted' AND result->0->'value'->'choices'->>0 = 'Negative')
		FROM annotations`, ids["ann"][tasks[0]], ids["cy"][tasks[3]], tasks[1]).Scan(&accepted, &gt, &fixed)
	if accepted != 1 || gt != 1 || fixed != 1 {
		t.Fatalf("accepted %d, ground truth %d, fixed %d; want 1 each", accepted, gt, fixed)
	}

	// The dashboard.
	code, body = br.get(base + "/quality")
	for _, want := range []string{`id="chart-progress"`, `id="chart-labels"`, `id="chart-label-kappa"`, "Krippendorff", "ann@x.org", "bob@x.org", "cy@x.org",
		"Confusion matrix", `class="h`, "Reliability (Dawid–Skene)"} {
		if code != 200 || !strings.Contains(body, want) {
			t.Fatalf("quality page (%d) lacks %q:\n%s", code, want, body)
		}
	}
	_, body = br.get(fmt.Sprintf("%s/quality?a=%d&b=%d", base, bob.ID, bob.ID))
	if !strings.Contains(body, "no classified task in common") {
		t.Fatal("a pair of one annotator with themself has no matrix")
	}

	// Annotators may not see any of it.
	ab := e.browser()
	ab.signIn("ann@x.org")
	for _, path := range []string{base + "/review", fmt.Sprintf("%s/review/%d", base, tasks[0]), base + "/quality"} {
		if code, _ := ab.get(path); code != 403 {
			t.Fatalf("annotator GET %s: %d, want 403", path, code)
		}
	}
	ab.get(base)
	if resp := ab.post(fmt.Sprintf("%s/review/%d", base, tasks[0]), url.Values{"annotation": {fmt.Sprint(ids["bob"][tasks[0]])}, "action": {"accept"}}); resp.StatusCode != 403 {
		t.Fatalf("annotator POST verdict: %d, want 403", resp.StatusCode)
	}
}

func mustUsers(t *testing.T, e *env) []store.User {
	us, err := e.store.Users(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return us
}

// spanProject is a named-entity project with one task that ann and bob label
// with spans: both mark "Paris" LOC; only bob marks "Anna" PER.
func spanProject(t *testing.T) (*env, store.Project, int64, map[string]int64) {
	t.Helper()
	e := newEnv(t)
	ctx := context.Background()
	mgr := e.user("manager@x.org", store.RoleManager)
	preset, _ := labeling.PresetByName("ner")
	p, err := e.store.CreateProject(ctx, store.ProjectFields{Title: "NER", LabelConfig: preset.Config, MaximumAnnotations: 2, Sampling: "sequential", LockMinutes: 30}, mgr.ID)
	if err != nil {
		t.Fatal(err)
	}
	task, err := e.store.CreateTask(ctx, p.ID, map[string]any{"text": "Anna flew to Paris."})
	if err != nil {
		t.Fatal(err)
	}
	span := func(start, end int, text, label string) map[string]any {
		return map[string]any{"id": fmt.Sprint(label, start), "from_name": "label", "to_name": "text", "type": "labels",
			"value": map[string]any{"start": start, "end": end, "text": text, "labels": []string{label}}}
	}
	results := map[string][]map[string]any{
		"ann": {span(13, 18, "Paris", "LOC")},
		"bob": {span(0, 4, "Anna", "PER"), span(13, 18, "Paris", "LOC")},
	}
	ids := map[string]int64{}
	for _, who := range []string{"ann", "bob"} {
		u := e.user(who+"@x.org", store.RoleAnnotator)
		e.store.SetMember(ctx, p.ID, u.ID, store.RoleAnnotator)
		tok := e.token(u)
		var lt labelingTask
		e.call(tok, "GET", fmt.Sprintf("/api/projects/%d/next", p.ID), nil, &lt)
		code, id := e.submit(tok, task.ID, who, map[string]any{"result": results[who], "lead_time": 2.0})
		if code != 201 {
			t.Fatalf("%s submits: %d", who, code)
		}
		ids[who] = id
	}
	return e, p, task.ID, ids
}

// TestReviewSpans draws both annotators' spans over the text, flags the one
// only bob made, and fixes the task from ann's annotation with a span added.
func TestReviewSpans(t *testing.T) {
	t.Parallel()
	e, p, task, ids := spanProject(t)
	br := e.browser()
	br.signIn("manager@x.org")
	page := fmt.Sprintf("/projects/%d/review/%d", p.ID, task)
	code, body := br.get(page)
	for _, want := range []string{`<span class="df"><span class="u a1 d1 end" data-l="A2 PER">Anna</span></span>`,
		`<span class="u a1 d1 end" data-l="A2 LOC"><span class="u a0 d0 end" data-l="A1 LOC">Paris</span></span>`,
		"“Anna”", "differs", "all agree"} {
		if code != 200 || !strings.Contains(body, want) {
			t.Fatalf("side by side (%d) lacks %q:\n%s", code, want, body)
		}
	}
	_, body = br.get(fmt.Sprintf("%s?fix=%d", page, ids["ann"]))
	if !strings.Contains(body, `name="r0.start" type="number" step="1" min="0" value="13"`) || !strings.Contains(body, `New region (label)`) {
		t.Fatalf("fix form from ann's span:\n%s", body)
	}
	// Keep Paris, add Anna as PER in the new row; a bad offset is refused first.
	form := url.Values{"annotation": {fmt.Sprint(ids["ann"])}, "action": {"fix"},
		"r0.ctl": {"label"}, "r0.id": {"LOC13"}, "r0.label": {"LOC"}, "r0.start": {"13"}, "r0.end": {"18"},
		"r1.ctl": {"label"}, "r1.label": {"PER"}, "r1.start": {"0"}, "r1.end": {"99"}}
	if resp := br.post(page, form); resp.StatusCode != 422 {
		t.Fatalf("offset past the text: %d", resp.StatusCode)
	}
	form.Set("r1.end", "4")
	if resp := br.post(page, form); resp.StatusCode != 303 {
		t.Fatalf("fix: %d", resp.StatusCode)
	}
	var texts string
	e.store.Pool.QueryRow(t.Context(), `SELECT string_agg(r->'value'->>'text' || ':' || (r->'value'->'labels'->>0), ',' ORDER BY r->'value'->>'start')
		FROM annotations a, jsonb_array_elements(a.result) r WHERE a.task_id = $1 AND a.ground_truth AND a.review_state = 'accepted'`, task).Scan(&texts)
	if texts != "Anna:PER,Paris:LOC" {
		t.Fatalf("the fixed annotation has %q", texts)
	}
}
