package job

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivertest"

	"concord/internal/ingest"
	"concord/internal/store"
	"concord/internal/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// sentiment is a text-classification config the in-house model understands.
const sentiment = `<View><Text name="text" value="$text"/><Choices name="label" toName="text">` +
	`<Choice value="pos"/><Choice value="neg"/></Choices></View>`

// choice is a one-item result choosing v.
func choice(v string) json.RawMessage {
	return json.RawMessage(`[{"id":"r","from_name":"label","to_name":"text","type":"choices","value":{"choices":["` + v + `"]}}]`)
}

// project is a sentiment project with tasks and annotators, on s.
type project struct {
	s     *store.Store
	p     store.Project
	users []store.User
	tasks []int64
}

func newProject(t *testing.T, s *store.Store, f store.ProjectFields, tasks, annotators int) project {
	t.Helper()
	ctx := context.Background()
	mgr, err := s.CreateUser(ctx, f.Title+"-m@x.org", "", "h", store.RoleManager)
	if err != nil {
		t.Fatal(err)
	}
	f.LabelConfig, f.Sampling = sentiment, "sequential"
	p, err := s.CreateProject(ctx, f, mgr.ID)
	if err != nil {
		t.Fatal(err)
	}
	pr := project{s: s, p: p}
	for i := range annotators {
		u, err := s.CreateUser(ctx, fmt.Sprintf("%s-a%d@x.org", f.Title, i), "", "h", store.RoleAnnotator)
		if err != nil {
			t.Fatal(err)
		}
		pr.users = append(pr.users, u)
	}
	for i := range tasks {
		task, err := s.CreateTask(ctx, p.ID, map[string]any{"text": fmt.Sprint("text ", i)})
		if err != nil {
			t.Fatal(err)
		}
		pr.tasks = append(pr.tasks, task.ID)
	}
	return pr
}

// annotate commits annotator u's label v of task i.
func (pr project) annotate(t *testing.T, u, i int, v string, cancelled bool) store.Annotation {
	t.Helper()
	a, _, err := pr.s.Submit(context.Background(), store.Submission{TaskID: pr.tasks[i], UserID: pr.users[u].ID, Result: choice(v), WasCancelled: cancelled}, pr.p.MaximumAnnotations)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// insertOnly is a River client that inserts jobs and works none, as the web server's when the worker runs elsewhere.
func insertOnly(t *testing.T, s *store.Store) *Client {
	t.Helper()
	c, err := NewClient(s.Pool, s, &ingest.Importer{Store: s}, Options{}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestAfterAnnotation checks which jobs a new annotation makes due, with
// River's RequireInsertedTx and RequireNotInsertedTx: its deliveries, enqueued
// in its transaction by AfterAnnotation, and the agreement and training that
// the next drain of the label counts enqueues (Drain).
func TestAfterAnnotation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := storetest.New(t)
	jobs := insertOnly(t, s)
	tests := []struct {
		name                      string
		fields                    store.ProjectFields
		cancelled, gold, hook     bool
		agreement, train, webhook bool
	}{
		{name: "one annotator per task: agreement (stale values are cleared)", fields: store.ProjectFields{MaximumAnnotations: 1, RetrainEvery: 100}, agreement: true},
		{name: "overlapping annotators: agreement", fields: store.ProjectFields{MaximumAnnotations: 2, RetrainEvery: 100}, agreement: true},
		{name: "gold tasks: agreement", fields: store.ProjectFields{MaximumAnnotations: 1, GoldRate: 0.1, RetrainEvery: 100}, agreement: true},
		{name: "ground truth: agreement", fields: store.ProjectFields{MaximumAnnotations: 1, RetrainEvery: 100}, gold: true, agreement: true},
		{name: "enough labels since the last training: train", fields: store.ProjectFields{MaximumAnnotations: 1, RetrainEvery: 1}, train: true, agreement: true},
		{name: "a webhook on annotation.created: its delivery", fields: store.ProjectFields{MaximumAnnotations: 1, RetrainEvery: 100}, hook: true, webhook: true, agreement: true},
		{name: "a skip enqueues nothing", fields: store.ProjectFields{MaximumAnnotations: 2, RetrainEvery: 1}, cancelled: true, hook: true},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.fields.Title = fmt.Sprint("p", i)
			// The earlier cases' labels, drained: only this case's can count.
			cs, err := s.LabelsToDrain(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range cs {
				if err := s.MarkDrained(ctx, c.ProjectID, c.Labels); err != nil {
					t.Fatal(err)
				}
			}
			pr := newProject(t, s, tt.fields, 1, 1)
			if tt.hook {
				if _, err := s.CreateWebhook(ctx, pr.p.ID, "https://hooks.example.org/concord", "secret", []string{EventAnnotationCreated}); err != nil {
					t.Fatal(err)
				}
			}
			a := pr.annotate(t, 0, 0, "pos", tt.cancelled)
			a.GroundTruth = tt.gold
			// The checks run inside the transaction, which is then rolled back.
			rollback := errors.New("rollback")
			err = s.Transact(ctx, func(tx *store.Store) error {
				if err := AfterAnnotation(ctx, jobs, tx, pr.p, a); err != nil {
					return err
				}
				if err := Drain(ctx, jobs, tx); err != nil {
					return err
				}
				check(ctx, t, tx.Tx(), tt.agreement, AgreementArgs{ProjectID: pr.p.ID})
				check(ctx, t, tx.Tx(), tt.train, TrainArgs{ProjectID: pr.p.ID})
				check(ctx, t, tx.Tx(), tt.webhook, WebhookArgs{ProjectID: pr.p.ID})
				return rollback
			})
			if !errors.Is(err, rollback) {
				t.Fatal(err)
			}
		})
	}
}

// check requires a job of args' kind in tx when want, and none otherwise.
func check[T river.JobArgs](ctx context.Context, t *testing.T, tx pgx.Tx, want bool, args T) {
	t.Helper()
	if want {
		rivertest.RequireInsertedTx[*riverpgxv5.Driver](ctx, t, tx, args, nil)
	} else {
		rivertest.RequireNotInsertedTx[*riverpgxv5.Driver](ctx, t, tx, args, nil)
	}
}
