package job

import (
	"context"

	"concord/internal/ml/backend"
	"concord/internal/store"
)

// AfterAnnotation enqueues, in the submission's transaction, what a new
// annotation makes due: a training when retrain_every labels have gathered,
// a recomputation of agreement (debounced), and a
// webhook to each of the project's ML backends.
func AfterAnnotation(ctx context.Context, jobs *Client, tx *store.Store, p store.Project, a store.Annotation) error {
	if a.WasCancelled {
		return nil
	}
	if err := TrainIfDue(ctx, jobs, tx, p); err != nil {
		return err
	}
	if err := EnqueueAgreement(ctx, jobs, tx, p.ID); err != nil {
		return err
	}
	if err := Notify(ctx, jobs, tx, p.ID, EventAnnotationCreated, map[string]any{"annotation": a.ID, "task": a.TaskID, "completed_by": a.CompletedBy, "result": a.Result}); err != nil {
		return err
	}
	return ToBackends(ctx, jobs, tx, p, backend.EventAnnotationCreated, a, nil)
}
