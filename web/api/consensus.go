package api

import (
	"encoding/json"
	"net/http"
	"strconv"

	"concord/internal/agreement"
	"concord/internal/auth"
	"concord/internal/labeling"
	"concord/web/problem"
)

// taskConsensus answers GET /api/tasks/{id}/consensus[?tie_seed=N]: each
// classification control's consensus on the task (ground truth decides; else
// the majority; a tie is no consensus, or with tie_seed a seeded draw among
// the tied values), with the votes or the reason there is none (managers).
func (a *API) taskConsensus(w http.ResponseWriter, r *http.Request) error {
	t, p, err := a.task(r, auth.ManageProject)
	if err != nil {
		return err
	}
	var tie agreement.TieRule
	if s := r.URL.Query().Get("tie_seed"); s != "" {
		if tie.Seed, err = strconv.ParseUint(s, 10, 64); err != nil || tie.Seed == 0 {
			return problem.Invalid("tie_seed: give a whole number from 1, or leave it out to leave ties without consensus", nil)
		}
	}
	cfg, err := labeling.ParseConfig(p.LabelConfig)
	if err != nil {
		return problem.Invalid("the project's label config is not set up: "+err.Error(), nil)
	}
	as, err := a.store.TaskAnnotationsForReview(r.Context(), t.ID)
	if err != nil {
		return err
	}
	task := agreement.Task{ID: t.ID}
	latest := map[int64]int{}
	for _, an := range as {
		if an.WasCancelled || an.ReviewState == "rejected" || an.CompletedBy == nil {
			continue
		}
		var rs []labeling.Result
		if err := json.Unmarshal(an.Result, &rs); err != nil {
			return err
		}
		x := agreement.Annotation{ID: an.ID, Annotator: *an.CompletedBy, GroundTruth: an.GroundTruth, Results: rs}
		if i, ok := latest[x.Annotator]; ok && !x.GroundTruth {
			task.Annotations[i] = x // one vote per annotator: the latest
			continue
		}
		if !x.GroundTruth {
			latest[x.Annotator] = len(task.Annotations)
		}
		task.Annotations = append(task.Annotations, x)
	}
	return writeJSON(w, http.StatusOK, map[string]any{"task": t.ID, "tie_seed": tie.Seed,
		"consensus": agreement.TaskConsensus(cfg.Controls, task, int(t.ID), tie)})
}
