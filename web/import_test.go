package web_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"concord/internal/fixture"
	"concord/internal/store"
)

const audioConfig = `<View><Audio name="audio" value="$audio"/><Choices name="digit" toName="audio"><Choice value="0"/><Choice value="1"/></Choices></View>`

// multipartBody builds a multipart upload of files (name → bytes).
func multipartBody(t *testing.T, files map[string][]byte, fields map[string]string) (io.Reader, string) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	for name, b := range files {
		w, err := mw.CreateFormFile("files", name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(b)
	}
	mw.Close()
	return &buf, mw.FormDataContentType()
}

func (e *env) upload(token, path string, body io.Reader, contentType string) (int, string) {
	e.t.Helper()
	req, _ := http.NewRequest("POST", e.srv.URL+path, body)
	req.Header.Set("Authorization", "Token "+token)
	req.Header.Set("Content-Type", contentType)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestImportAPI imports through Label Studio's endpoint: a JSON body, a
// refused record, and audio files whose media are then served only to members.
func TestImportAPI(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	mgr := e.user("m@x.org", store.RoleManager)
	outsider := e.user("o@x.org", store.RoleManager)
	tok := e.token(mgr)
	p := e.project(mgr, "texts")

	code, body := e.upload(tok, fmt.Sprintf("/api/projects/%d/import", p.ID), strings.NewReader(`[{"text":"a"},{"text":"b"},{"text":"a"}]`), "application/json")
	if code != 201 || !strings.Contains(body, `"task_count":2`) || !strings.Contains(body, `"duplicates":1`) {
		t.Fatalf("JSON import: %d %s", code, body)
	}
	code, body = e.upload(tok, fmt.Sprintf("/api/projects/%d/import", p.ID), strings.NewReader("[{\"text\":\"c\"},\n{\"txt\":\"d\"}]"), "application/json")
	if code != 422 || !strings.Contains(body, "tasks.json line 2") || !strings.Contains(body, "nothing was imported") {
		t.Fatalf("bad record: %d %s", code, body)
	}
	if got, _ := e.store.ProjectByID(context.Background(), p.ID); got.TaskCount != 2 {
		t.Fatalf("%d tasks after a refused import, want 2", got.TaskCount)
	}
	code, body = e.upload(tok, fmt.Sprintf("/api/projects/%d/import?skip_invalid=true", p.ID), strings.NewReader("[{\"text\":\"c\"},\n{\"txt\":\"d\"}]"), "application/json")
	if code != 201 || !strings.Contains(body, `"task_count":1`) || !strings.Contains(body, `"skipped_count":1`) {
		t.Fatalf("skip_invalid: %d %s", code, body)
	}

	wavs := fixture.Glob(t, "audio/fsdd/1_*.wav")
	files := map[string][]byte{}
	for _, w := range wavs[:3] {
		files[filepath.Base(w)], _ = os.ReadFile(w)
	}
	var audio store.Project
	e.call(tok, "POST", "/api/projects", map[string]any{"title": "digits", "label_config": audioConfig}, &audio)
	ap, _ := e.store.Projects(context.Background())
	audio = ap[0]
	mb, ct := multipartBody(t, files, nil)
	code, body = e.upload(tok, fmt.Sprintf("/api/projects/%d/import", audio.ID), mb, ct)
	if code != 201 || !strings.Contains(body, `"task_count":3`) {
		t.Fatalf("WAV import: %d %s", code, body)
	}
	var page struct {
		Tasks []struct {
			Data map[string]string `json:"data"`
		} `json:"tasks"`
	}
	e.call(tok, "GET", fmt.Sprintf("/api/tasks?project=%d", audio.ID), nil, &page)
	url := page.Tasks[0].Data["audio"]
	if !strings.HasPrefix(url, "/media/") {
		t.Fatalf("task data %v", page.Tasks[0].Data)
	}
	get := func(token, path string, hdr map[string]string) *http.Response {
		req, _ := http.NewRequest("GET", e.srv.URL+path, nil)
		req.Header.Set("Authorization", "Token "+token)
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	if resp := get(tok, url, map[string]string{"Range": "bytes=0-3"}); resp.StatusCode != 206 || resp.Header.Get("Content-Type") != "audio/wav" || resp.ContentLength != 4 {
		t.Errorf("ranged media: %d %q %d", resp.StatusCode, resp.Header.Get("Content-Type"), resp.ContentLength)
	}
	if resp := get(tok, url+"/peaks", nil); resp.StatusCode != 200 {
		t.Errorf("peaks: %d", resp.StatusCode)
	}
	if resp := get(e.token(outsider), url, nil); resp.StatusCode != 404 {
		t.Errorf("media to a non-member: %d, want 404", resp.StatusCode)
	}
	if resp := get(tok, "/media/..%2f..%2fetc%2fpasswd", nil); resp.StatusCode != 404 {
		t.Errorf("path traversal: %d, want 404", resp.StatusCode)
	}
}

// TestImportInBackground sends an upload over the async threshold (1 MiB in
// tests): it is queued, the worker imports it, and the status shows it done.
func TestImportInBackground(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	mgr := e.user("m@x.org", store.RoleManager)
	tok := e.token(mgr)
	p := e.project(mgr, "big")
	var jsonl strings.Builder
	for i := 0; jsonl.Len() < 2<<20; i++ {
		fmt.Fprintf(&jsonl, `{"text": "task number %d with some padding to make it longer than it needs to be"}`+"\n", i)
	}
	n := strings.Count(jsonl.String(), "\n")
	mb, ct := multipartBody(t, map[string][]byte{"big.jsonl": []byte(jsonl.String())}, map[string]string{"skip_invalid": "false"})
	code, body := e.upload(tok, fmt.Sprintf("/api/projects/%d/import", p.ID), mb, ct)
	if code != 202 || !strings.Contains(body, `"status":"queued"`) {
		t.Fatalf("large import: %d %s", code, body)
	}
	var id struct {
		ImportID int64 `json:"import_id"`
	}
	fmt.Sscanf(body[strings.Index(body, `"import_id":`)+len(`"import_id":`):], "%d", &id.ImportID)
	deadline := time.Now().Add(60 * time.Second)
	var st map[string]any
	for time.Now().Before(deadline) {
		e.call(tok, "GET", fmt.Sprintf("/api/projects/%d/imports/%d", p.ID, id.ImportID), nil, &st)
		if st["status"] == "done" || st["status"] == "failed" {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if st["status"] != "done" || st["task_count"] != float64(n) || st["progress"] != 1.0 {
		t.Fatalf("background import: %v; want done with %d tasks", st, n)
	}
	if got, _ := e.store.ProjectByID(context.Background(), p.ID); got.TaskCount != int64(n) {
		t.Fatalf("%d tasks stored, want %d", got.TaskCount, n)
	}
	// The project's jobs page lists the import job as completed (River marks
	// it so a moment after the work returns).
	br := e.browser()
	br.signIn(mgr.Email)
	var page string
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if code, page = br.get(fmt.Sprintf("/projects/%d/jobs", p.ID)); strings.Contains(page, ">completed<") {
			break
		}
	}
	if code != 200 || !strings.Contains(page, "<td>import</td>") || !strings.Contains(page, ">completed<") {
		t.Fatalf("jobs page: %d\n%s", code, page)
	}
}

// TestImportLimits checks the upload limit (64 MiB in tests) and the page's
// plain-form upload, which carries its CSRF token in the URL.
func TestImportLimits(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	mgr := e.user("m@x.org", store.RoleManager)
	ann := e.user("a@x.org", store.RoleAnnotator)
	p := e.project(mgr, "p")
	e.store.SetMember(context.Background(), p.ID, ann.ID, store.RoleAnnotator)
	req, _ := http.NewRequest("POST", fmt.Sprintf("%s/api/projects/%d/import", e.srv.URL, p.ID), io.LimitReader(zeros{}, 65<<20))
	req.Header.Set("Authorization", "Token "+e.token(mgr))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 413 {
		t.Errorf("65 MiB upload: %d, want 413", resp.StatusCode)
	}
	if code, _ := e.upload(e.token(ann), fmt.Sprintf("/api/projects/%d/import", p.ID), strings.NewReader(`[{"text":"x"}]`), "application/json"); code != 403 {
		t.Errorf("annotator import: %d, want 403", code)
	}

	br := e.browser()
	br.signIn(mgr.Email)
	if code, _ := br.get(fmt.Sprintf("/projects/%d/import", p.ID)); code != 200 {
		t.Fatalf("import page: %d", code)
	}
	mb, ct := multipartBody(t, map[string][]byte{"tasks.txt": []byte("first line\nsecond line\n")}, nil)
	noToken := br.do("POST", fmt.Sprintf("/projects/%d/import", p.ID), mb, map[string]string{"Content-Type": ct, "Sec-Fetch-Site": "same-origin"})
	if noToken.StatusCode != 403 {
		t.Errorf("multipart form without CSRF token: %d, want 403", noToken.StatusCode)
	}
	mb, ct = multipartBody(t, map[string][]byte{"tasks.txt": []byte("first line\nsecond line\n")}, nil)
	ok := br.do("POST", fmt.Sprintf("/projects/%d/import?csrf_token=%s", p.ID, br.csrf), mb, map[string]string{"Content-Type": ct, "Sec-Fetch-Site": "same-origin"})
	page := readBody(ok)
	if ok.StatusCode != 200 || !strings.Contains(page, "Imported 2 tasks") {
		t.Errorf("plain-form import: %d\n%s", ok.StatusCode, page)
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = ' '
	}
	return len(p), nil
}
