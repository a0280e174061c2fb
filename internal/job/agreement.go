package job

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"

	"concord/internal/agreement"
	"concord/internal/labeling"
	"concord/internal/live"
	"concord/internal/store"
)

// agreementDelay gathers the submissions of a few seconds into one recomputation.
const agreementDelay = 5 * time.Second

// AgreementArgs asks for a project's agreement to be recomputed.
type AgreementArgs struct {
	ProjectID int64 `json:"project_id"`
}

// Kind names the job.
func (AgreementArgs) Kind() string { return "agreement" }

// InsertOpts debounces: at most one job per project is queued in each window
// of agreementDelay, and it runs that long after the first change of its
// window, so it sees every change of the window. A change made while an older
// job runs falls in a later window and gets a job of its own: none is lost.
func (AgreementArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 5, ScheduledAt: time.Now().Add(agreementDelay),
		UniqueOpts: river.UniqueOpts{ByArgs: true, ByPeriod: agreementDelay}}
}

// AgreementWorker recomputes a project's agreement — every control, per task,
// per label, per annotator (against each other, the consensus and the ground
// truth) and for the project; see [agreement.Measure] — and stores it. A failure is logged and kept for the quality
// page until the next success.
type AgreementWorker struct {
	river.WorkerDefaults[AgreementArgs]
	store *store.Store
	log   *slog.Logger
}

// errBusy says another computation of the project's agreement is running.
var errBusy = errors.New("agreement: another computation of this project runs")

// Work runs the job.
func (w *AgreementWorker) Work(ctx context.Context, j *river.Job[AgreementArgs]) error {
	err := w.compute(ctx, j.Args.ProjectID)
	if errors.Is(err, errBusy) {
		return river.JobSnooze(agreementDelay)
	}
	if err != nil && ctx.Err() == nil {
		w.log.Error("agreement failed", "project_id", j.Args.ProjectID, "attempt", j.Attempt, "error", err)
		if rerr := w.store.RecordAgreementFailure(ctx, j.Args.ProjectID, err.Error()); rerr != nil {
			w.log.Error("agreement failure not recorded", "project_id", j.Args.ProjectID, "error", rerr)
		}
	}
	return err
}

// compute measures and stores one project's agreement; a panic becomes its error.
func (w *AgreementWorker) compute(ctx context.Context, projectID int64) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("agreement: internal error: %v", v)
		}
	}()
	p, err := w.store.ProjectByID(ctx, projectID)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	cfg, err := labeling.ParseConfig(p.LabelConfig)
	if err != nil || len(cfg.Controls) == 0 {
		return nil
	}
	// One computation per project at a time; a job that finds another running waits for it.
	release, ok, err := w.store.TryLock(ctx, "agreement", p.ID)
	if err != nil {
		return err
	}
	if !ok {
		return errBusy
	}
	defer release()
	var tasks []store.TaskAnnotations
	if err := w.store.AnnotatedTasks(ctx, p.ID, func(ta store.TaskAnnotations) error {
		tasks = append(tasks, ta)
		return ctx.Err()
	}); err != nil {
		return err
	}
	parsed, notes, err := parseTasks(tasks)
	if err != nil {
		return err
	}
	rep := agreement.Measure(cfg.Controls, parsed)
	rep.Notes = append(notes, rep.Notes...)
	ids := make([]int64, 0, len(rep.TaskAgreement))
	values := make([]float64, 0, len(rep.TaskAgreement))
	for id, v := range rep.TaskAgreement {
		ids, values = append(ids, id), append(values, v)
	}
	raw, err := json.Marshal(rep)
	if err != nil {
		return err
	}
	if err := w.store.SaveAgreement(ctx, p.ID, raw, ids, values); err != nil {
		return err
	}
	if p.AgreementThreshold > 0 && p.MaxExtra > 0 {
		if _, err := w.store.AddAnnotators(ctx, p.ID, p.AgreementThreshold, p.MaxExtra); err != nil {
			return err
		}
	}
	data, _ := json.Marshal(map[string]any{"agreement": rep.Project["mean_task_agreement"]})
	live.Notify(ctx, w.store.Pool, live.Event{Project: p.ID, Type: live.TypeAgreementUpdated, Data: data})
	return nil
}

// parseTasks parses every annotation's result (one that does not parse is an
// error naming it) and keeps, per task, one annotation per annotator: the
// latest, besides ground truth. The note says how many were left out.
func parseTasks(tasks []store.TaskAnnotations) ([]agreement.Task, []string, error) {
	out := make([]agreement.Task, len(tasks))
	dropped, affected := 0, 0
	for i, t := range tasks {
		out[i].ID = t.TaskID
		latest := map[int64]int{} // annotator → index in out[i].Annotations
		before := dropped
		for _, a := range t.Annotations {
			var rs []labeling.Result
			if err := json.Unmarshal(a.Result, &rs); err != nil {
				return nil, nil, fmt.Errorf("annotation %d of task %d: its result is not a list of result items: %w", a.ID, t.TaskID, err)
			}
			ar := agreement.Annotation{ID: a.ID, Annotator: a.UserID, GroundTruth: a.GroundTruth, LeadTime: a.LeadTime, Results: rs}
			if a.GroundTruth {
				out[i].Annotations = append(out[i].Annotations, ar)
				continue
			}
			if k, ok := latest[a.UserID]; ok {
				out[i].Annotations[k] = ar // annotations come in id order: the later wins
				dropped++
				continue
			}
			latest[a.UserID] = len(out[i].Annotations)
			out[i].Annotations = append(out[i].Annotations, ar)
		}
		if dropped > before {
			affected++
		}
	}
	var notes []string
	if dropped > 0 {
		notes = append(notes, fmt.Sprintf("%d annotations left out on %d tasks: one annotator annotated the same task more than once "+
			"(for example annotations imported under one account); only each annotator's latest annotation of a task counts", dropped, affected))
	}
	return out, notes, nil
}

// EnqueueAgreement asks, in tx, for the project's agreement to be recomputed soon.
func EnqueueAgreement(ctx context.Context, jobs *Client, tx *store.Store, projectID int64) error {
	return Insert(ctx, jobs, tx, AgreementArgs{ProjectID: projectID})
}
