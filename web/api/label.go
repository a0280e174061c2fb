package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"concord/internal/app"
	"concord/internal/auth"
	"concord/internal/job"
	"concord/internal/labeling"
	"concord/internal/live"
	"concord/internal/ml/backend"
	"concord/internal/store"
	"concord/web/problem"
)

// labelingTask is what the labeling page shows for one task (doc/labeling.md).
type labelingTask struct {
	Task struct {
		ID   int64           `json:"id"`
		Data json.RawMessage `json:"data"`
	} `json:"task"`
	Media       map[string]mediaInfo `json:"media"`
	Annotation  *annotationJSON      `json:"annotation"`
	Draft       *draftJSON           `json:"draft"`
	Predictions []predictionJSON     `json:"predictions"`
	Progress    store.Progress       `json:"progress"`
}

type mediaInfo struct {
	Width    *int     `json:"width,omitempty"`
	Height   *int     `json:"height,omitempty"`
	Duration *float64 `json:"duration,omitempty"`
	Peaks    string   `json:"peaks,omitempty"`
}

type draftJSON struct {
	Result json.RawMessage `json:"result"`
}

// next answers GET /api/projects/{id}/next: the caller's next task, reserved
// for them; ?exclude=12,13 asks for one other than those (to prefetch).
func (a *API) next(w http.ResponseWriter, r *http.Request) error {
	p, err := a.projectOf(r, auth.ViewProject)
	if err != nil {
		return err
	}
	var exclude []int64
	for _, v := range strings.Split(r.URL.Query().Get("exclude"), ",") {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil && len(exclude) < 10 {
			exclude = append(exclude, id)
		}
	}
	t, st, err := a.store.NextForLabeling(r.Context(), p, caller(r).ID, exclude)
	if errors.Is(err, store.ErrNotFound) {
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
	if errors.Is(err, store.ErrPaused) {
		return a.paused(r, p)
	}
	if err != nil {
		return err
	}
	lt, err := a.labelingTask(r, p, t, &st)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, lt)
}

// taskForLabeling answers GET /api/tasks/{id}/labeling: a given task, to go back to it.
func (a *API) taskForLabeling(w http.ResponseWriter, r *http.Request) error {
	t, p, err := a.task(r, auth.ViewProject)
	if err != nil {
		return err
	}
	lt, err := a.labelingTask(r, p, t, nil)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, lt)
}

// labelingTask is what the labeling page needs of t; st is the caller's
// labeling state of it when already read (nil: read it).
func (a *API) labelingTask(r *http.Request, p store.Project, t store.Task, st *store.LabelingState) (labelingTask, error) {
	ctx, u := r.Context(), caller(r)
	var lt labelingTask
	lt.Task.ID, lt.Task.Data = t.ID, t.Data
	media, err := a.mediaOf(r, t)
	if err != nil {
		return lt, err
	}
	lt.Media = map[string]mediaInfo{}
	for key, m := range media {
		mi := mediaInfo{Width: m.Width, Height: m.Height, Duration: m.Duration}
		if m.Kind == "audio" {
			mi.Peaks = "/media/" + m.Hash + "/peaks"
		}
		lt.Media[key] = mi
	}
	if st == nil {
		s, err := a.store.LabelingStateOf(ctx, p.ID, t.ID, u.ID)
		if err != nil {
			return lt, err
		}
		st = &s
	}
	if st.Mine != nil {
		aj := toAnnotationJSON(*st.Mine)
		lt.Annotation = &aj
	}
	if st.Draft != nil {
		lt.Draft = &draftJSON{Result: st.Draft}
	}
	lt.Predictions = make([]predictionJSON, len(st.Predictions))
	for i, pr := range st.Predictions {
		lt.Predictions[i] = toPredictionJSON(pr)
	}
	lt.Progress = st.Progress
	lt.Progress.Remaining, lt.Progress.RemainingMore, err = a.openTasks.get(ctx, p.ID, a.store)
	return lt, err
}

var mediaURL = regexp.MustCompile(`^/media/([0-9a-f]{64})$`)

// mediaOf finds the stored files a task's data refers to, by data key.
func (a *API) mediaOf(r *http.Request, t store.Task) (map[string]store.Media, error) {
	var data map[string]any
	if err := json.Unmarshal(t.Data, &data); err != nil {
		return nil, err
	}
	byHash := map[string]string{}
	var hashes []string
	for k, v := range data {
		if s, ok := v.(string); ok {
			if m := mediaURL.FindStringSubmatch(s); m != nil {
				byHash[m[1]] = k
				hashes = append(hashes, m[1])
			}
		}
	}
	out := map[string]store.Media{}
	if len(hashes) == 0 {
		return out, nil
	}
	ms, err := a.store.MediaByHashes(r.Context(), hashes)
	for _, m := range ms {
		out[byHash[m.Hash]] = m
	}
	return out, err
}

// history answers GET /api/projects/{id}/history?before=ID: the caller's own annotations.
func (a *API) history(w http.ResponseWriter, r *http.Request) error {
	p, err := a.projectOf(r, auth.ViewProject)
	if err != nil {
		return err
	}
	var before int64
	if s := r.URL.Query().Get("before"); s != "" {
		if before, err = strconv.ParseInt(s, 10, 64); err != nil {
			return problem.BadRequest("before must be an annotation id")
		}
	}
	hs, err := a.store.History(r.Context(), p.ID, caller(r).ID, before, 20)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"annotations": hs})
}

// annotationJSON is an annotation as Label Studio's API shows it.
type annotationJSON struct {
	ID           int64           `json:"id"`
	Task         int64           `json:"task"`
	Project      int64           `json:"project"`
	CompletedBy  *int64          `json:"completed_by"`
	Result       json.RawMessage `json:"result"`
	WasCancelled bool            `json:"was_cancelled"`
	GroundTruth  bool            `json:"ground_truth"`
	LeadTime     float64         `json:"lead_time"`
	SkipReason   string          `json:"skip_reason,omitempty"`
	ReviewState  string          `json:"review_state,omitempty"`
	Comment      string          `json:"review_comment,omitempty"`
	CreatedAt    time.Time       `json:"created_at"`
	UpdatedAt    time.Time       `json:"updated_at"`
}

func toAnnotationJSON(a store.Annotation) annotationJSON {
	return annotationJSON{ID: a.ID, Task: a.TaskID, Project: a.ProjectID, CompletedBy: a.CompletedBy, Result: a.Result,
		WasCancelled: a.WasCancelled, GroundTruth: a.GroundTruth, LeadTime: a.LeadTime, SkipReason: a.SkipReason,
		ReviewState: a.ReviewState, Comment: a.Comment, CreatedAt: a.CreatedAt, UpdatedAt: a.UpdatedAt}
}

// annotationInput is the body of an annotation's create or edit.
type annotationInput struct {
	Result       []json.RawMessage `json:"result"`
	LeadTime     float64           `json:"lead_time"`
	WasCancelled *bool             `json:"was_cancelled"`
	SkipReason   string            `json:"skip_reason"`
	GroundTruth  *bool             `json:"ground_truth"` // managers only, as Label Studio's review rules
}

// groundTruth checks the caller may change an annotation's ground truth from
// was to want (nil: not asked): only a manager of the project may, as with
// PATCH /api/annotations/{id}/ground-truth; sending the current value is no change.
func (a *API) groundTruth(r *http.Request, p store.Project, was bool, want *bool) (bool, error) {
	if want == nil || *want == was {
		return was, nil
	}
	if _, err := a.project(r, p.ID, auth.ManageProject); err != nil {
		if problem.From(err).Status == http.StatusForbidden {
			return was, problem.New(http.StatusForbidden, "ground_truth: only a manager of this project may mark or unmark ground truth")
		}
		return was, err
	}
	return *want, nil
}

// checkResult validates result items against the project's config and the
// task, answering 422 with one detail per problem; boxes a hair past the
// image's edge are pulled onto it first (labeling.ClampBoxes).
func (a *API) checkResult(r *http.Request, p store.Project, t store.Task, items []json.RawMessage, cancelled bool) (json.RawMessage, error) {
	if items == nil {
		items = []json.RawMessage{}
	}
	labeling.ClampBoxes(items)
	raw, _ := json.Marshal(items)
	results := make([]labeling.Result, len(items))
	for i, it := range items {
		if err := json.Unmarshal(it, &results[i]); err != nil {
			return nil, problem.Invalid(fmt.Sprintf("result %d: %v", i, err), []map[string]any{{"index": i, "error": err.Error()}})
		}
	}
	if cancelled && len(items) == 0 {
		return raw, nil
	}
	cfg, err := a.configs.Of(p)
	if err != nil {
		return nil, problem.Invalid("the project's label config is not set up: "+err.Error(), nil)
	}
	var data map[string]any
	if err := json.Unmarshal(t.Data, &data); err != nil {
		return nil, err
	}
	media, err := a.mediaOf(r, t)
	if err != nil {
		return nil, err
	}
	task := labeling.Task{Data: data, Media: map[string]labeling.MediaInfo{}}
	for k, m := range media {
		var mi labeling.MediaInfo
		if m.Width != nil && m.Height != nil {
			mi.Width, mi.Height = *m.Width, *m.Height
		}
		if m.Duration != nil {
			mi.Duration = *m.Duration
		}
		task.Media[k] = mi
	}
	if err := cfg.Validate(results, task); err != nil {
		var details []map[string]any
		var res labeling.ResultErrors
		if errors.As(err, &res) {
			for _, re := range res {
				details = append(details, map[string]any{"index": re.Index, "from_name": re.FromName, "error": re.Msg})
			}
		}
		return nil, problem.Invalid(err.Error(), details)
	}
	return raw, nil
}

// createAnnotation answers POST /api/tasks/{id}/annotations. The answer comes
// after commit; the Idempotency-Key header makes a retry return the first annotation.
func (a *API) createAnnotation(w http.ResponseWriter, r *http.Request) error {
	var gold bool // the task has someone else's ground truth: the answer is scored
	t, p, err := inProject(a, r, auth.ViewProject, "task", func(ctx context.Context, id int64) (store.Task, error) {
		t, g, err := a.store.TaskForAnswer(ctx, id, caller(r).ID)
		gold = g
		return t, err
	}, func(t store.Task) int64 { return t.ProjectID })
	if err != nil {
		return err
	}
	var in annotationInput
	if err := readJSON(w, r, &in); err != nil {
		return err
	}
	cancelled := in.WasCancelled != nil && *in.WasCancelled
	gt, err := a.groundTruth(r, p, false, in.GroundTruth)
	if err != nil {
		return err
	}
	result, err := a.checkResult(r, p, t, in.Result, cancelled)
	if err != nil {
		return err
	}
	key := r.Header.Get("Idempotency-Key")
	if len(key) > 200 {
		return problem.BadRequest("Idempotency-Key is longer than 200 characters")
	}
	if in.LeadTime < 0 {
		in.LeadTime = 0
	}
	sub := store.Submission{TaskID: t.ID, UserID: caller(r).ID, Result: result, WasCancelled: cancelled,
		SkipReason: in.SkipReason, LeadTime: in.LeadTime, IdempotencyKey: key}
	var ann store.Annotation
	var created bool
	var pause *store.Pause
	if p.AnnotationHooks || gt || gold {
		// Webhooks or ML backends hear of it, or it is (or answers) ground
		// truth: its deliveries and gold score commit with it.
		err = a.store.Transact(r.Context(), func(tx *store.Store) error {
			var err error
			ann, created, err = tx.Submit(r.Context(), sub, p.MaximumAnnotations)
			if err != nil || !created {
				return err
			}
			if gt {
				if err := tx.SetGroundTruth(r.Context(), ann.ID, true); err != nil {
					return err
				}
				ann.GroundTruth = true
			}
			if pause, err = app.ScoreGold(r.Context(), tx, p, ann); err != nil {
				return err
			}
			return job.AfterAnnotation(r.Context(), a.jobs, tx, p, ann)
		})
	} else {
		// The common case: one statement, its own transaction.
		ann, created, err = a.store.Submit(r.Context(), sub, p.MaximumAnnotations)
	}
	if errors.Is(err, store.ErrAlreadyAnnotated) {
		return problem.Conflict("you have already annotated this task: edit your annotation with PATCH /api/annotations/{id}")
	}
	if errors.Is(err, store.ErrPaused) {
		return a.paused(r, p)
	}
	if err != nil {
		return err
	}
	status := http.StatusCreated
	if !created {
		status = http.StatusOK
	} else {
		data, _ := json.Marshal(map[string]int64{"task": t.ID, "completed_by": caller(r).ID})
		a.notify(r.Context(), live.Event{Project: p.ID, Type: live.TypeAnnotationCreated, ID: ann.ID, Data: data})
	}
	if pause != nil {
		a.log.Info("annotator paused for low gold accuracy", "project_id", p.ID, "user_id", pause.UserID,
			"gold_accuracy", pause.Accuracy, "gold_tasks", pause.GoldTasks, "threshold", pause.Threshold)
		data, _ := json.Marshal(map[string]any{"accuracy": pause.Accuracy, "gold_tasks": pause.GoldTasks, "threshold": pause.Threshold})
		a.notify(r.Context(), live.Event{Project: p.ID, Type: live.TypeAnnotatorPaused, ID: pause.UserID, Data: data})
	}
	return writeJSON(w, status, toAnnotationJSON(ann))
}

// annotation loads an annotation and checks the caller may see it (own, a
// manager of its project, or a member when the project shows annotators each
// other's work) or, with write, change it (own, or a manager).
func (a *API) annotation(r *http.Request, write bool) (store.Annotation, store.Project, error) {
	id, err := idParam(r, "id")
	if err != nil {
		return store.Annotation{}, store.Project{}, err
	}
	ann, err := a.store.AnnotationByID(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		return ann, store.Project{}, problem.NotFound("annotation")
	}
	if err != nil {
		return ann, store.Project{}, err
	}
	u := caller(r)
	p, role, err := app.Project(r.Context(), a.store, u, ann.ProjectID, auth.ViewProject)
	if err != nil {
		return ann, p, problem.NotFound("annotation")
	}
	own := ann.CompletedBy != nil && *ann.CompletedBy == u.ID
	switch auth.AnnotationAccess(u, role, own, p.ShowOthers, write) {
	case nil:
		return ann, p, nil
	case auth.ErrForbidden:
		return ann, p, problem.Forbidden()
	}
	return ann, p, problem.NotFound("annotation")
}

func (a *API) getAnnotation(w http.ResponseWriter, r *http.Request) error {
	ann, _, err := a.annotation(r, false)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, toAnnotationJSON(ann))
}

func (a *API) updateAnnotation(w http.ResponseWriter, r *http.Request) error {
	ann, p, err := a.annotation(r, true)
	if err != nil {
		return err
	}
	var in annotationInput
	if err := readJSON(w, r, &in); err != nil {
		return err
	}
	cancelled := ann.WasCancelled
	if in.WasCancelled != nil {
		cancelled = *in.WasCancelled
	}
	gt, err := a.groundTruth(r, p, ann.GroundTruth, in.GroundTruth)
	if err != nil {
		return err
	}
	result := ann.Result
	if in.Result != nil || in.WasCancelled != nil {
		t, err := a.store.TaskByID(r.Context(), ann.TaskID)
		if err != nil {
			return err
		}
		if result, err = a.checkResult(r, p, t, in.Result, cancelled); err != nil {
			return err
		}
	}
	err = a.store.Transact(r.Context(), func(tx *store.Store) error {
		var err error
		was := ann.GroundTruth
		ann, err = tx.EditAnnotation(r.Context(), ann.ID, store.AnnotationEdit{Result: result, LeadTime: max(in.LeadTime, 0), WasCancelled: cancelled}, p.MaximumAnnotations)
		if err != nil {
			return err
		}
		if gt != was {
			if err := tx.SetGroundTruth(r.Context(), ann.ID, gt); err != nil {
				return err
			}
			ann.GroundTruth = gt
		}
		if err := job.EnqueueAgreement(r.Context(), a.jobs, tx, p.ID); err != nil {
			return err
		}
		if err := job.Notify(r.Context(), a.jobs, tx, p.ID, job.EventAnnotationUpdated, map[string]any{"annotation": ann.ID, "task": ann.TaskID, "result": ann.Result}); err != nil {
			return err
		}
		return job.ToBackends(r.Context(), a.jobs, tx, p, backend.EventAnnotationUpdated, ann, nil)
	})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, toAnnotationJSON(ann))
}

func (a *API) deleteAnnotation(w http.ResponseWriter, r *http.Request) error {
	ann, p, err := a.annotation(r, true)
	if err != nil {
		return err
	}
	err = a.store.Transact(r.Context(), func(tx *store.Store) error {
		t, err := tx.TaskByID(r.Context(), ann.TaskID)
		if err != nil {
			return err
		}
		if err := tx.DeleteAnnotation(r.Context(), ann.ID, p.MaximumAnnotations); err != nil {
			return err
		}
		if err := job.EnqueueAgreement(r.Context(), a.jobs, tx, p.ID); err != nil {
			return err
		}
		if err := job.Notify(r.Context(), a.jobs, tx, p.ID, job.EventAnnotationDeleted, map[string]any{"annotation": ann.ID, "task": ann.TaskID}); err != nil {
			return err
		}
		return job.ToBackends(r.Context(), a.jobs, tx, p, backend.EventAnnotationDeleted, ann, t.Data)
	})
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// Drafts are bounded: an autosave is small, and a draft is kept per task and
// annotator, so an unbounded one would let anyone fill the database.
const (
	maxDraftBody  = 64 << 10
	maxDraftItems = 500
)

// saveDraft answers PUT /api/tasks/{id}/draft: autosaved work in progress,
// result items of the project's controls (not yet checked against the task:
// it may be unfinished), at most maxDraftItems in maxDraftBody bytes.
func (a *API) saveDraft(w http.ResponseWriter, r *http.Request) error {
	t, p, err := a.task(r, auth.ViewProject)
	if err != nil {
		return err
	}
	var in struct {
		Result []labeling.Result `json:"result"`
	}
	if err := readJSONLimit(w, r, &in, maxDraftBody); err != nil {
		return err
	}
	if len(in.Result) > maxDraftItems {
		return problem.Invalid(fmt.Sprintf("result: a draft holds at most %d items, got %d", maxDraftItems, len(in.Result)), nil)
	}
	cfg, err := a.configs.Of(p)
	if err != nil {
		return problem.Conflict("this project's label config no longer parses; fix it before labeling")
	}
	for i, res := range in.Result {
		if _, ok := cfg.Control(res.FromName); !ok {
			return problem.Invalid(fmt.Sprintf("result[%d].from_name: %q is not a control of this project", i, res.FromName), nil)
		}
	}
	if in.Result == nil {
		in.Result = []labeling.Result{}
	}
	raw, err := json.Marshal(in.Result)
	if err != nil {
		return problem.Invalid("result: "+err.Error(), nil)
	}
	if err := a.store.SaveDraft(r.Context(), t.ID, caller(r).ID, raw); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
