package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"concord/internal/app"
	"concord/internal/auth"
	"concord/internal/ingest"
	"concord/internal/store"
	"concord/web/problem"
)

// ImportResult answers an import: its counts when it ran at once, or its id
// and status when it was queued.
type ImportResult = app.ImportResult

// importTasks answers POST /api/projects/{id}/import: a JSON body of tasks, or
// multipart files; ?skip_invalid=true skips bad records instead of refusing all.
func (a *API) importTasks(w http.ResponseWriter, r *http.Request) error {
	p, err := a.projectOf(r, auth.ManageProject)
	if err != nil {
		return err
	}
	files, skip, err := a.Spool(w, r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	skipInvalid, _ := strconv.ParseBool(q.Get("skip_invalid"))
	returnIDs, _ := strconv.ParseBool(q.Get("return_task_ids")) // Label Studio's SDK sends 1
	res, err := a.imports.Import(r.Context(), a.jobs, caller(r), p, files, app.ImportOptions{SkipInvalid: skip || skipInvalid, ReturnIDs: returnIDs})
	if err != nil {
		return err
	}
	status := http.StatusCreated
	if res.Status == store.ImportQueued {
		status = http.StatusAccepted
	}
	return writeJSON(w, status, res)
}

// safeName keeps the base of an uploaded file's name, without odd characters.
var unsafeChars = regexp.MustCompile(`[^\p{L}\p{N}._ -]+`)

func safeName(name string) string {
	name = filepath.Base(strings.ReplaceAll(name, `\`, "/"))
	name = unsafeChars.ReplaceAllString(name, "_")
	if name == "." || name == "/" || name == "" {
		name = "upload"
	}
	return name
}

// Spool saves the request's files under the upload directory: each multipart
// file part, or a JSON body as tasks.json. It enforces the upload limit (413)
// and returns the skip_invalid form field.
func (a *API) Spool(w http.ResponseWriter, r *http.Request) (files []ingest.File, skip bool, err error) {
	limit := a.cfg.MaxUploadMB << 20
	if r.ContentLength > limit {
		return nil, false, tooLarge(limit)
	}
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	if err := os.MkdirAll(a.uploadDir, 0o700); err != nil {
		return nil, false, err
	}
	dir, err := os.MkdirTemp(a.uploadDir, "import-")
	if err != nil {
		return nil, false, err
	}
	defer func() {
		if err != nil {
			os.RemoveAll(dir)
		}
	}()
	save := func(name string, src io.Reader) error {
		f := ingest.File{Name: safeName(name), Path: filepath.Join(dir, fmt.Sprintf("%d-%s", len(files), safeName(name)))}
		out, err := os.OpenFile(f.Path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
		if err != nil {
			return err
		}
		f.Size, err = io.Copy(out, src)
		if cerr := out.Close(); err == nil {
			err = cerr
		}
		files = append(files, f)
		return err
	}
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch mt {
	case "multipart/form-data":
		mr, err := r.MultipartReader()
		if err != nil {
			return nil, false, problem.BadRequest("unreadable multipart body: %v", err)
		}
		for {
			part, err := mr.NextPart()
			if err == io.EOF {
				break
			}
			if err != nil {
				return nil, false, uploadErr(err, limit)
			}
			if part.FileName() == "" {
				if part.FormName() == "url" {
					return nil, false, errImportURL
				}
				if part.FormName() == "skip_invalid" {
					v, _ := io.ReadAll(io.LimitReader(part, 16))
					skip = string(v) == "true" || string(v) == "on"
				}
				continue
			}
			if err := save(part.FileName(), part); err != nil {
				return nil, false, uploadErr(err, limit)
			}
		}
	case "application/json", "":
		if err := save("tasks.json", r.Body); err != nil {
			return nil, false, uploadErr(err, limit)
		}
	case "application/x-www-form-urlencoded":
		return nil, false, errImportURL // Label Studio's import from a URL
	default:
		return nil, false, problem.New(http.StatusUnsupportedMediaType, "send tasks as application/json or files as multipart/form-data")
	}
	var total int64
	for _, f := range files {
		total += f.Size
	}
	if total == 0 {
		return nil, false, problem.BadRequest("nothing to import: the upload is empty")
	}
	return files, skip, nil
}

// errImportURL refuses Label Studio's import from a URL: the server fetches no
// address a request or a task names (SSRF).
var errImportURL = problem.BadRequest("importing from a URL is not supported (the server fetches no address it is given): download the file and upload it")

func tooLarge(limit int64) error {
	return problem.New(http.StatusRequestEntityTooLarge, fmt.Sprintf("the upload is larger than the limit of %d MiB", limit>>20))
}

func uploadErr(err error, limit int64) error {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return tooLarge(limit)
	}
	return err
}

// importJSON is an import's record as the API shows it.
type importJSON struct {
	ID           int64           `json:"id"`
	Project      int64           `json:"project"`
	Status       string          `json:"status"`
	Progress     float64         `json:"progress"` // 0 to 1
	BytesTotal   int64           `json:"bytes_total"`
	BytesDone    int64           `json:"bytes_done"`
	TasksCreated int64           `json:"task_count"`
	Duplicates   int64           `json:"duplicates"`
	Annotations  int64           `json:"annotation_count"`
	Predictions  int64           `json:"prediction_count"`
	Skipped      json.RawMessage `json:"skipped"`
	Error        string          `json:"error"`
	CreatedAt    time.Time       `json:"created_at"`
	FinishedAt   *time.Time      `json:"finished_at"`
}

func (a *API) getImport(w http.ResponseWriter, r *http.Request) error {
	p, err := a.projectOf(r, auth.ManageProject)
	if err != nil {
		return err
	}
	iid, err := idParam(r, "import_id")
	if err != nil {
		return err
	}
	im, err := a.store.ImportByID(r.Context(), p.ID, iid)
	if errors.Is(err, store.ErrNotFound) {
		return problem.NotFound("import")
	}
	if err != nil {
		return err
	}
	out := importJSON{ID: im.ID, Project: im.ProjectID, Status: im.Status, BytesTotal: im.BytesTotal, BytesDone: im.BytesDone,
		TasksCreated: im.TasksCreated, Duplicates: im.Duplicates, Annotations: im.Annotations, Predictions: im.Predictions,
		Skipped: im.Skipped, Error: im.Error, CreatedAt: im.CreatedAt, FinishedAt: im.FinishedAt}
	if im.BytesTotal > 0 {
		out.Progress = float64(im.BytesDone) / float64(im.BytesTotal)
	}
	return writeJSON(w, http.StatusOK, out)
}
