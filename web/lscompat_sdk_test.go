package web_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"concord/internal/store"
)

// The tests in this file replay, request by request, what Label Studio's own
// clients sent to a running `concord serve` (recorded through a logging proxy;
// the recordings are in testdata/lscompat/), and check the fields each client
// reads from the answers. They keep the compatibility table of the README true
// without Python or the clients' code.

// lsDo sends one recorded request: the query is given as the client encoded
// it, and a body is sent as JSON.
func (e *env) lsDo(token, method, path, query, body string) (int, http.Header, []byte) {
	e.t.Helper()
	u := e.srv.URL + path
	if query != "" {
		u += "?" + query
	}
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, _ := http.NewRequest(method, u, r)
	req.Header.Set("Authorization", "Token "+token)
	req.Header.Set("User-Agent", "python-requests/2.28.1")
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, b
}

// want fails the test unless the answer has the status the client accepts.
func want(t *testing.T, flow string, code int, body []byte, status int) {
	t.Helper()
	if code != status {
		t.Fatalf("%s: status %d, the client needs %d: %s", flow, code, status, body)
	}
}

// decode reads a JSON answer into v.
func decode(t *testing.T, flow string, body []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(body, v); err != nil {
		t.Fatalf("%s: the client reads JSON, got %s", flow, body)
	}
}

// sdkQuery is the query string label_studio_sdk 0.0.34 sends for get_tasks
// (json.dumps of the Data Manager query, form-encoded by requests).
func sdkQuery(project int64, page, size int, only string) string {
	q := url.Values{}
	q.Set("project", fmt.Sprint(project))
	q.Set("page", fmt.Sprint(page))
	q.Set("page_size", fmt.Sprint(size))
	q.Set("query", `{"filters": null, "ordering": [], "selectedItems": {"all": true, "excluded": []}}`)
	q.Set("fields", "all")
	q.Set("resolve_uri", "True")
	if only != "" {
		q.Set("include", only)
	}
	return q.Encode()
}

// TestLegacySDKRecorded replays label_studio_sdk 0.0.34's basic flows (Client
// and Project) as recorded against concord serve on 2026-12-02.
func TestLegacySDKRecorded(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	key := e.token(e.user("sdk@x.org", store.RoleAdmin))
	config := `<View><Text name="text" value="$text"/><Choices name="sentiment" toName="text" choice="single"><Choice value="pos"/><Choice value="neg"/></Choices></View>`

	// Client(url, api_key): GET /api/version, then check_connection: GET /health.
	code, _, body := e.lsDo(key, "GET", "/api/version", "", "")
	want(t, "connect", code, body, 200)
	var versions map[string]any
	decode(t, "connect", body, &versions)
	code, _, body = e.lsDo(key, "GET", "/health", "", "")
	want(t, "check_connection", code, body, 200)
	var health map[string]string
	if decode(t, "check_connection", body, &health); health["status"] != "UP" {
		t.Fatalf("check_connection: %s, want status UP", body)
	}

	// start_project, get_project, set_params, get_projects, all as recorded.
	code, _, body = e.lsDo(key, "POST", "/api/projects", "", fmt.Sprintf(`{"title": "SDK legacy", "label_config": %q}`, config))
	want(t, "create_project", code, body, 201)
	var p struct {
		ID          int64  `json:"id"`
		Title       string `json:"title"`
		LabelConfig string `json:"label_config"`
	}
	decode(t, "create_project", body, &p)
	code, _, body = e.lsDo(key, "PATCH", fmt.Sprintf("/api/projects/%d", p.ID), "", `{"title": "SDK legacy renamed"}`)
	want(t, "update_project", code, body, 200)
	code, _, body = e.lsDo(key, "GET", fmt.Sprintf("/api/projects/%d", p.ID), "", "")
	want(t, "get_project", code, body, 200)
	if decode(t, "get_project", body, &p); p.Title != "SDK legacy renamed" || p.LabelConfig != config {
		t.Fatalf("get_project: %s", body)
	}
	code, _, body = e.lsDo(key, "GET", "/api/projects", "page_size=10000000", "")
	want(t, "list_projects", code, body, 200)
	var list struct {
		Results []struct {
			ID int64 `json:"id"`
		} `json:"results"`
	}
	if decode(t, "list_projects", body, &list); len(list.Results) != 1 || list.Results[0].ID != p.ID {
		t.Fatalf("list_projects: %s", body)
	}

	// import_tasks in both task forms and from a file, with return_task_ids=1.
	var ids []int64
	importTasks := func(flow, body, contentType string) {
		t.Helper()
		req, _ := http.NewRequest("POST", fmt.Sprintf("%s/api/projects/%d/import?return_task_ids=1", e.srv.URL, p.ID), strings.NewReader(body))
		req.Header.Set("Authorization", "Token "+key)
		req.Header.Set("Content-Type", contentType)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		want(t, flow, resp.StatusCode, b, 201)
		var out struct {
			TaskIDs []int64 `json:"task_ids"`
		}
		decode(t, flow, b, &out)
		if len(out.TaskIDs) == 0 {
			t.Fatalf("%s: no task_ids: %s", flow, b)
		}
		ids = append(ids, out.TaskIDs...)
	}
	importTasks("import_tasks_bare", `[{"text": "I love it"}, {"text": "I hate it"}, {"text": "so so"}]`, "application/json")
	importTasks("import_tasks_full", `[{"data": {"text": "great"}, "predictions": [{"model_version": "m0", "score": 0.5, "result": [{"from_name": "sentiment", "to_name": "text", "type": "choices", "value": {"choices": ["pos"]}}]}]}, {"data": {"text": "awful"}}]`, "application/json")
	var file bytes.Buffer
	mw := multipart.NewWriter(&file)
	fw, _ := mw.CreateFormFile("file", "tmpvqy9nw.json")
	fw.Write([]byte(`[{"text": "from a file"}]`))
	mw.Close()
	importTasks("import_tasks_file", file.String(), mw.FormDataContentType())
	if len(ids) != 6 {
		t.Fatalf("imported %d task ids, want 6", len(ids))
	}

	// get_tasks pages until a 404; get_tasks_ids sends include=id.
	for _, only := range []string{"", "id"} {
		code, _, body = e.lsDo(key, "GET", "/api/tasks", sdkQuery(p.ID, 1, 100, only), "")
		want(t, "get_tasks page 1", code, body, 200)
		var page struct {
			Tasks []struct {
				ID   int64          `json:"id"`
				Data map[string]any `json:"data"`
			} `json:"tasks"`
			Total int `json:"total"`
		}
		decode(t, "get_tasks", body, &page)
		if len(page.Tasks) != 6 || page.Total != 6 || page.Tasks[0].ID != ids[0] || (only == "" && page.Tasks[0].Data["text"] != "I love it") {
			t.Fatalf("get_tasks include=%q: %s", only, body)
		}
		code, _, body = e.lsDo(key, "GET", "/api/tasks", sdkQuery(p.ID, 2, 100, only), "")
		want(t, "get_tasks past the last page", code, body, 404)
	}
	code, _, body = e.lsDo(key, "GET", "/api/tasks", sdkQuery(p.ID, 1, 4, ""), "")
	want(t, "get_paginated_tasks", code, body, 200)
	code, _, body = e.lsDo(key, "GET", "/api/tasks", sdkQuery(p.ID, 3, 4, ""), "")
	want(t, "get_paginated_tasks past the end", code, body, 404)

	// get_task carries the predictions imported with it; update_task changes data.
	code, _, body = e.lsDo(key, "GET", fmt.Sprintf("/api/tasks/%d", ids[3]), "", "")
	want(t, "get_task", code, body, 200)
	var task struct {
		Data        map[string]any    `json:"data"`
		Annotations []json.RawMessage `json:"annotations"`
		Predictions []struct {
			ModelVersion string `json:"model_version"`
		} `json:"predictions"`
	}
	if decode(t, "get_task", body, &task); task.Data["text"] != "great" || task.Annotations == nil || len(task.Predictions) != 1 || task.Predictions[0].ModelVersion != "m0" {
		t.Fatalf("get_task: %s", body)
	}
	code, _, body = e.lsDo(key, "PATCH", fmt.Sprintf("/api/tasks/%d", ids[2]), "", `{"data": {"text": "so so, edited"}}`)
	want(t, "update_task", code, body, 200)
	if decode(t, "update_task", body, &task); task.Data["text"] != "so so, edited" {
		t.Fatalf("update_task: %s", body)
	}

	// create_prediction in its three forms: full items, a value, a bare label.
	choice := func(label string) string {
		return fmt.Sprintf(`[{"from_name": "sentiment", "to_name": "text", "type": "choices", "value": {"choices": [%q]}}]`, label)
	}
	for i, result := range []string{choice("pos"), `{"choices": ["neg"]}`, `"neg"`} {
		code, _, body = e.lsDo(key, "POST", "/api/predictions", "", fmt.Sprintf(`{"task": %d, "result": %s, "score": 0.9, "model_version": "m1"}`, ids[i], result))
		want(t, "create_prediction "+result, code, body, 201)
		var pr struct {
			ID     int64 `json:"id"`
			Result []struct {
				FromName string `json:"from_name"`
				ToName   string `json:"to_name"`
				Type     string `json:"type"`
				Value    struct {
					Choices []string `json:"choices"`
				} `json:"value"`
			} `json:"result"`
		}
		decode(t, "create_prediction", body, &pr)
		if pr.ID == 0 || len(pr.Result) != 1 || pr.Result[0].FromName != "sentiment" || pr.Result[0].ToName != "text" || pr.Result[0].Type != "choices" || len(pr.Result[0].Value.Choices) != 1 {
			t.Fatalf("create_prediction %s: %s", result, body)
		}
	}
	code, _, body = e.lsDo(key, "POST", fmt.Sprintf("/api/projects/%d/import/predictions", p.ID), "",
		fmt.Sprintf(`[{"task": %d, "result": "pos", "score": 0.6, "model_version": "m2"}, {"task": %d, "result": %s, "model_version": "m2"}]`, ids[4], ids[5], choice("neg")))
	want(t, "create_predictions", code, body, 201)
	var created map[string]int
	if decode(t, "create_predictions", body, &created); created["created"] != 2 {
		t.Fatalf("create_predictions: %s", body)
	}
	code, _, body = e.lsDo(key, "POST", fmt.Sprintf("/api/projects/%d/import/predictions", p.ID), "", fmt.Sprintf(`[{"task": %d, "result": "maybe"}]`, ids[4]))
	if code != 422 || !strings.Contains(string(body), "prediction 1") {
		t.Fatalf("a prediction with an unknown label: %d %s, want 422 naming it", code, body)
	}

	// create_annotation posts to the path with a trailing slash.
	code, _, body = e.lsDo(key, "POST", fmt.Sprintf("/api/tasks/%d/annotations/", ids[0]), "", fmt.Sprintf(`{"result": %s, "lead_time": 3.5}`, choice("pos")))
	want(t, "create_annotation", code, body, 201)
	var ann struct {
		ID   int64 `json:"id"`
		Task int64 `json:"task"`
	}
	if decode(t, "create_annotation", body, &ann); ann.ID == 0 || ann.Task != ids[0] {
		t.Fatalf("create_annotation: %s", body)
	}
	code, _, body = e.lsDo(key, "GET", fmt.Sprintf("/api/tasks/%d/annotations", ids[0]), "", "")
	want(t, "list_annotations", code, body, 200)
	var anns []struct {
		ID int64 `json:"id"`
	}
	if decode(t, "list_annotations", body, &anns); len(anns) != 1 || anns[0].ID != ann.ID {
		t.Fatalf("list_annotations: %s", body)
	}
	code, _, body = e.lsDo(key, "PATCH", fmt.Sprintf("/api/annotations/%d", ann.ID), "", fmt.Sprintf(`{"result": %s}`, choice("neg")))
	want(t, "update_annotation", code, body, 200)

	// get_labeled_tasks and get_unlabeled_tasks filter on completed_at with
	// the Data Manager query, paging until a 404 as get_tasks does.
	for _, c := range []struct {
		empty bool
		want  []int64
	}{{false, ids[:1]}, {true, ids[1:]}} {
		q := url.Values{}
		q.Set("project", fmt.Sprint(p.ID))
		q.Set("page", "1")
		q.Set("page_size", "100")
		q.Set("query", fmt.Sprintf(`{"filters": {"conjunction": "and", "items": [{"filter": "filter:tasks:completed_at", "operator": "empty", "value": %v, "type": "Datetime"}]}, "ordering": [], "selectedItems": {"all": true, "excluded": []}}`, c.empty))
		q.Set("fields", "all")
		q.Set("include", "id")
		code, _, body = e.lsDo(key, "GET", "/api/tasks", q.Encode(), "")
		want(t, "get_labeled_tasks", code, body, 200)
		var page struct {
			Tasks []struct {
				ID int64 `json:"id"`
			} `json:"tasks"`
		}
		decode(t, "get_labeled_tasks", body, &page)
		var got []int64
		for _, t := range page.Tasks {
			got = append(got, t.ID)
		}
		if fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Fatalf("completed_at empty=%v: tasks %v, want %v", c.empty, got, c.want)
		}
		q.Set("page", "2")
		code, _, body = e.lsDo(key, "GET", "/api/tasks", q.Encode(), "")
		want(t, "get_labeled_tasks past the last page", code, body, 404)
	}

	code, _, body = e.lsDo(key, "GET", "/api/dm/views", fmt.Sprintf("project=%d", p.ID), "")
	want(t, "get_views", code, body, 200)
	var views []any
	decode(t, "get_views", body, &views)

	// export_tasks: annotated tasks only, then all, then CSV to a file.
	for _, c := range []struct {
		query string
		tasks int
	}{{"exportType=JSON&download_all_tasks=False&download_resources=False", 1}, {"exportType=JSON&download_all_tasks=True&download_resources=False", 6}} {
		code, _, body = e.lsDo(key, "GET", fmt.Sprintf("/api/projects/%d/export", p.ID), c.query, "")
		want(t, "export_tasks", code, body, 200)
		var tasks []struct {
			ID          int64             `json:"id"`
			Annotations []json.RawMessage `json:"annotations"`
		}
		if decode(t, "export_tasks", body, &tasks); len(tasks) != c.tasks {
			t.Fatalf("export_tasks %s: %d tasks, want %d", c.query, len(tasks), c.tasks)
		}
	}
	code, _, body = e.lsDo(key, "GET", fmt.Sprintf("/api/projects/%d/export", p.ID), "exportType=CSV&download_all_tasks=True&download_resources=False", "")
	if want(t, "export_tasks CSV", code, body, 200); !strings.Contains(string(body), "I love it") {
		t.Fatalf("export_tasks CSV: %s", body)
	}

	// Export snapshots: create with the SDK's payload, poll, list, download
	// as JSON and as CSV, delete.
	code, _, body = e.lsDo(key, "POST", fmt.Sprintf("/api/projects/%d/exports", p.ID), "interpolate_key_frames=False",
		`{"title": "snap", "serialization_options": {"drafts": {"only_id": true}, "predictions": {"only_id": false}, "annotations__completed_by": {"only_id": false}, "interpolate_key_frames": false}, "task_filter_options": {}, "annotation_filter_options": {"usual": true, "ground_truth": null, "skipped": null}}`)
	want(t, "export_snapshot_create", code, body, 202)
	var snap struct {
		ID     int64  `json:"id"`
		Status string `json:"status"`
	}
	decode(t, "export_snapshot_create", body, &snap)
	for deadline := time.Now().Add(30 * time.Second); snap.Status != "completed"; time.Sleep(50 * time.Millisecond) {
		if snap.Status != "in_progress" || time.Now().After(deadline) {
			t.Fatalf("export_snapshot_status: %q, the SDK waits while in_progress and then needs completed", snap.Status)
		}
		code, _, body = e.lsDo(key, "GET", fmt.Sprintf("/api/projects/%d/exports/%d", p.ID, snap.ID), "", "")
		want(t, "export_snapshot_status", code, body, 200)
		decode(t, "export_snapshot_status", body, &snap)
	}
	code, _, body = e.lsDo(key, "GET", fmt.Sprintf("/api/projects/%d/exports", p.ID), "", "")
	want(t, "export_snapshot_list", code, body, 200)
	var snaps []struct {
		ID int64 `json:"id"`
	}
	if decode(t, "export_snapshot_list", body, &snaps); len(snaps) != 1 || snaps[0].ID != snap.ID {
		t.Fatalf("export_snapshot_list: %s", body)
	}
	for _, c := range []struct{ kind, ext, has string }{{"JSON", ".json", `"annotations"`}, {"CSV", ".csv", "I love it"}} {
		code, h, body := e.lsDo(key, "GET", fmt.Sprintf("/api/projects/%d/exports/%d/download", p.ID, snap.ID), "exportType="+c.kind, "")
		want(t, "export_snapshot_download "+c.kind, code, body, 200)
		name := h.Get("Content-Disposition")
		if !strings.Contains(name, "filename=") || !strings.HasSuffix(strings.Trim(name, `"`), c.ext) || !strings.Contains(string(body), c.has) {
			t.Fatalf("export_snapshot_download %s: Content-Disposition %q, body %.200s", c.kind, name, body)
		}
	}
	code, _, body = e.lsDo(key, "DELETE", fmt.Sprintf("/api/projects/%d/exports/%d", p.ID, snap.ID), "", "")
	want(t, "export_snapshot_delete", code, body, 204)
	code, _, body = e.lsDo(key, "GET", fmt.Sprintf("/api/projects/%d/exports/%d", p.ID, snap.ID), "", "")
	want(t, "a deleted snapshot", code, body, 404)

	// Deletes, the project's with a trailing slash as Client.delete_project sends it.
	code, _, body = e.lsDo(key, "DELETE", fmt.Sprintf("/api/annotations/%d", ann.ID), "", "")
	want(t, "delete_annotation", code, body, 204)
	code, _, body = e.lsDo(key, "DELETE", fmt.Sprintf("/api/tasks/%d", ids[5]), "", "")
	want(t, "delete_task", code, body, 204)
	code, _, body = e.lsDo(key, "DELETE", fmt.Sprintf("/api/projects/%d/", p.ID), "", "")
	want(t, "delete_project", code, body, 204)
}

// TestAPIErrorsAreJSON checks that an unknown path and a method a path does not
// take answer with the API's JSON error shape under /api, with or without a
// trailing slash.
func TestAPIErrorsAreJSON(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	key := e.token(e.user("m@x.org", store.RoleManager))
	for _, c := range []struct {
		method, path string
		status       int
	}{
		{"GET", "/api/no-such-thing", 404},
		{"GET", "/api/no-such-thing/", 404},
		{"PUT", "/api/projects", 405},
		{"PUT", "/api/projects/", 405},
		{"GET", "/api/tasks/1/annotations/", 404}, // the task does not exist
	} {
		code, h, body := e.lsDo(key, c.method, c.path, "", "")
		var out map[string]any
		if code != c.status || !strings.HasPrefix(h.Get("Content-Type"), "application/json") || json.Unmarshal(body, &out) != nil || out["error"] == nil {
			t.Errorf("%s %s: %d %q %s, want %d with a JSON error", c.method, c.path, code, h.Get("Content-Type"), body, c.status)
		}
	}
}
