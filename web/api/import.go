package api

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"time"

	"concord/internal/app"
	"concord/internal/auth"
	"concord/internal/store"
	"concord/web/problem"
	"concord/web/upload"
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
	files, skip, err := upload.Spool(w, r, a.cfg)
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
