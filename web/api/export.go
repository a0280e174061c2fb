package api

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"time"

	"concord/internal/auth"
	"concord/internal/export"
	"concord/internal/format"
	"concord/internal/labeling"
	"concord/internal/spool"
	"concord/internal/store"
	"concord/web/link"
	"concord/web/problem"
)

// ExportSpec reads and checks an export's parameters against the project.
func ExportSpec(q url.Values, p store.Project) (export.Spec, error) {
	spec, err := export.ParseSpec(q)
	if err != nil {
		return spec, problem.BadRequest("%v", err)
	}
	cfg, _ := labeling.ParseConfig(p.LabelConfig)
	if err := export.Fits(spec.Format, cfg); err != nil {
		return spec, problem.Invalid(err.Error(), nil)
	}
	if _, err := store.ParseDMQuery(p.ID, spec.Query); err != nil {
		return spec, problem.BadRequest("query: %v", err)
	}
	return spec, nil
}

// audit records an action of the caller; failing to record an export fails it.
func (a *API) audit(r *http.Request, action string, projectID int64, details map[string]any) error {
	u := caller(r)
	return a.store.Audit(r.Context(), u.ID, u.Email, action, projectID, details)
}

// exportNow answers GET /api/projects/{id}/export: the export streamed as it
// is read. The database's rows go into a spool file at the database's pace
// and the client reads that file at its own, so a slow reader holds a file,
// never a database connection; memory stays flat however large the project.
// A user and a project have a few streamed exports at a time (429 beyond).
func (a *API) exportNow(w http.ResponseWriter, r *http.Request) error {
	p, err := a.projectOf(r, auth.ManageProject)
	if err != nil {
		return err
	}
	spec, err := ExportSpec(r.URL.Query(), p)
	if err != nil {
		return err
	}
	release, err := a.streamed.take(caller(r).ID, p.ID)
	if err != nil {
		return err
	}
	defer release()
	if err := a.audit(r, store.AuditExport, p.ID, map[string]any{"via": "api", "spec": spec}); err != nil {
		return err
	}
	sp, err := spool.New(a.spoolDir)
	if err != nil {
		return err
	}
	defer sp.Remove()
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	var stats export.Stats
	wrote := make(chan error, 1)
	go func() {
		bw := bufio.NewWriterSize(sp, 64<<10)
		var err error
		stats, err = export.Project(ctx, a.store, a.importer.Blobs, p, spec, bw, a.cfg.PublicURL(), nil)
		if err == nil {
			err = bw.Flush()
		}
		sp.Finish(err)
		wrote <- err
	}()
	w.Header().Set("Content-Type", spec.ContentType())
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", spec.FileName(p.ID, time.Now())))
	w.Header().Set("X-Content-Type-Options", "nosniff")
	n, err := io.Copy(w, sp.Reader(ctx))
	cancel() // a client gone stops the query too
	werr := <-wrote
	if werr != nil && n == 0 && err != nil && !errors.Is(werr, context.Canceled) {
		w.Header().Del("Content-Disposition")
		return werr // nothing sent yet: a proper error answer
	}
	if werr != nil && !errors.Is(werr, context.Canceled) {
		// The status line is gone: cut the connection, so that the client
		// sees a broken download rather than a file that looks whole.
		a.log.Error("export failed mid-stream", "project", p.ID, "tasks_written", stats.Tasks, "err", werr)
		panic(http.ErrAbortHandler)
	}
	if err != nil {
		panic(http.ErrAbortHandler) // the client went away or stopped reading
	}
	return nil
}

// exportJSON is a background export as the API shows it: a Label Studio
// export snapshot, with Label Studio's statuses (created, in_progress,
// completed, failed; Concord adds expired) and Concord's progress.
type exportJSON struct {
	ID          int64           `json:"id"`
	Title       string          `json:"title"`
	Project     int64           `json:"project"`
	CreatedBy   *userSimpleJSON `json:"created_by"`
	Format      string          `json:"format"`
	Options     json.RawMessage `json:"options"`
	Status      string          `json:"status"`
	RowsDone    int64           `json:"rows_done"`
	RowsTotal   int64           `json:"rows_total"`
	Progress    float64         `json:"progress"`
	Size        int64           `json:"size"`
	Error       string          `json:"error,omitempty"`
	CreatedAt   time.Time       `json:"created_at"`
	FinishedAt  *time.Time      `json:"finished_at"`
	ExpiresAt   *time.Time      `json:"expires_at"`
	DownloadURL string          `json:"download_url,omitempty"`
}

// snapshotStatus spells an export's status as Label Studio does.
var snapshotStatus = map[string]string{
	store.ExportQueued:  "in_progress", // Label Studio's SDK waits only while a snapshot is in_progress
	store.ExportRunning: "in_progress",
	store.ExportDone:    "completed",
	store.ExportFailed:  "failed",
	store.ExportExpired: "expired",
}

// toExportJSON shows an export.
func toExportJSON(e store.Export) exportJSON {
	out := exportJSON{ID: e.ID, Title: fmt.Sprintf("Export %d", e.ID), Project: e.ProjectID, CreatedBy: userSimple(e.CreatedBy, e.CreatorEmail, e.CreatorName), Format: e.Format, Options: e.Options,
		Status: snapshotStatus[e.Status], RowsDone: e.RowsDone, RowsTotal: e.RowsTotal, Size: e.Size, Error: e.Error,
		CreatedAt: e.CreatedAt, FinishedAt: e.FinishedAt, ExpiresAt: e.ExpiresAt}
	switch {
	case e.Status == store.ExportDone || e.Status == store.ExportExpired:
		out.Progress = 1
	case e.RowsTotal > 0:
		out.Progress = min(float64(e.RowsDone)/float64(e.RowsTotal), 1)
	}
	if e.Status == store.ExportDone {
		out.DownloadURL = link.APIExportDownload(e.ProjectID, e.ID)
	}
	return out
}

// createExport answers POST /api/projects/{id}/exports: the same parameters
// as the streamed export, as a JSON object (or in the query), run as a
// background job whose file is kept for export.Keep.
func (a *API) createExport(w http.ResponseWriter, r *http.Request) error {
	p, err := a.projectOf(r, auth.ManageProject)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	if r.ContentLength != 0 && r.Header.Get("Content-Type") != "application/x-www-form-urlencoded" {
		var body map[string]any
		if err := readJSON(w, r, &body); err != nil {
			return err
		}
		if body, err = snapshotOptions(body); err != nil {
			return err
		}
		if q, err = bodyValues(body, q); err != nil {
			return err
		}
	}
	spec, err := ExportSpec(q, p)
	if err != nil {
		return err
	}
	e, err := a.exports.Queue(r.Context(), a.jobs, caller(r), p, spec, "api")
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusAccepted, toExportJSON(e))
}

// snapshotOptions turns the options of a Label Studio export snapshot
// (title, serialization_options, task_filter_options,
// annotation_filter_options) into Concord's export parameters, and refuses by
// name those Concord cannot honour. As in Label Studio, a snapshot holds
// every task unless its task filter says otherwise.
func snapshotOptions(body map[string]any) (map[string]any, error) {
	snapshot := false
	for _, k := range []string{"title", "serialization_options", "task_filter_options", "annotation_filter_options"} {
		_, has := body[k]
		snapshot = snapshot || has
	}
	delete(body, "title")
	delete(body, "serialization_options") // ids or objects: Concord writes completed_by as ids with e-mails
	allTasks := snapshot
	if tf, ok := body["task_filter_options"].(map[string]any); ok {
		for k, v := range tf {
			if v == nil || v == "" {
				continue
			}
			switch k {
			case "annotated", "skipped", "finished", "reviewed":
				if v != store.TasksOnly && v != store.TasksExclude {
					return nil, problem.Invalid(fmt.Sprintf("task_filter_options.%s: %v: want only, exclude or null", k, v), nil)
				}
				body["tasks_"+k] = v
			case "only_with_annotations":
				b, ok := v.(bool)
				if !ok {
					return nil, problem.Invalid(fmt.Sprintf("task_filter_options.only_with_annotations: %v: want true or false", v), nil)
				}
				allTasks = allTasks && !b
			case "view":
				return nil, problem.Invalid("task_filter_options.view: a snapshot of a saved Data Manager view is not supported; filter with annotated, skipped, finished, reviewed or only_with_annotations", nil)
			default:
				return nil, problem.Invalid(fmt.Sprintf("task_filter_options.%s: not an option; Label Studio's are view, annotated, skipped, finished, reviewed and only_with_annotations", k), nil)
			}
		}
	} else if v, has := body["task_filter_options"]; has && v != nil {
		return nil, problem.Invalid("task_filter_options: want an object", nil)
	}
	delete(body, "task_filter_options")
	if _, given := body["download_all_tasks"]; !given && allTasks {
		body["download_all_tasks"] = true
	}
	if af, ok := body["annotation_filter_options"].(map[string]any); ok {
		usual, _ := af["usual"].(bool)
		gt, _ := af["ground_truth"].(bool)
		skipped, _ := af["skipped"].(bool)
		switch {
		case gt && !usual && !skipped:
			body["ground_truth"] = true
		case !gt && !usual && !skipped && af["usual"] != nil:
			return nil, problem.Invalid("annotation_filter_options: every kind of annotation is left out; include usual, ground_truth or skipped", nil)
		}
		if skipped {
			body["skipped"] = true
		}
	}
	delete(body, "annotation_filter_options")
	return body, nil
}

// bodyValues turns a JSON object of parameters into query values, over q.
func bodyValues(body map[string]any, q url.Values) (url.Values, error) {
	out := url.Values{}
	for k, v := range q {
		out[k] = v
	}
	for k, v := range body {
		out.Del(k)
		vs := []any{v}
		if list, ok := v.([]any); ok {
			vs = list
		}
		for _, x := range vs {
			switch x := x.(type) {
			case string:
				out.Add(k, x)
			case bool:
				out.Add(k, strconv.FormatBool(x))
			case json.Number:
				out.Add(k, x.String())
			case nil:
			default:
				return nil, problem.BadRequest("%s: want a string, a number, a boolean or a list of them", k)
			}
		}
	}
	return out, nil
}

// exportOf loads the export named by the URL's {eid}, of a project the caller manages.
func (a *API) exportOf(r *http.Request) (store.Project, store.Export, error) {
	p, err := a.projectOf(r, auth.ManageProject)
	if err != nil {
		return p, store.Export{}, err
	}
	id, err := idParam(r, "eid")
	if err != nil {
		return p, store.Export{}, err
	}
	e, err := a.store.ExportByID(r.Context(), p.ID, id)
	if errors.Is(err, store.ErrNotFound) {
		return p, e, problem.NotFound("export")
	}
	return p, e, err
}

// listExports answers GET /api/projects/{id}/exports: the 50 newest.
func (a *API) listExports(w http.ResponseWriter, r *http.Request) error {
	p, err := a.projectOf(r, auth.ManageProject)
	if err != nil {
		return err
	}
	es, err := a.store.Exports(r.Context(), p.ID, 50)
	if err != nil {
		return err
	}
	out := make([]exportJSON, len(es))
	for i, e := range es {
		out[i] = toExportJSON(e)
	}
	return writeJSON(w, http.StatusOK, out)
}

// getExport answers GET /api/projects/{id}/exports/{eid}: status and progress.
func (a *API) getExport(w http.ResponseWriter, r *http.Request) error {
	_, e, err := a.exportOf(r)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, toExportJSON(e))
}

// downloadExport answers GET /api/projects/{id}/exports/{eid}/download: the
// finished file (with Range), until it expires.
func (a *API) downloadExport(w http.ResponseWriter, r *http.Request) error {
	p, e, err := a.exportOf(r)
	if err != nil {
		return err
	}
	switch e.Status {
	case store.ExportDone:
	case store.ExportExpired:
		return problem.New(http.StatusGone, "this export has expired and its file was deleted; export again")
	case store.ExportFailed:
		return problem.Conflict("this export failed: " + e.Error)
	default:
		return problem.Conflict("this export is not finished yet")
	}
	var spec export.Spec
	json.Unmarshal(e.Options, &spec)
	as := spec
	k := r.URL.Query().Get("exportType")
	if k == "" {
		k = r.URL.Query().Get("export_type")
	}
	if k != "" {
		if as, err = ExportSpec(url.Values{"exportType": {k}}, p); err != nil {
			return err
		}
		if as.Format != spec.Format && spec.Format != format.JSON {
			return problem.Invalid(fmt.Sprintf("exportType: this export was written as %s; only a JSON snapshot converts to other formats", spec.Format), nil)
		}
	}
	f, err := os.Open(e.FilePath)
	if errors.Is(err, os.ErrNotExist) {
		return problem.New(http.StatusGone, "this export's file is gone; export again")
	}
	if err != nil {
		return err
	}
	defer f.Close()
	if err := a.audit(r, store.AuditExportDownload, p.ID, map[string]any{"export": e.ID}); err != nil {
		return err
	}
	w.Header().Set("Content-Type", as.ContentType())
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", as.FileName(p.ID, e.CreatedAt)))
	if as.Format == spec.Format {
		http.ServeContent(w, r, "", e.CreatedAt, f)
		return nil
	}
	cfg, _ := labeling.ParseConfig(p.LabelConfig)
	if _, err := export.Convert(w, f, export.Options{Format: as.Format, Config: cfg}); err != nil {
		a.log.Error("snapshot conversion failed mid-stream", "project", p.ID, "export", e.ID, "err", err)
		panic(http.ErrAbortHandler)
	}
	return nil
}

// deleteExport answers DELETE /api/projects/{id}/exports/{eid}: the export's
// record and file go (Label Studio's snapshot delete); 204.
func (a *API) deleteExport(w http.ResponseWriter, r *http.Request) error {
	p, e, err := a.exportOf(r)
	if err != nil {
		return err
	}
	if e.Status == store.ExportRunning {
		return problem.Conflict("this export is being written; delete it when it has finished")
	}
	if err := a.store.DeleteExport(r.Context(), p.ID, e.ID); err != nil {
		return err
	}
	if e.FilePath != "" {
		if err := os.Remove(e.FilePath); err != nil && !errors.Is(err, os.ErrNotExist) {
			a.log.Warn("export file not removed", "export", e.ID, "err", err)
		}
	}
	if err := a.audit(r, store.AuditExportDelete, p.ID, map[string]any{"export": e.ID}); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// exportFormats answers GET /api/projects/{id}/export/formats as Label Studio
// does: every format, with the ones the project's config cannot fill disabled.
func (a *API) exportFormats(w http.ResponseWriter, r *http.Request) error {
	p, err := a.projectOf(r, auth.ManageProject)
	if err != nil {
		return err
	}
	cfg, _ := labeling.ParseConfig(p.LabelConfig)
	type formatJSON struct {
		Name     string `json:"name"`
		Title    string `json:"title"`
		Disabled bool   `json:"disabled"`
		Reason   string `json:"reason,omitempty"`
	}
	var out []formatJSON
	for _, k := range format.ExportKinds() {
		f := formatJSON{Name: string(k), Title: string(k)}
		if err := export.Fits(k, cfg); err != nil {
			f.Disabled, f.Reason = true, err.Error()
		}
		out = append(out, f)
	}
	return writeJSON(w, http.StatusOK, out)
}

// auditLog answers GET /api/audit (admins): the newest entries; ?project=,
// ?before=<id> to page back, ?limit= (≤ 1000, default 100).
func (a *API) auditLog(w http.ResponseWriter, r *http.Request) error {
	if !auth.CanManageUsers(caller(r)) {
		return problem.Forbidden()
	}
	q := store.AuditQuery{Limit: 100}
	for name, dst := range map[string]*int64{"project": &q.ProjectID, "before": &q.Before} {
		if v := r.URL.Query().Get(name); v != "" {
			id, err := parseID(v, name)
			if err != nil {
				return err
			}
			*dst = id
		}
	}
	if v := r.URL.Query().Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			return problem.BadRequest("limit must be between 1 and 1000, got %q", v)
		}
		q.Limit = n
	}
	es, err := a.store.AuditLog(r.Context(), q)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, es)
}
