package job

import (
	"context"

	"github.com/jackc/pgx/v5"

	"concord/internal/store"
)

// AfterAnnotation enqueues, in the submission's transaction, what a new
// annotation makes due: a training when retrain_every labels have gathered,
// a recomputation of agreement (debounced) where annotators overlap, and a
// webhook to each of the project's ML backends.
func AfterAnnotation(ctx context.Context, jobs *Client, st *store.Store, tx pgx.Tx, p store.Project, a store.Annotation) error {
	if a.WasCancelled {
		return nil
	}
	if err := TrainIfDue(ctx, jobs, st, tx, p); err != nil {
		return err
	}
	if p.MaximumAnnotations > 1 || p.GoldRate > 0 || a.GroundTruth {
		if err := EnqueueAgreement(ctx, jobs, tx, p.ID); err != nil {
			return err
		}
	}
	if err := Notify(ctx, jobs, st, tx, p.ID, EventAnnotationCreated, map[string]any{"annotation": a.ID, "task": a.TaskID, "completed_by": a.CompletedBy, "result": a.Result}); err != nil {
		return err
	}
	bs, err := st.MLBackends(ctx, tx, p.ID)
	if err != nil {
		return err
	}
	for _, b := range bs {
		if _, err := jobs.InsertTx(ctx, tx, BackendWebhookArgs{ProjectID: p.ID, BackendID: b.ID, AnnotationID: a.ID}, nil); err != nil {
			return err
		}
	}
	return nil
}
