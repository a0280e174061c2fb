package job

import (
	"context"

	"concord/internal/ml/backend"
	"concord/internal/store"
)

// AfterAnnotation enqueues, in the submission's transaction, the deliveries a
// new annotation makes due: the annotation.created webhooks and a webhook to
// each of the project's ML backends. The submission needs it only when the
// project has any (p.AnnotationHooks); the recomputation of agreement and the
// training follow from the label it counted (DrainWorker).
func AfterAnnotation(ctx context.Context, jobs *Client, tx *store.Store, p store.Project, a store.Annotation) error {
	if a.WasCancelled {
		return nil
	}
	if err := Notify(ctx, jobs, tx, p.ID, EventAnnotationCreated, map[string]any{"annotation": a.ID, "task": a.TaskID, "completed_by": a.CompletedBy, "result": a.Result}); err != nil {
		return err
	}
	return ToBackends(ctx, jobs, tx, p, backend.EventAnnotationCreated, a, nil)
}
