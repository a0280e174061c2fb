package web_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"concord/internal/config"
	"concord/internal/store"
)

// TestCurrentSDKRecorded replays the flows of Label Studio's current SDK (the
// Fern-generated LabelStudio client, label-studio-sdk 2.1.1) as recorded
// against concord serve on 2026-12-02 (testdata/lscompat/current-sdk-2.1.1.jsonl):
// the same paths (with their trailing slashes), queries and bodies, and the
// fields the client reads back. Its models build nested objects from the
// answers, so a user where it expects an object (created_by) breaks it, and its
// pagers stop on the 404 past the last page.
func TestCurrentSDKRecorded(t *testing.T) {
	t.Parallel()
	b := newRecordedBackend(t)
	e := newEnv(t, func(c *config.Config) { c.AllowPrivate = "127.0.0.0/8" })
	admin := e.user("admin@x.org", store.RoleAdmin)
	key := e.token(admin)
	config := `<View><Text name="text" value="$text"/><Choices name="sentiment" toName="text" choice="single"><Choice value="pos"/><Choice value="neg"/></Choices></View>`
	choice := func(label string) string {
		return fmt.Sprintf(`[{"from_name": "sentiment", "to_name": "text", "type": "choices", "value": {"choices": [%q]}}]`, label)
	}
	do := func(flow, method, path, query, body string, status int, out any) {
		t.Helper()
		code, _, got := e.lsDo(key, method, path, query, body)
		want(t, flow, code, got, status)
		if out != nil {
			decode(t, flow, got, out)
		}
	}

	do("versions.get", "GET", "/api/version/", "", "", 200, nil)

	// projects: create, get, update, list (paged until a 404), validate.
	type project struct {
		ID          int64  `json:"id"`
		Title       string `json:"title"`
		LabelConfig string `json:"label_config"`
		CreatedBy   *struct {
			ID    int64  `json:"id"`
			Email string `json:"email"`
		} `json:"created_by"`
	}
	var p project
	do("projects.create", "POST", "/api/projects/", "", fmt.Sprintf(`{"description": "made by the Fern SDK", "label_config": %q, "title": "SDK current"}`, config), 201, &p)
	if p.ID == 0 || p.CreatedBy == nil || p.CreatedBy.ID != admin.ID || p.CreatedBy.Email != "admin@x.org" {
		t.Fatalf("projects.create: %+v; the SDK builds created_by as a user object", p)
	}
	pp := fmt.Sprintf("/api/projects/%d/", p.ID)
	do("projects.get", "GET", pp, "", "", 200, &p)
	if p.LabelConfig != config {
		t.Fatalf("projects.get: %+v", p)
	}
	do("projects.update", "PATCH", pp, "", `{"maximum_annotations": 2, "title": "SDK current renamed"}`, 200, &p)
	if p.Title != "SDK current renamed" {
		t.Fatalf("projects.update: %+v", p)
	}
	var list struct {
		Count   int       `json:"count"`
		Results []project `json:"results"`
	}
	do("projects.list", "GET", "/api/projects/", "page=1", "", 200, &list)
	if list.Count != 1 || len(list.Results) != 1 || list.Results[0].ID != p.ID || list.Results[0].CreatedBy == nil {
		t.Fatalf("projects.list: %+v", list)
	}
	do("projects.list past the last page", "GET", "/api/projects/", "page=2", "", 404, nil)
	do("projects.validate_label_config", "POST", pp+"validate/", "", fmt.Sprintf(`{"label_config": %q}`, config), 200, nil)

	// import_tasks with return_task_ids=true; tasks create, list (both pagers), get, update.
	var imp struct {
		TaskCount int     `json:"task_count"`
		TaskIDs   []int64 `json:"task_ids"`
	}
	do("projects.import_tasks", "POST", fmt.Sprintf("/api/projects/%d/import", p.ID), "return_task_ids=true",
		`[{"text": "I love it"}, {"text": "I hate it"}, {"data": {"text": "great"}, "predictions": [{"model_version": "m0", "score": 0.5, "result": `+choice("pos")+`}]}]`, 201, &imp)
	if imp.TaskCount != 3 || len(imp.TaskIDs) != 3 {
		t.Fatalf("projects.import_tasks: %+v", imp)
	}
	type task struct {
		ID          int64          `json:"id"`
		Data        map[string]any `json:"data"`
		Predictions []struct {
			ModelVersion string `json:"model_version"`
		} `json:"predictions"`
	}
	var made task
	do("tasks.create", "POST", "/api/tasks/", "", fmt.Sprintf(`{"data": {"text": "made one by one"}, "project": %d}`, p.ID), 201, &made)
	if made.ID == 0 || made.Data["text"] != "made one by one" {
		t.Fatalf("tasks.create: %+v", made)
	}
	for _, c := range []struct {
		size  string
		pages []int
	}{{"", []int{4}}, {"2", []int{2, 2}}} {
		var got int
		for page := 1; ; page++ {
			q := url.Values{"fields": {"all"}, "page": {fmt.Sprint(page)}, "project": {fmt.Sprint(p.ID)}}
			if c.size != "" {
				q.Set("page_size", c.size)
			}
			if page > len(c.pages) {
				do("tasks.list past the last page", "GET", "/api/tasks/", q.Encode(), "", 404, nil)
				break
			}
			var out struct {
				Tasks []task `json:"tasks"`
				Total int    `json:"total"`
			}
			do("tasks.list", "GET", "/api/tasks/", q.Encode(), "", 200, &out)
			if len(out.Tasks) != c.pages[page-1] || out.Total != 4 {
				t.Fatalf("tasks.list page_size %q page %d: %d tasks of %d", c.size, page, len(out.Tasks), out.Total)
			}
			got += len(out.Tasks)
		}
		if got != 4 {
			t.Fatalf("tasks.list page_size %q: %d tasks", c.size, got)
		}
	}
	var got task
	do("tasks.get", "GET", fmt.Sprintf("/api/tasks/%d/", imp.TaskIDs[2]), "", "", 200, &got)
	if got.Data["text"] != "great" || len(got.Predictions) != 1 || got.Predictions[0].ModelVersion != "m0" {
		t.Fatalf("tasks.get: %+v", got)
	}
	do("tasks.update", "PATCH", fmt.Sprintf("/api/tasks/%d/", made.ID), "", `{"data": {"text": "made one by one, edited"}}`, 200, &got)
	if got.Data["text"] != "made one by one, edited" {
		t.Fatalf("tasks.update: %+v", got)
	}

	// annotations: create (one as ground truth), list, get, update (marking ground truth).
	type annotation struct {
		ID          int64             `json:"id"`
		Task        int64             `json:"task"`
		GroundTruth bool              `json:"ground_truth"`
		Result      []json.RawMessage `json:"result"`
	}
	var ann, gt annotation
	do("annotations.create", "POST", fmt.Sprintf("/api/tasks/%d/annotations/", imp.TaskIDs[0]), "", `{"lead_time": 2.5, "result": `+choice("pos")+`}`, 201, &ann)
	if ann.ID == 0 || ann.Task != imp.TaskIDs[0] || ann.GroundTruth {
		t.Fatalf("annotations.create: %+v", ann)
	}
	do("annotations.create ground_truth", "POST", fmt.Sprintf("/api/tasks/%d/annotations/", imp.TaskIDs[1]), "", `{"ground_truth": true, "result": `+choice("neg")+`}`, 201, &gt)
	if !gt.GroundTruth {
		t.Fatalf("annotations.create with ground_truth true by an admin: %+v", gt)
	}
	var anns []annotation
	do("annotations.list", "GET", fmt.Sprintf("/api/tasks/%d/annotations/", imp.TaskIDs[0]), "", "", 200, &anns)
	if len(anns) != 1 || anns[0].ID != ann.ID {
		t.Fatalf("annotations.list: %+v", anns)
	}
	do("annotations.get", "GET", fmt.Sprintf("/api/annotations/%d/", ann.ID), "", "", 200, &ann)
	do("annotations.update", "PATCH", fmt.Sprintf("/api/annotations/%d/", ann.ID), "", `{"ground_truth": true, "result": `+choice("neg")+`, "was_cancelled": false}`, 200, &ann)
	if !ann.GroundTruth || !strings.Contains(string(ann.Result[0]), `"neg"`) {
		t.Fatalf("annotations.update: %+v", ann)
	}
	var stored bool
	e.store.Pool.QueryRow(t.Context(), `SELECT ground_truth FROM annotations WHERE id = $1`, ann.ID).Scan(&stored)
	if !stored {
		t.Fatal("annotations.update: ground_truth answered but not stored")
	}

	// predictions: create, list by task and by project, get, update, delete; bulk import.
	type prediction struct {
		ID     int64             `json:"id"`
		Task   int64             `json:"task"`
		Score  float64           `json:"score"`
		Result []json.RawMessage `json:"result"`
	}
	var pr prediction
	do("predictions.create", "POST", "/api/predictions/", "", fmt.Sprintf(`{"model_version": "m1", "result": %s, "score": 0.8, "task": %d}`, choice("neg"), made.ID), 201, &pr)
	var prs []prediction
	do("predictions.list task", "GET", "/api/predictions/", fmt.Sprintf("task=%d", made.ID), "", 200, &prs)
	if len(prs) != 1 || prs[0].ID != pr.ID {
		t.Fatalf("predictions.list task: %+v", prs)
	}
	do("predictions.list project", "GET", "/api/predictions/", fmt.Sprintf("project=%d", p.ID), "", 200, &prs)
	if len(prs) != 2 {
		t.Fatalf("predictions.list project: %+v, want the imported one and the new one", prs)
	}
	pu := fmt.Sprintf("/api/predictions/%d/", pr.ID)
	do("predictions.get", "GET", pu, "", "", 200, &pr)
	if pr.Score != 0.8 || pr.Task != made.ID {
		t.Fatalf("predictions.get: %+v", pr)
	}
	do("predictions.update", "PATCH", pu, "", `{"result": `+choice("pos")+`, "score": 0.3}`, 200, &pr)
	if pr.Score != 0.3 || !strings.Contains(string(pr.Result[0]), `"pos"`) {
		t.Fatalf("predictions.update: %+v", pr)
	}
	var uncertainty float64
	e.store.Pool.QueryRow(t.Context(), `SELECT uncertainty FROM tasks WHERE id = $1`, made.ID).Scan(&uncertainty)
	if uncertainty != 0.3 {
		t.Fatalf("the task's lowest score is %v after the update, want 0.3", uncertainty)
	}
	do("predictions.update moving it", "PATCH", pu, "", fmt.Sprintf(`{"task": %d}`, imp.TaskIDs[0]), 422, nil)
	do("predictions.delete", "DELETE", pu, "", "", 204, nil)
	do("predictions.get a deleted one", "GET", pu, "", "", 404, nil)
	do("predictions.list after delete", "GET", "/api/predictions/", fmt.Sprintf("task=%d", made.ID), "", 200, &prs)
	if len(prs) != 0 {
		t.Fatalf("predictions.list after delete: %+v", prs)
	}
	var created map[string]int
	do("projects.import_predictions", "POST", fmt.Sprintf("/api/projects/%d/import/predictions", p.ID), "",
		fmt.Sprintf(`[{"task": %d, "result": %s, "score": 0.6, "model_version": "m2"}]`, made.ID, choice("neg")), 201, &created)
	if created["created"] != 1 {
		t.Fatalf("projects.import_predictions: %v", created)
	}

	// tasks.list with a Data Manager query: annotated tasks only.
	q := url.Values{"fields": {"all"}, "page": {"1"}, "project": {fmt.Sprint(p.ID)},
		"query": {`{"filters": {"conjunction": "and", "items": [{"filter": "filter:tasks:total_annotations", "operator": "greater", "type": "Number", "value": 0}]}}`}}
	var annotated struct {
		Tasks []task `json:"tasks"`
	}
	do("tasks.list query", "GET", "/api/tasks/", q.Encode(), "", 200, &annotated)
	if len(annotated.Tasks) != 2 || annotated.Tasks[0].ID != imp.TaskIDs[0] || annotated.Tasks[1].ID != imp.TaskIDs[1] {
		t.Fatalf("tasks.list query: %+v", annotated.Tasks)
	}

	// exports: formats, the streamed export with export_type (snake case), a
	// snapshot with task_filter_options, its list, download and delete.
	var formats []any
	do("exports.list_formats", "GET", fmt.Sprintf("/api/projects/%d/export/formats", p.ID), "", "", 200, &formats)
	var tasks []task
	do("exports.download_sync JSON", "GET", fmt.Sprintf("/api/projects/%d/export", p.ID), "download_all_tasks=true&export_type=JSON", "", 200, &tasks)
	if len(tasks) != 4 {
		t.Fatalf("exports.download_sync: %d tasks, want 4", len(tasks))
	}
	code, _, csv := e.lsDo(key, "GET", fmt.Sprintf("/api/projects/%d/export", p.ID), "download_all_tasks=true&download_resources=true&export_type=CSV", "")
	if want(t, "exports.as_pandas", code, csv, 200); strings.Count(strings.TrimSpace(string(csv)), "\n") != 4 || strings.HasPrefix(string(csv), "[") {
		t.Fatalf("exports.as_pandas: export_type=CSV answered %.300s; pandas reads a CSV of 4 rows", csv)
	}
	var snap struct {
		ID        int64 `json:"id"`
		Status    string
		CreatedBy *struct {
			Email string `json:"email"`
		} `json:"created_by"`
	}
	do("exports.create", "POST", fmt.Sprintf("/api/projects/%d/exports/", p.ID), "",
		`{"annotation_filter_options": {"usual": true, "ground_truth": null, "skipped": null}, "task_filter_options": {"annotated": "only"}, "title": "snap"}`, 202, &snap)
	if snap.CreatedBy == nil || snap.CreatedBy.Email != "admin@x.org" {
		t.Fatalf("exports.create: created_by %+v; the SDK builds it as a user object", snap.CreatedBy)
	}
	for deadline := time.Now().Add(30 * time.Second); snap.Status != "completed"; time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("exports.get: %q, never completed", snap.Status)
		}
		do("exports.get", "GET", fmt.Sprintf("/api/projects/%d/exports/%d", p.ID, snap.ID), "", "", 200, &snap)
	}
	var snaps []struct {
		ID int64 `json:"id"`
	}
	do("exports.list", "GET", fmt.Sprintf("/api/projects/%d/exports/", p.ID), "", "", 200, &snaps)
	if len(snaps) != 1 || snaps[0].ID != snap.ID {
		t.Fatalf("exports.list: %+v", snaps)
	}
	do("exports.download", "GET", fmt.Sprintf("/api/projects/%d/exports/%d/download", p.ID, snap.ID), "exportType=JSON", "", 200, &tasks)
	if len(tasks) != 2 || tasks[0].ID != imp.TaskIDs[0] || tasks[1].ID != imp.TaskIDs[1] {
		t.Fatalf("exports.download: %d tasks, want the 2 annotated (task_filter_options.annotated only)", len(tasks))
	}
	do("exports.delete", "DELETE", fmt.Sprintf("/api/projects/%d/exports/%d", p.ID, snap.ID), "", "", 204, nil)

	// ml: create, list, get, update (echoing a Label Studio default), predict, train, delete.
	type backend struct {
		ID    int64  `json:"id"`
		URL   string `json:"url"`
		Title string `json:"title"`
	}
	var ml backend
	do("ml.create", "POST", "/api/ml/", "", fmt.Sprintf(`{"project": %d, "title": "stub", "url": %q}`, p.ID, b.URL), 201, &ml)
	var mls []backend
	do("ml.list", "GET", "/api/ml/", fmt.Sprintf("project=%d", p.ID), "", 200, &mls)
	if len(mls) != 1 || mls[0].ID != ml.ID {
		t.Fatalf("ml.list: %+v", mls)
	}
	mu := fmt.Sprintf("/api/ml/%d", ml.ID)
	do("ml.get", "GET", mu, "", "", 200, &ml)
	if ml.URL != b.URL {
		t.Fatalf("ml.get: %+v", ml)
	}
	do("ml.update", "PATCH", mu, "", `{"is_interactive": false, "title": "stub renamed"}`, 200, &ml)
	if ml.Title != "stub renamed" {
		t.Fatalf("ml.update: %+v", ml)
	}
	do("ml.predict_all_tasks", "POST", mu+"/predict", "", "", 202, nil)
	do("ml.train", "POST", mu+"/train", "", "{}", 200, nil)
	b.waitFor(t, "START_TRAINING", "/webhook", func(body map[string]any) bool { return body["action"] == "START_TRAINING" })
	do("ml.delete", "DELETE", mu, "", "", 204, nil)

	// Deletes, with the SDK's trailing slashes.
	do("annotations.delete", "DELETE", fmt.Sprintf("/api/annotations/%d/", ann.ID), "", "", 204, nil)
	do("tasks.delete", "DELETE", fmt.Sprintf("/api/tasks/%d/", made.ID), "", "", 204, nil)
	do("projects.delete", "DELETE", pp, "", "", 204, nil)
}

// TestLabelStudioWriteRules checks the writes Label Studio's clients send
// that Concord honours with rules of its own: ground_truth on a new or edited
// annotation (managers only), boxes a hair past the image's edge (clamped;
// further out, 422), a snapshot's task_filter_options, and the fields of
// PATCH /api/ml/{id}.
func TestLabelStudioWriteRules(t *testing.T) {
	t.Parallel()
	b := newRecordedBackend(t)
	e := newEnv(t, func(c *config.Config) { c.AllowPrivate = "127.0.0.0/8" })
	mgr := e.user("m@x.org", store.RoleManager)
	annotator := e.user("a@x.org", store.RoleAnnotator)
	mkey, akey := e.token(mgr), e.token(annotator)
	p := e.project(mgr, "rules")
	if err := e.store.SetMember(t.Context(), p.ID, annotator.ID, store.RoleAnnotator); err != nil {
		t.Fatal(err)
	}
	var imp struct {
		TaskIDs []int64 `json:"task_ids"`
	}
	e.call(mkey, "POST", fmt.Sprintf("/api/projects/%d/import?return_task_ids=1", p.ID), []map[string]string{{"text": "a"}, {"text": "b"}, {"text": "c"}}, &imp)
	positive := `[{"from_name": "sentiment", "to_name": "text", "type": "choices", "value": {"choices": ["Positive"]}}]`
	groundTruth := func(id int64) (gt bool) {
		e.store.Pool.QueryRow(t.Context(), `SELECT ground_truth FROM annotations WHERE id = $1`, id).Scan(&gt)
		return gt
	}

	// ground_truth: an annotator may not mark (403, nothing stored) nor unmark
	// a manager's mark; sending the current value is no change.
	code, _, body := e.lsDo(akey, "POST", fmt.Sprintf("/api/tasks/%d/annotations/", imp.TaskIDs[0]), "", `{"ground_truth": true, "result": `+positive+`}`)
	if code != 403 || !strings.Contains(string(body), "ground_truth") {
		t.Fatalf("an annotator's ground truth: %d %s, want 403 naming ground_truth", code, body)
	}
	var n int
	e.store.Pool.QueryRow(t.Context(), `SELECT count(*) FROM annotations WHERE task_id = $1`, imp.TaskIDs[0]).Scan(&n)
	if n != 0 {
		t.Fatalf("the refused annotation was stored")
	}
	var ann struct {
		ID          int64 `json:"id"`
		GroundTruth bool  `json:"ground_truth"`
	}
	code, _, body = e.lsDo(akey, "POST", fmt.Sprintf("/api/tasks/%d/annotations/", imp.TaskIDs[0]), "", `{"ground_truth": false, "result": `+positive+`}`)
	want(t, "an annotator's annotation sending ground_truth false", code, body, 201)
	decode(t, "annotation", body, &ann)
	code, _, body = e.lsDo(mkey, "PATCH", fmt.Sprintf("/api/annotations/%d", ann.ID), "", `{"ground_truth": true}`)
	if want(t, "a manager marks it", code, body, 200); !groundTruth(ann.ID) {
		t.Fatal("the manager's mark was not stored")
	}
	code, _, body = e.lsDo(akey, "PATCH", fmt.Sprintf("/api/annotations/%d", ann.ID), "", `{"ground_truth": false, "result": `+positive+`}`)
	if code != 403 || !groundTruth(ann.ID) {
		t.Fatalf("the annotator unmarking: %d %s, want 403 and the mark kept", code, body)
	}
	code, _, body = e.lsDo(akey, "PATCH", fmt.Sprintf("/api/annotations/%d", ann.ID), "", `{"ground_truth": true, "lead_time": 3}`)
	if want(t, "the annotator echoing the mark", code, body, 200); !groundTruth(ann.ID) {
		t.Fatal("echoing the mark unmarked it")
	}
	code, _, body = e.lsDo(mkey, "PATCH", fmt.Sprintf("/api/annotations/%d", ann.ID), "", `{"ground_truth": false}`)
	if want(t, "a manager unmarks it", code, body, 200); groundTruth(ann.ID) {
		t.Fatal("the manager's unmark was not stored")
	}

	// Boxes: x+width = 100.0001 (float rounding) is pulled onto the edge and
	// stored so; a box well past the edge is 422 and nothing is stored.
	boxes := e.project(mgr, "boxes")
	e.store.UpdateProject(t.Context(), boxes.ID, store.ProjectFields{Title: "boxes", MaximumAnnotations: 1, Sampling: "sequential",
		LabelConfig: `<View><Image name="image" value="$image"/><RectangleLabels name="label" toName="image"><Label value="Car"/></RectangleLabels></View>`})
	var bimp struct {
		TaskIDs []int64 `json:"task_ids"`
	}
	e.call(mkey, "POST", fmt.Sprintf("/api/projects/%d/import?return_task_ids=1", boxes.ID), []map[string]string{{"image": "/x.png"}, {"image": "/y.png"}}, &bimp)
	box := func(x, w float64) string {
		return fmt.Sprintf(`{"result": [{"id": "b1", "from_name": "label", "to_name": "image", "type": "rectanglelabels", "value": {"x": %v, "y": 10, "width": %v, "height": 20, "rotation": 0, "rectanglelabels": ["Car"]}}]}`, x, w)
	}
	code, _, body = e.lsDo(mkey, "POST", fmt.Sprintf("/api/tasks/%d/annotations/", bimp.TaskIDs[0]), "", box(60.0001, 40))
	want(t, "a box 0.0001 % past the edge", code, body, 201)
	var w float64
	e.store.Pool.QueryRow(t.Context(), `SELECT (result->0->'value'->>'width')::float8 FROM annotations WHERE task_id = $1`, bimp.TaskIDs[0]).Scan(&w)
	if w < 39.9998 || w > 39.99991 {
		t.Fatalf("the clamped box's width is %v, want 100 - 60.0001", w)
	}
	code, _, body = e.lsDo(mkey, "POST", fmt.Sprintf("/api/tasks/%d/annotations/", bimp.TaskIDs[1]), "", box(60, 45))
	if code != 422 || !strings.Contains(string(body), "runs past the image") {
		t.Fatalf("a box 5 %% past the edge: %d %s, want 422", code, body)
	}

	// task_filter_options: a snapshot holds every task unless filtered;
	// annotated, skipped, finished and reviewed take only or exclude; a saved
	// view, an unknown option or mode is refused by name.
	e.lsDo(mkey, "POST", fmt.Sprintf("/api/tasks/%d/annotations/", imp.TaskIDs[1]), "", `{"was_cancelled": true, "result": []}`)
	snapshot := func(filter string) []int64 {
		t.Helper()
		var s struct {
			ID     int64  `json:"id"`
			Status string `json:"status"`
		}
		code, _, body := e.lsDo(mkey, "POST", fmt.Sprintf("/api/projects/%d/exports/", p.ID), "", `{"title": "s", "task_filter_options": `+filter+`}`)
		want(t, "snapshot "+filter, code, body, 202)
		decode(t, "snapshot", body, &s)
		for deadline := time.Now().Add(30 * time.Second); s.Status != "completed"; time.Sleep(50 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("snapshot %s: %q", filter, s.Status)
			}
			e.call(mkey, "GET", fmt.Sprintf("/api/projects/%d/exports/%d", p.ID, s.ID), nil, &s)
		}
		var tasks []struct {
			ID int64 `json:"id"`
		}
		code, _, body = e.lsDo(mkey, "GET", fmt.Sprintf("/api/projects/%d/exports/%d/download", p.ID, s.ID), "", "")
		want(t, "snapshot download", code, body, 200)
		decode(t, "snapshot download", body, &tasks)
		var ids []int64
		for _, t := range tasks {
			ids = append(ids, t.ID)
		}
		return ids
	}
	a, sk, none := imp.TaskIDs[0], imp.TaskIDs[1], imp.TaskIDs[2]
	for _, c := range []struct {
		filter string
		want   []int64
	}{
		{`{}`, []int64{a, sk, none}},
		{`{"annotated": "only"}`, []int64{a}},
		{`{"annotated": "exclude"}`, []int64{sk, none}},
		{`{"skipped": "only"}`, []int64{sk}},
		{`{"finished": "only", "skipped": null}`, []int64{a}},
		{`{"reviewed": "exclude", "annotated": "only"}`, []int64{a}},
		{`{"only_with_annotations": true}`, []int64{a}},
	} {
		if got := snapshot(c.filter); fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Errorf("task_filter_options %s: tasks %v, want %v", c.filter, got, c.want)
		}
	}
	for _, c := range []struct{ filter, says string }{
		{`{"view": 3}`, "task_filter_options.view"},
		{`{"labelled": "only"}`, "task_filter_options.labelled"},
		{`{"annotated": "some"}`, "task_filter_options.annotated"},
	} {
		code, _, body := e.lsDo(mkey, "POST", fmt.Sprintf("/api/projects/%d/exports/", p.ID), "", `{"task_filter_options": `+c.filter+`}`)
		if code != 422 || !strings.Contains(string(body), c.says) {
			t.Errorf("task_filter_options %s: %d %s, want 422 naming %s", c.filter, code, body, c.says)
		}
	}

	// PATCH /api/ml/{id}: Label Studio's defaults are taken, other values of
	// its settings are 422, an unknown field is 400 by name; nothing changes.
	var ml struct {
		ID    int64  `json:"id"`
		Title string `json:"title"`
	}
	if code := e.call(mkey, "POST", "/api/ml", map[string]any{"project": p.ID, "url": b.URL, "title": "ml"}, &ml); code != 201 {
		t.Fatalf("connect: %d", code)
	}
	mu := fmt.Sprintf("/api/ml/%d", ml.ID)
	code, _, body = e.lsDo(mkey, "PATCH", mu, "", fmt.Sprintf(`{"title": "renamed", "project": %d, "is_interactive": false, "auth_method": "NONE", "basic_auth_user": null, "extra_params": {}, "auto_update": true, "description": "", "state": "CO"}`, p.ID))
	want(t, "PATCH with Label Studio's defaults", code, body, 200)
	for _, c := range []struct {
		body   string
		status int
		says   string
	}{
		{`{"title": "x", "colour": "red"}`, 400, "colour"},
		{`{"title": "x", "is_interactive": true}`, 422, "is_interactive"},
		{`{"title": "x", "timeout": 5}`, 422, "timeout"},
		{`{"title": "x", "auth_method": "BASIC_AUTH", "basic_auth_user": "u"}`, 422, "not supported"},
		{fmt.Sprintf(`{"title": "x", "project": %d}`, p.ID+1), 422, "project"},
		{`{"title": 5}`, 422, "title"},
	} {
		code, _, body := e.lsDo(mkey, "PATCH", mu, "", c.body)
		if code != c.status || !strings.Contains(string(body), c.says) {
			t.Errorf("PATCH %s: %d %s, want %d naming %s", c.body, code, body, c.status, c.says)
		}
	}
	if e.call(mkey, "GET", mu, nil, &ml); ml.Title != "renamed" {
		t.Fatalf("a refused PATCH changed the backend: %+v", ml)
	}
}
