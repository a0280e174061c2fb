package web_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"concord/internal/store"
)

// lsCall replays one HTTP call as Label Studio's Python SDK (label_studio_sdk,
// the legacy Client/Project API) sends it: the same method, path, query and
// JSON body, with "Authorization: Token <key>".
func (e *env) lsCall(token, method, path, body string) (int, []byte) {
	e.t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, _ := http.NewRequest(method, e.srv.URL+path, r)
	req.Header.Set("Authorization", "Token "+token)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "python-requests/2.31.0")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// has fails unless the JSON object holds every key the SDK reads.
func has(t *testing.T, what string, raw []byte, keys ...string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("%s: not a JSON object: %s", what, raw)
	}
	for _, k := range keys {
		if _, ok := m[k]; !ok {
			t.Errorf("%s: the SDK reads %q, which is missing: %s", what, k, raw)
		}
	}
	return m
}

// TestLabelStudioSDKFlow replays the SDK's basic flow: start a project with an
// XML config, import tasks, add predictions, get the next task, post an
// annotation, export JSON — and checks the answers carry what the SDK reads.
func TestLabelStudioSDKFlow(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	key := e.token(e.user("sdk@x.org", store.RoleManager))
	config := `<View><Text name="text" value="$text"/><Choices name="sentiment" toName="text" choice="single"><Choice value="Positive"/><Choice value="Negative"/></Choices></View>`

	code, body := e.lsCall(key, "POST", "/api/projects", fmt.Sprintf(`{"title": "SDK project", "label_config": %q}`, config))
	if code != 201 {
		t.Fatalf("start_project: %d %s", code, body)
	}
	p := has(t, "start_project", body, "id", "title", "label_config", "parsed_label_config")
	pid := int64(p["id"].(float64))

	// import_tasks asks for the new ids, and create_prediction uses them.
	code, body = e.lsCall(key, "POST", fmt.Sprintf("/api/projects/%d/import?return_task_ids=true", pid), `[{"text": "I love it"}, {"text": "I hate it"}, {"data": {"text": "meh"}}]`)
	if code != 201 {
		t.Fatalf("import_tasks: %d %s", code, body)
	}
	imp := has(t, "import_tasks", body, "task_count", "annotation_count", "prediction_count", "duration", "task_ids")
	if imp["task_count"] != 3.0 || len(imp["task_ids"].([]any)) != 3 {
		t.Fatalf("import_tasks: %s", body)
	}

	code, body = e.lsCall(key, "GET", fmt.Sprintf("/api/tasks?project=%d&page=1&page_size=100", pid), "")
	var tasks struct {
		Tasks []struct {
			ID   int64          `json:"id"`
			Data map[string]any `json:"data"`
		} `json:"tasks"`
	}
	if code != 200 || json.Unmarshal(body, &tasks) != nil || len(tasks.Tasks) != 3 {
		t.Fatalf("get_tasks: %d %s", code, body)
	}
	first := int64(imp["task_ids"].([]any)[0].(float64))
	if first != tasks.Tasks[0].ID {
		t.Fatalf("task_ids[0] = %d, the first task is %d", first, tasks.Tasks[0].ID)
	}

	code, body = e.lsCall(key, "POST", "/api/predictions", fmt.Sprintf(`{"task": %d, "result": [{"from_name": "sentiment", "to_name": "text", "type": "choices", "value": {"choices": ["Positive"]}}], "score": 0.93, "model_version": "sdk-model"}`, first))
	if code != 201 {
		t.Fatalf("create_prediction: %d %s", code, body)
	}
	has(t, "create_prediction", body, "id", "task", "result", "score", "model_version")

	code, body = e.lsCall(key, "GET", fmt.Sprintf("/api/projects/%d/next", pid), "")
	if code != 200 {
		t.Fatalf("next: %d %s", code, body)
	}
	next := has(t, "next", body, "task", "predictions")
	nid := int64(next["task"].(map[string]any)["id"].(float64))

	code, body = e.lsCall(key, "POST", fmt.Sprintf("/api/tasks/%d/annotations?project=%d", nid, pid),
		fmt.Sprintf(`{"result": [{"from_name": "sentiment", "to_name": "text", "type": "choices", "value": {"choices": ["Negative"]}}], "task": %d, "project": %d, "lead_time": 4.2}`, nid, pid))
	if code != 201 {
		t.Fatalf("create_annotation: %d %s", code, body)
	}
	has(t, "create_annotation", body, "id", "result", "task", "completed_by", "was_cancelled", "lead_time", "created_at")

	code, body = e.lsCall(key, "GET", fmt.Sprintf("/api/projects/%d/export?exportType=JSON&download_all_tasks=true", pid), "")
	var exported []struct {
		ID          int64          `json:"id"`
		Data        map[string]any `json:"data"`
		Annotations []struct {
			Result []map[string]any `json:"result"`
		} `json:"annotations"`
	}
	if code != 200 || json.Unmarshal(body, &exported) != nil || len(exported) != 3 {
		t.Fatalf("export_tasks: %d %s", code, body)
	}
	labeled := 0
	for _, t2 := range exported {
		if len(t2.Annotations) == 1 && fmt.Sprint(t2.Annotations[0].Result[0]["value"]) == "map[choices:[Negative]]" {
			labeled++
		}
	}
	if labeled != 1 {
		t.Fatalf("export_tasks: the annotation is not in the export: %s", body)
	}
}

// lsExport is a Label Studio export (JSON), as Label Studio 1.x writes it.
const lsExport = `[
  {"id": 101, "data": {"text": "The Eiffel Tower is in Paris"}, "meta": {}, "created_at": "2024-05-01T10:00:00.000000Z",
   "annotations": [{"id": 7, "completed_by": {"id": 1, "email": "sdk@x.org", "first_name": "", "last_name": ""},
     "result": [{"value": {"start": 23, "end": 28, "text": "Paris", "labels": ["LOC"]}, "id": "a1b2c3", "from_name": "label", "to_name": "text", "type": "labels", "origin": "manual"}],
     "was_cancelled": false, "ground_truth": false, "created_at": "2024-05-01T10:05:00.000000Z", "lead_time": 12.5}],
   "predictions": []},
  {"id": 102, "data": {"text": "Ada Lovelace wrote 🧮 notes"}, "meta": {},
   "annotations": [{"id": 8, "completed_by": 1,
     "result": [{"value": {"start": 0, "end": 12, "text": "Ada Lovelace", "labels": ["PER"]}, "id": "d4e5f6", "from_name": "label", "to_name": "text", "type": "labels"}],
     "was_cancelled": false, "ground_truth": true, "lead_time": 3.0}],
   "predictions": [{"model_version": "ls-model", "score": 0.5, "result": [{"value": {"start": 0, "end": 3, "text": "Ada", "labels": ["PER"]}, "from_name": "label", "to_name": "text", "type": "labels"}]}]}
]`

// TestLabelStudioMigration imports a Label Studio export, exports it again as
// Label Studio JSON, and finds the same labels (offsets, texts, ground truth).
func TestLabelStudioMigration(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	key := e.token(e.user("sdk@x.org", store.RoleManager))
	config := `<View><Labels name="label" toName="text"><Label value="PER"/><Label value="LOC"/></Labels><Text name="text" value="$text"/></View>`
	_, body := e.lsCall(key, "POST", "/api/projects", fmt.Sprintf(`{"title": "from Label Studio", "label_config": %q}`, config))
	pid := int64(has(t, "project", body, "id")["id"].(float64))
	code, body := e.lsCall(key, "POST", fmt.Sprintf("/api/projects/%d/import", pid), lsExport)
	if m := has(t, "import", body, "task_count", "annotation_count", "prediction_count"); code != 201 || m["task_count"] != 2.0 || m["annotation_count"] != 2.0 || m["prediction_count"] != 1.0 {
		t.Fatalf("import of a Label Studio export: %d %s", code, body)
	}
	code, body = e.lsCall(key, "GET", fmt.Sprintf("/api/projects/%d/export?exportType=JSON", pid), "")
	type span struct {
		Start, End  float64
		Text        string
		Labels      []string
		GroundTruth bool
	}
	var out []struct {
		Data        map[string]any `json:"data"`
		Annotations []struct {
			GroundTruth bool `json:"ground_truth"`
			Result      []struct {
				Value span `json:"value"`
			} `json:"result"`
		} `json:"annotations"`
	}
	if code != 200 || json.Unmarshal(body, &out) != nil || len(out) != 2 {
		t.Fatalf("export: %d %s", code, body)
	}
	got := map[string]span{}
	for _, task := range out {
		for _, a := range task.Annotations {
			for _, r := range a.Result {
				r.Value.GroundTruth = a.GroundTruth
				got[r.Value.Text] = r.Value
			}
		}
	}
	want := map[string]span{
		"Paris":        {Start: 23, End: 28, Text: "Paris", Labels: []string{"LOC"}},
		"Ada Lovelace": {Start: 0, End: 12, Text: "Ada Lovelace", Labels: []string{"PER"}, GroundTruth: true},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("labels after the round trip:\n got %v\nwant %v", got, want)
	}
}
