package web_test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"concord/internal/export"
	"concord/internal/fixture"
	"concord/internal/store"
)

const nerConfig = `<View><Labels name="label" toName="text"><Label value="PER"/><Label value="LOC"/></Labels><Text name="text" value="$text"/></View>`

// fetch GETs path with a token and returns the status, headers and body.
func (e *env) fetch(token, path string) (int, http.Header, []byte) {
	e.t.Helper()
	req, _ := http.NewRequest("GET", e.srv.URL+path, nil)
	req.Header.Set("Authorization", "Token "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, b
}

// exportTask is the part of an exported Label Studio task the tests compare.
type exportTask struct {
	ID          int64          `json:"id"`
	Data        map[string]any `json:"data"`
	Annotations []struct {
		CompletedBy any               `json:"completed_by"`
		Result      []json.RawMessage `json:"result"`
		GroundTruth bool              `json:"ground_truth"`
	} `json:"annotations"`
	Predictions []json.RawMessage `json:"predictions"`
}

// exportJSON exports a project as Label Studio JSON with extra query parameters.
func (e *env) exportJSON(token string, projectID int64, params string) []exportTask {
	e.t.Helper()
	status, h, body := e.fetch(token, fmt.Sprintf("/api/projects/%d/export?exportType=JSON%s", projectID, params))
	if status != 200 {
		e.t.Fatalf("export %s: %d %s", params, status, body)
	}
	if ct := h.Get("Content-Type"); ct != "application/json" {
		e.t.Errorf("export content type %q", ct)
	}
	var ts []exportTask
	if err := json.Unmarshal(body, &ts); err != nil {
		e.t.Fatalf("export is not JSON: %v: %s", err, body)
	}
	return ts
}

// labelsOf maps each task's text to its annotations' labels (choices, or spans as start-end:label), sorted.
func labelsOf(ts []exportTask) map[string][]string {
	out := map[string][]string{}
	for _, t := range ts {
		text := fmt.Sprint(t.Data["text"])
		for _, a := range t.Annotations {
			for _, r := range a.Result {
				var it struct {
					Value struct {
						Choices    []string `json:"choices"`
						Labels     []string `json:"labels"`
						Start, End int
					} `json:"value"`
				}
				json.Unmarshal(r, &it)
				for _, c := range it.Value.Choices {
					out[text] = append(out[text], c)
				}
				for _, l := range it.Value.Labels {
					out[text] = append(out[text], fmt.Sprintf("%d-%d:%s", it.Value.Start, it.Value.End, l))
				}
			}
		}
		slices.Sort(out[text])
	}
	return out
}

// exportFixture is a manager's sentiment project with labeled tasks imported with their annotations.
func exportFixture(t *testing.T) (*env, store.Project, string) {
	e := newEnv(t)
	mgr := e.user("manager@x.org", store.RoleManager)
	p := e.project(mgr, "sentiment")
	tok := e.token(mgr)
	var tasks []map[string]any
	for i, label := range []string{"Positive", "Negative", "Positive", "Negative", "Positive"} {
		tasks = append(tasks, map[string]any{
			"data": map[string]any{"text": fmt.Sprintf("tweet number %d, \"quoted\", with a comma", i)},
			"annotations": []map[string]any{{"completed_by": "manager@x.org", "result": []map[string]any{{
				"id": fmt.Sprintf("r%d", i), "from_name": "sentiment", "to_name": "text", "type": "choices",
				"value": map[string]any{"choices": []string{label}}}}}},
		})
	}
	tasks = append(tasks, map[string]any{"data": map[string]any{"text": "not labeled yet"}})
	if status, body := e.upload(tok, fmt.Sprintf("/api/projects/%d/import", p.ID), strings.NewReader(mustJSON(tasks)), "application/json"); status != 201 {
		t.Fatalf("import: %d %s", status, body)
	}
	return e, p, tok
}

// TestExportRoundTrip exports in JSON, JSONL and CSV, imports each export
// into a new project with the API, and finds every label again.
func TestExportRoundTrip(t *testing.T) {
	t.Parallel()
	e, p, tok := exportFixture(t)
	want := labelsOf(e.exportJSON(tok, p.ID, ""))
	if len(want) != 5 {
		t.Fatalf("exported %d labeled tasks, want 5 (the unlabeled one only with download_all_tasks): %v", len(want), want)
	}
	if all := e.exportJSON(tok, p.ID, "&download_all_tasks=true"); len(all) != 6 {
		t.Errorf("download_all_tasks: %d tasks, want 6", len(all))
	}
	for _, c := range []struct{ kind, file, ctype string }{
		{"JSON", "export.json", "application/json"},
		{"JSONL", "export.jsonl", "application/x-ndjson"},
		{"CSV", "export.csv", "text/csv; charset=utf-8"},
	} {
		status, h, body := e.fetch(tok, fmt.Sprintf("/api/projects/%d/export?exportType=%s", p.ID, c.kind))
		if status != 200 || h.Get("Content-Type") != c.ctype || !strings.Contains(h.Get("Content-Disposition"), "attachment; filename=\"project-") {
			t.Fatalf("%s: %d %q %q", c.kind, status, h.Get("Content-Type"), h.Get("Content-Disposition"))
		}
		var q store.Project
		if code := e.call(tok, "POST", "/api/projects", map[string]any{"title": "again " + c.kind, "label_config": textConfig}, &q); code != 201 {
			t.Fatalf("create project: %d", code)
		}
		mb, ct := multipartBody(t, map[string][]byte{c.file: body}, nil)
		if status, out := e.upload(tok, fmt.Sprintf("/api/projects/%d/import", q.ID), mb, ct); status != 201 {
			t.Fatalf("%s: import the export: %d %s", c.kind, status, out)
		}
		got := e.exportJSON(tok, q.ID, "&download_all_tasks=true")
		if c.kind == "CSV" {
			// CSV holds data and label columns: the labels come back as data.
			labels := map[string][]string{}
			for _, t := range got {
				labels[fmt.Sprint(t.Data["text"])] = []string{fmt.Sprint(t.Data["sentiment"])}
			}
			delete(labels, "not labeled yet")
			if fmt.Sprint(labels) != fmt.Sprint(want) {
				t.Errorf("CSV round trip: got %v, want %v", labels, want)
			}
			continue
		}
		if g := labelsOf(got); fmt.Sprint(g) != fmt.Sprint(want) {
			t.Errorf("%s round trip: got %v, want %v", c.kind, g, want)
		}
	}
}

// TestExportCoNLLRoundTrip exports spans as CoNLL-2003, imports the file into
// a new NER project and finds the same spans.
func TestExportCoNLLRoundTrip(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	mgr := e.user("manager@x.org", store.RoleManager)
	tok := e.token(mgr)
	var p, q store.Project
	e.call(tok, "POST", "/api/projects", map[string]any{"title": "ner", "label_config": nerConfig}, &p)
	e.call(tok, "POST", "/api/projects", map[string]any{"title": "ner again", "label_config": nerConfig}, &q)
	span := func(id string, start, end int, text, label string) map[string]any {
		return map[string]any{"id": id, "from_name": "label", "to_name": "text", "type": "labels",
			"value": map[string]any{"start": start, "end": end, "text": text, "labels": []string{label}}}
	}
	tasks := []map[string]any{
		{"data": map[string]any{"text": "Ada Lovelace lived in London"}, "annotations": []map[string]any{{"result": []any{span("a", 0, 12, "Ada Lovelace", "PER"), span("b", 22, 28, "London", "LOC")}}}},
		{"data": map[string]any{"text": "Zoë went to Paris"}, "annotations": []map[string]any{{"result": []any{span("c", 0, 3, "Zoë", "PER"), span("d", 12, 17, "Paris", "LOC")}}}},
	}
	if status, body := e.upload(tok, fmt.Sprintf("/api/projects/%d/import", p.ID), strings.NewReader(mustJSON(tasks)), "application/json"); status != 201 {
		t.Fatalf("import: %d %s", status, body)
	}
	want := labelsOf(e.exportJSON(tok, p.ID, ""))
	status, h, conll := e.fetch(tok, fmt.Sprintf("/api/projects/%d/export?exportType=CONLL2003", p.ID))
	if status != 200 || !strings.Contains(string(conll), "Lovelace") || !strings.HasPrefix(h.Get("Content-Type"), "text/plain") {
		t.Fatalf("CoNLL export: %d %s", status, conll)
	}
	mb, ct := multipartBody(t, map[string][]byte{"export.conll": conll}, nil)
	if status, out := e.upload(tok, fmt.Sprintf("/api/projects/%d/import", q.ID), mb, ct); status != 201 {
		t.Fatalf("import the CoNLL export: %d %s\n%s", status, out, conll)
	}
	if got := labelsOf(e.exportJSON(tok, q.ID, "")); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("CoNLL round trip: got %v, want %v\n%s", got, want, conll)
	}
	// A box format does not fit a text project.
	if status, _, body := e.fetch(tok, fmt.Sprintf("/api/projects/%d/export?exportType=YOLO", p.ID)); status != 422 {
		t.Errorf("YOLO of a text project: %d %s, want 422", status, body)
	}
}

// consensusEnv is a sentiment project whose tasks three annotators labeled.
func consensusEnv(t *testing.T, votes map[string][3]string) (*env, store.Project, string, []store.User) {
	e := newEnv(t)
	mgr := e.user("manager@x.org", store.RoleManager)
	p := e.project(mgr, "votes")
	ctx := context.Background()
	f := store.ProjectFields{Title: p.Title, LabelConfig: textConfig, MaximumAnnotations: 3, Sampling: "sequential", LockMinutes: 30}
	p, _ = e.store.UpdateProject(ctx, p.ID, f)
	var users []store.User
	for i := range 3 {
		users = append(users, e.user(fmt.Sprintf("ann%d@x.org", i), store.RoleAnnotator))
	}
	texts := slices.Sorted(func(yield func(string) bool) {
		for k := range votes {
			if !yield(k) {
				return
			}
		}
	})
	for _, text := range texts {
		task, err := e.store.CreateTask(ctx, p.ID, map[string]any{"text": text})
		if err != nil {
			t.Fatal(err)
		}
		for i, v := range votes[text] {
			if v == "" {
				continue
			}
			if _, _, err := e.store.Submit(ctx, store.Submission{TaskID: task.ID, UserID: users[i].ID, Result: json.RawMessage(mustJSON(choice(v)))}, 3); err != nil {
				t.Fatal(err)
			}
		}
	}
	return e, p, e.token(mgr), users
}

// TestExportConsensus writes one label per task by majority vote and by Dawid–Skene.
func TestExportConsensus(t *testing.T) {
	t.Parallel()
	e, p, tok, _ := consensusEnv(t, map[string][3]string{
		"a": {"Positive", "Positive", "Negative"},
		"b": {"Negative", "Negative", "Negative"},
		"c": {"Negative", "Positive", "Negative"},
		"d": {"Positive", "", ""},
	})
	want := map[string][]string{"a": {"Positive"}, "b": {"Negative"}, "c": {"Negative"}, "d": {"Positive"}}
	for _, method := range []string{"majority", "dawid_skene"} {
		ts := e.exportJSON(tok, p.ID, "&consensus="+method)
		for _, task := range ts {
			if len(task.Annotations) != 1 || task.Annotations[0].CompletedBy != nil {
				t.Errorf("%s: task %v has %d annotations (want one, by no one)", method, task.Data, len(task.Annotations))
			}
		}
		got := labelsOf(ts)
		if method == "dawid_skene" {
			// On four tasks Dawid–Skene may weigh a 2–1 vote either way; a
			// unanimous vote and a lone vote it must keep.
			for _, k := range []string{"a", "c"} {
				if len(got[k]) != 1 {
					t.Errorf("dawid_skene: task %s has labels %v, want one", k, got[k])
				}
				got[k] = want[k]
			}
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s consensus: got %v, want %v", method, got, want)
		}
	}
	if status, _, _ := e.fetch(tok, fmt.Sprintf("/api/projects/%d/export?consensus=mode", p.ID)); status != 400 {
		t.Errorf("unknown consensus: %d, want 400", status)
	}
}

// TestExportFilters checks the filter parameters and pseudonymised annotators.
func TestExportFilters(t *testing.T) {
	t.Parallel()
	e, p, tok, users := consensusEnv(t, map[string][3]string{
		"a": {"Positive", "Positive", "Negative"},
		"b": {"Negative", "Negative", ""},
	})
	ctx := context.Background()
	e.store.Pool.Exec(ctx, `UPDATE annotations SET ground_truth = true WHERE completed_by = $1`, users[2].ID)
	e.store.Pool.Exec(ctx, `UPDATE annotations SET created_at = '2021-06-01T12:00:00Z' WHERE completed_by = $1`, users[0].ID)
	for _, c := range []struct {
		params string
		want   map[string][]string
	}{
		{"", map[string][]string{"a": {"Negative", "Positive", "Positive"}, "b": {"Negative", "Negative"}}},
		{fmt.Sprintf("&annotator=%d,%d", users[1].ID, users[2].ID), map[string][]string{"a": {"Negative", "Positive"}, "b": {"Negative"}}},
		{"&label=Negative", map[string][]string{"a": {"Negative"}, "b": {"Negative", "Negative"}}},
		{"&ground_truth=true", map[string][]string{"a": {"Negative"}}},
		{"&from=2021-06-01&to=2021-06-01", map[string][]string{"a": {"Positive"}, "b": {"Negative"}}},
		{"&to=2021-05-31", map[string][]string{}},
	} {
		if got := labelsOf(e.exportJSON(tok, p.ID, c.params)); fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Errorf("%s: got %v, want %v", c.params, got, c.want)
		}
	}
	if status, _, _ := e.fetch(tok, fmt.Sprintf("/api/projects/%d/export?from=yesterday", p.ID)); status != 400 {
		t.Errorf("bad date: %d, want 400", status)
	}

	// Pseudonyms: no e-mail or id of an annotator; the same annotator has the same name throughout.
	_, _, body := e.fetch(tok, fmt.Sprintf("/api/projects/%d/export?exportType=JSON&pseudonymise=true", p.ID))
	if bytes.Contains(body, []byte("@x.org")) {
		t.Errorf("pseudonymised export names an annotator: %s", body)
	}
	var ts []exportTask
	json.Unmarshal(body, &ts)
	names := map[string]int{}
	for _, task := range ts {
		for _, a := range task.Annotations {
			names[fmt.Sprint(a.CompletedBy)]++
		}
	}
	if fmt.Sprint(names) != "map[map[email:annotator-1]:2 map[email:annotator-2]:2 map[email:annotator-3]:1]" {
		t.Errorf("pseudonyms: %v", names)
	}
	_, _, min := e.fetch(tok, fmt.Sprintf("/api/projects/%d/export?exportType=JSON_MIN&pseudonymise=true", p.ID))
	if !bytes.Contains(min, []byte(`"annotator":"annotator-1"`)) || bytes.Contains(min, []byte("@x.org")) {
		t.Errorf("JSON_MIN pseudonyms: %s", min)
	}
}

// TestExportRedaction masks e-mail addresses, phone numbers and card numbers
// in the data and in span texts, keeping offsets valid.
func TestExportRedaction(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	mgr := e.user("manager@x.org", store.RoleManager)
	tok := e.token(mgr)
	var p store.Project
	e.call(tok, "POST", "/api/projects", map[string]any{"title": "pii", "label_config": nerConfig}, &p)
	text := "Mail ada@example.org or call +44 20 7946 0958, card 4111 1111 1111 1111, order 1234567890123. Ada"
	tasks := []map[string]any{{"data": map[string]any{"text": text}, "annotations": []map[string]any{{"result": []any{
		map[string]any{"id": "a", "from_name": "label", "to_name": "text", "type": "labels",
			"value": map[string]any{"start": 5, "end": 21, "text": "ada@example.org ", "labels": []string{"PER"}}},
		map[string]any{"id": "b", "from_name": "label", "to_name": "text", "type": "labels",
			"value": map[string]any{"start": len(text) - 3, "end": len(text), "text": "Ada", "labels": []string{"PER"}}},
	}}}}}
	if status, body := e.upload(tok, fmt.Sprintf("/api/projects/%d/import", p.ID), strings.NewReader(mustJSON(tasks)), "application/json"); status != 201 {
		t.Fatalf("import: %d %s", status, body)
	}
	ts := e.exportJSON(tok, p.ID, "&redact=true")
	got := ts[0].Data["text"].(string)
	for _, secret := range []string{"ada@example.org", "7946", "4111"} {
		if strings.Contains(got, secret) {
			t.Errorf("redacted text still holds %q: %s", secret, got)
		}
	}
	if !strings.Contains(got, "1234567890123") || len(got) != len(text) || !strings.HasSuffix(got, "Ada") {
		t.Errorf("redaction changed what it should keep: %q", got)
	}
	if !strings.Contains(got, "[EMAIL]") || !strings.Contains(got, "[PHONE]") || !strings.Contains(got, "[CARD]") {
		t.Errorf("redacted text: %q", got)
	}
	if r := string(ts[0].Annotations[0].Result[0]); strings.Contains(r, "ada@example") {
		t.Errorf("span text not redacted: %s", r)
	}
}

// TestExportPermissions: annotators may not export (403), non-members do not see the project (404), only admins read the audit log.
func TestExportPermissions(t *testing.T) {
	t.Parallel()
	e, p, tok := exportFixture(t)
	ann := e.user("ann@x.org", store.RoleAnnotator)
	e.store.SetMember(context.Background(), p.ID, ann.ID, store.RoleAnnotator)
	annTok := e.token(ann)
	outsider := e.token(e.user("other@x.org", store.RoleManager))
	for _, path := range []string{"/export?exportType=JSON", "/exports", "/exports/1", "/exports/1/download"} {
		if status, _, _ := e.fetch(annTok, fmt.Sprintf("/api/projects/%d%s", p.ID, path)); status != 403 {
			t.Errorf("annotator GET %s: %d, want 403", path, status)
		}
		if status, _, _ := e.fetch(outsider, fmt.Sprintf("/api/projects/%d%s", p.ID, path)); status != 404 {
			t.Errorf("non-member GET %s: %d, want 404", path, status)
		}
	}
	if code := e.call(annTok, "POST", fmt.Sprintf("/api/projects/%d/exports", p.ID), map[string]any{"exportType": "JSON"}, nil); code != 403 {
		t.Errorf("annotator POST exports: %d, want 403", code)
	}
	if status, _, _ := e.fetch(tok, "/api/audit"); status != 403 {
		t.Errorf("manager GET /api/audit: %d, want 403", status)
	}
}

// TestExportJob runs a background export end to end: enqueue, progress,
// download (the same bytes as the streamed export), the audit log, expiry.
func TestExportJob(t *testing.T) {
	t.Parallel()
	e, p, tok := exportFixture(t)
	var ex struct {
		ID          int64   `json:"id"`
		Status      string  `json:"status"`
		Progress    float64 `json:"progress"`
		RowsDone    int64   `json:"rows_done"`
		RowsTotal   int64   `json:"rows_total"`
		Size        int64   `json:"size"`
		DownloadURL string  `json:"download_url"`
		Error       string  `json:"error"`
	}
	if code := e.call(tok, "POST", fmt.Sprintf("/api/projects/%d/exports", p.ID), map[string]any{"exportType": "JSONL", "pseudonymise": true}, &ex); code != 202 || ex.Status != "in_progress" {
		t.Fatalf("POST exports: %d %+v", code, ex)
	}
	deadline := time.Now().Add(30 * time.Second)
	for ex.Status != "completed" {
		if ex.Status == "failed" || time.Now().After(deadline) {
			t.Fatalf("export did not finish: %+v", ex)
		}
		time.Sleep(50 * time.Millisecond)
		e.call(tok, "GET", fmt.Sprintf("/api/projects/%d/exports/%d", p.ID, ex.ID), nil, &ex)
	}
	if ex.Progress != 1 || ex.RowsDone != 5 || ex.RowsTotal != 5 || ex.Size == 0 || ex.DownloadURL == "" {
		t.Errorf("finished export: %+v", ex)
	}
	status, h, file := e.fetch(tok, ex.DownloadURL)
	if status != 200 || h.Get("Content-Type") != "application/x-ndjson" || int64(len(file)) != ex.Size {
		t.Fatalf("download: %d %q %d bytes", status, h.Get("Content-Type"), len(file))
	}
	_, _, streamed := e.fetch(tok, fmt.Sprintf("/api/projects/%d/export?exportType=JSONL&pseudonymise=true", p.ID))
	if !bytes.Equal(file, streamed) {
		t.Errorf("the job's file differs from the streamed export:\n%s\n%s", file, streamed)
	}

	// Every export is in the audit log, which admins read.
	admin := e.token(e.user("admin@x.org", store.RoleAdmin))
	var log []struct {
		Action  string          `json:"action"`
		Actor   string          `json:"actor"`
		Details json.RawMessage `json:"details"`
	}
	if code := e.call(admin, "GET", fmt.Sprintf("/api/audit?project=%d", p.ID), nil, &log); code != 200 {
		t.Fatalf("GET /api/audit: %d", code)
	}
	var actions []string
	for _, l := range log {
		actions = append(actions, l.Action+" by "+l.Actor)
	}
	if fmt.Sprint(actions) != "[export by manager@x.org export.download by manager@x.org export.queued by manager@x.org]" {
		t.Errorf("audit log: %v", actions)
	}

	// After its time the prune job deletes the file; the download is gone.
	var path string
	e.store.Pool.QueryRow(context.Background(), `UPDATE exports SET expires_at = now() - interval '1 second' WHERE id = $1 RETURNING file_path`, ex.ID).Scan(&path)
	if n, err := export.Prune(context.Background(), e.store); err != nil || n != 1 {
		t.Fatalf("prune: %d, %v", n, err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("the expired export's file is still there: %v", err)
	}
	if status, _, _ := e.fetch(tok, ex.DownloadURL); status != http.StatusGone {
		t.Errorf("download after expiry: %d, want 410", status)
	}
}

// TestExportBoxes exports an object-boxes project as YOLO and VOC (zips with the
// images beside their labels) and COCO, with image sizes from the media table.
func TestExportBoxes(t *testing.T) {
	t.Parallel()
	png, err := os.ReadFile(fixture.Path(t, "image/mnist_png/7_0000.png"))
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t)
	mgr := e.user("manager@x.org", store.RoleManager)
	tok := e.token(mgr)
	cfg := `<View><RectangleLabels name="label" toName="image"><Label value="Cat"/><Label value="Dog"/></RectangleLabels><Image name="image" value="$image"/></View>`
	var p store.Project
	e.call(tok, "POST", "/api/projects", map[string]any{"title": "boxes", "label_config": cfg}, &p)
	ctx := context.Background()
	mb, ct := multipartBody(t, map[string][]byte{"cat.png": png}, nil)
	if code, body := e.upload(tok, fmt.Sprintf("/api/projects/%d/import", p.ID), mb, ct); code != 201 {
		t.Fatalf("import: %d %s", code, body)
	}
	// A second task whose image is elsewhere: its labels are exported, its image is not.
	e.store.CreateTask(ctx, p.ID, map[string]any{"image": "https://example.org/dog.png"})
	box := `[{"id":"b","from_name":"label","to_name":"image","type":"rectanglelabels","original_width":640,"original_height":480,"value":{"x":10,"y":20,"width":50,"height":50,"rotation":0,"rectanglelabels":["Dog"]}}]`
	rows, _ := e.store.Pool.Query(ctx, `SELECT id FROM tasks WHERE project_id = $1`, p.ID)
	ids, _ := pgx.CollectRows(rows, pgx.RowTo[int64])
	for _, id := range ids {
		if _, _, err := e.store.Submit(ctx, store.Submission{TaskID: id, UserID: mgr.ID, Result: json.RawMessage(box)}, 1); err != nil {
			t.Fatal(err)
		}
	}
	for _, kind := range []string{"YOLO", "VOC"} {
		status, h, body := e.fetch(tok, fmt.Sprintf("/api/projects/%d/export?exportType=%s", p.ID, kind))
		if status != 200 || h.Get("Content-Type") != "application/zip" {
			t.Fatalf("%s: %d %v %s", kind, status, h, body)
		}
		zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
		if err != nil {
			t.Fatal(err)
		}
		files := map[string][]byte{}
		for _, f := range zr.File {
			rc, _ := f.Open()
			files[f.Name], _ = io.ReadAll(rc)
			rc.Close()
		}
		var images []string
		for name, b := range files {
			if strings.HasSuffix(name, ".png") {
				images = append(images, name)
				if !bytes.Equal(b, png) {
					t.Errorf("%s: %s is not the imported image", kind, name)
				}
			}
		}
		if len(images) != 1 || !strings.HasSuffix(images[0], "/cat.png") {
			t.Errorf("%s zip: images %v, want the one imported (of %d files)", kind, images, len(files))
		}
		labels := map[string][]string{"YOLO": {"classes.txt", "labels/cat.txt", "labels/dog.txt"}, "VOC": {"Annotations/cat.xml", "Annotations/dog.xml"}}[kind]
		for _, name := range labels {
			if files[name] == nil {
				t.Errorf("%s zip lacks %s: %v", kind, name, slices.Sorted(maps.Keys(files)))
			}
		}
	}
	_, _, coco := e.fetch(tok, fmt.Sprintf("/api/projects/%d/export?exportType=COCO", p.ID))
	if !bytes.Contains(coco, []byte(`"file_name":"cat.png"`)) || !bytes.Contains(coco, []byte(`"width":28`)) || !bytes.Contains(coco, []byte(`"bbox":[2.8,5.6,14,14]`)) {
		t.Errorf("COCO: %s", coco)
	}
	_, _, asURL := e.fetch(tok, fmt.Sprintf("/api/projects/%d/export?exportType=JSON&media=url", p.ID))
	hash := sha256.Sum256(png)
	if !bytes.Contains(asURL, []byte(`"image":"`+testBaseURL+"/media/"+hex.EncodeToString(hash[:]))) {
		t.Errorf("media=url: %s", asURL)
	}
}
