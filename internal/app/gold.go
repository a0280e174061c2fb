package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"concord/internal/agreement"
	"concord/internal/labeling"
	"concord/internal/store"
)

// ScoreGold scores a new annotation of a gold task (one with someone else's
// ground truth) against the ground truth ([agreement.GoldScore]) and records
// it, in tx; when the project pauses annotators and this answer brings the
// annotator's accuracy over their last N gold tasks under the threshold, it
// pauses them and returns the pause (nil otherwise). A skip, or a task
// without ground truth, is not scored.
func ScoreGold(ctx context.Context, tx *store.Store, p store.Project, ann store.Annotation) (*store.Pause, error) {
	if ann.WasCancelled || ann.CompletedBy == nil || ann.GroundTruth {
		return nil, nil
	}
	raw, err := tx.GroundTruthResult(ctx, ann.TaskID, *ann.CompletedBy)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	cfg, err := labeling.ParseConfig(p.LabelConfig)
	if err != nil {
		return nil, nil // a project not set up has no gold to score against
	}
	var got, want []labeling.Result
	if err := json.Unmarshal(ann.Result, &got); err != nil {
		return nil, fmt.Errorf("score gold: annotation %d: %w", ann.ID, err)
	}
	if err := json.Unmarshal(raw, &want); err != nil {
		return nil, fmt.Errorf("score gold: ground truth of task %d: %w", ann.TaskID, err)
	}
	score, ok := agreement.GoldScore(cfg.Controls, got, want)
	if !ok {
		return nil, nil
	}
	return tx.RecordGoldAnswer(ctx, p, *ann.CompletedBy, ann.TaskID, ann.ID, score)
}

// PauseMessage tells a paused annotator why they get no tasks, and what to do.
func PauseMessage(p store.Pause) string {
	return fmt.Sprintf("You are paused on this project: your accuracy on your last %d gold tasks (tasks with a known answer) was %.0f %%, "+
		"under the project's threshold of %.0f %%. A project manager has been told and can let you continue; "+
		"meanwhile, re-read the guidelines.", p.GoldTasks, 100*p.Accuracy, 100*p.Threshold)
}
