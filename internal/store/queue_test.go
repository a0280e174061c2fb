package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"concord/internal/store"
	"concord/internal/store/storetest"
)

// queue is a project with annotators and tasks, for the queue, submit and review tests.
type queue struct {
	t     *testing.T
	s     *store.Store
	p     store.Project
	mgr   store.User
	users []store.User // annotators, members of p
	tasks []int64      // in id order
}

// queues numbers the queues made, so that several share one database.
var queues atomic.Int64

// newQueue makes a project with fields f, n tasks and k annotators of its own
// in s (nil: a fresh database).
func newQueue(t *testing.T, s *store.Store, f store.ProjectFields, n, k int) *queue {
	t.Helper()
	ctx := context.Background()
	if s == nil {
		s = storetest.New(t)
	}
	prefix := fmt.Sprint("q", queues.Add(1), "-")
	mgr, err := s.CreateUser(ctx, prefix+"manager@x.org", "", "h", store.RoleManager)
	if err != nil {
		t.Fatal(err)
	}
	f.Title, f.LabelConfig = "queue", "<View/>"
	if f.Sampling == "" {
		f.Sampling = "sequential"
	}
	p, err := s.CreateProject(ctx, f, mgr.ID)
	if err != nil {
		t.Fatal(err)
	}
	q := &queue{t: t, s: s, p: p, mgr: mgr}
	for i := range k {
		u, err := s.CreateUser(ctx, fmt.Sprintf("%sann%d@x.org", prefix, i), "", "h", store.RoleAnnotator)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.SetMember(ctx, p.ID, u.ID, store.RoleAnnotator); err != nil {
			t.Fatal(err)
		}
		q.users = append(q.users, u)
	}
	for i := range n {
		task, err := s.CreateTask(ctx, p.ID, map[string]any{"text": fmt.Sprint("task ", i)})
		if err != nil {
			t.Fatal(err)
		}
		q.tasks = append(q.tasks, task.ID)
	}
	return q
}

// next asks the queue for annotator u's next task: its index in q.tasks, or -1 when none is left.
func (q *queue) next(u int, exclude ...int) int {
	q.t.Helper()
	var ids []int64
	for _, i := range exclude {
		ids = append(ids, q.tasks[i])
	}
	task, err := q.s.NextTask(context.Background(), q.p, q.users[u].ID, ids)
	if errors.Is(err, store.ErrNotFound) {
		return -1
	}
	if err != nil {
		q.t.Fatalf("next task for annotator %d: %v", u, err)
	}
	return q.index(task.ID)
}

func (q *queue) index(id int64) int {
	for i, t := range q.tasks {
		if t == id {
			return i
		}
	}
	q.t.Fatalf("task %d is not one of the project's", id)
	return -1
}

// labels is a one-item choices result.
func labels(v string) json.RawMessage {
	return json.RawMessage(`[{"id":"r","from_name":"c","to_name":"text","type":"choices","value":{"choices":["` + v + `"]}}]`)
}

// submit stores annotator u's annotation of task i (a skip when cancelled).
func (q *queue) submit(u, i int, cancelled bool) store.Annotation {
	q.t.Helper()
	a, created, err := q.s.Submit(context.Background(), store.Submission{TaskID: q.tasks[i], UserID: q.users[u].ID,
		Result: labels("a"), WasCancelled: cancelled}, q.p.MaximumAnnotations)
	if err != nil || !created {
		q.t.Fatalf("submit task %d by annotator %d: created %v, %v", i, u, created, err)
	}
	return a
}

// sql is where the test's own statements run: the queue's transaction when it
// is in one (storetest.Rollback), else the pool.
func (q *queue) sql() interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
} {
	if tx := q.s.Tx(); tx != nil {
		return tx
	}
	return q.s.Pool
}

// counters reads task i's count of completed annotations and whether it is full.
func (q *queue) counters(i int) (done int, full bool) {
	q.t.Helper()
	if err := q.sql().QueryRow(context.Background(), `SELECT done_count, is_full FROM tasks WHERE id = $1`, q.tasks[i]).Scan(&done, &full); err != nil {
		q.t.Fatal(err)
	}
	return done, full
}

// step is one call to the queue and the task it must answer (-1: none left).
type step struct {
	user    int
	exclude []int
	want    int
}

func TestNextTask(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		overlap int
		tasks   int
		before  func(q *queue) // state to set up before the steps
		steps   []step
	}{
		{name: "one annotator per task, in id order", overlap: 1, tasks: 3,
			steps: []step{{user: 0, want: 0}, {user: 1, want: 1}, {user: 2, want: 2}, {user: 3, want: -1}}},
		{name: "a reservation comes back to its holder", overlap: 1, tasks: 3,
			steps: []step{{user: 0, want: 0}, {user: 1, want: 1}, {user: 0, want: 0}, {user: 1, want: 1}}},
		{name: "overlap 2 serves each task to two annotators", overlap: 2, tasks: 2,
			steps: []step{{user: 0, want: 0}, {user: 1, want: 0}, {user: 2, want: 1}, {user: 3, want: 1}, {user: 4, want: -1}}},
		{name: "a full task is not served", overlap: 1, tasks: 2,
			before: func(q *queue) { q.submit(0, 0, false) },
			steps:  []step{{user: 1, want: 1}, {user: 2, want: -1}}},
		{name: "an annotator's own done task is not served again, though it has room", overlap: 3, tasks: 2,
			before: func(q *queue) { q.submit(0, 0, false) },
			steps:  []step{{user: 0, want: 1}, {user: 1, want: 0}}},
		{name: "a skipped task is not served again to who skipped it, and stays open to others", overlap: 1, tasks: 2,
			before: func(q *queue) { q.submit(0, 0, true) },
			steps:  []step{{user: 0, want: 1}, {user: 1, want: 0}}},
		{name: "excluded tasks are neither served nor reserved", overlap: 1, tasks: 2,
			steps: []step{{user: 0, exclude: []int{0}, want: 1}, {user: 1, want: 0}, {user: 0, exclude: []int{1}, want: -1}}},
		{name: "a held task in the exclude list is not served; the next open one is", overlap: 1, tasks: 3,
			steps: []step{{user: 0, want: 0}, {user: 0, exclude: []int{0}, want: 1}, {user: 1, want: 2}}},
		{name: "an expired reservation frees the task", overlap: 1, tasks: 1,
			before: func(q *queue) {
				if got := q.next(0); got != 0 {
					q.t.Fatalf("first call served %d", got)
				}
				if _, err := q.sql().Exec(context.Background(), `UPDATE task_locks SET expires_at = now() - interval '1 second'`); err != nil {
					q.t.Fatal(err)
				}
			},
			steps: []step{{user: 1, want: 0}}},
		{name: "extra annotators widen a task's overlap", overlap: 1, tasks: 1,
			before: func(q *queue) {
				if _, err := q.sql().Exec(context.Background(), `UPDATE tasks SET extra_annotators = 1`); err != nil {
					q.t.Fatal(err)
				}
			},
			steps: []step{{user: 0, want: 0}, {user: 1, want: 0}, {user: 2, want: -1}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			// Each case in a transaction of its own on the shared database, rolled back at its end.
			q := newQueue(t, storetest.Rollback(t), store.ProjectFields{MaximumAnnotations: tt.overlap}, tt.tasks, 5)
			if tt.before != nil {
				tt.before(q)
			}
			for i, s := range tt.steps {
				if got := q.next(s.user, s.exclude...); got != s.want {
					t.Fatalf("step %d: annotator %d (excluding %v) got task %d, want %d", i+1, s.user, s.exclude, got, s.want)
				}
			}
		})
	}
}

// TestNextTaskGold checks that with a gold rate of 1 a task with another
// user's ground truth comes first, though it is full, and only until the
// annotator has labeled it.
func TestNextTaskGold(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	q := newQueue(t, nil, store.ProjectFields{MaximumAnnotations: 1, GoldRate: 1}, 3, 2)
	gold, _, err := q.s.Submit(ctx, store.Submission{TaskID: q.tasks[2], UserID: q.mgr.ID, Result: labels("a")}, 1)
	if err != nil {
		t.Fatal(err)
	}
	if got := q.next(0); got != 0 {
		t.Fatalf("before any ground truth: task %d, want 0", got)
	}
	if err := q.s.SetGroundTruth(ctx, gold.ID, true); err != nil {
		t.Fatal(err)
	}
	if _, full := q.counters(2); !full {
		t.Fatal("the gold task should be full with its one annotation")
	}
	if got := q.next(1); got != 2 {
		t.Fatalf("with a gold rate of 1: task %d, want the gold task 2", got)
	}
	q.submit(1, 2, false)
	if got := q.next(1); got != 1 {
		t.Fatalf("after labeling the gold task: task %d, want 1", got)
	}
	// The ground truth's own author is not tested on it.
	q.users = append(q.users, q.mgr)
	if got := q.next(2); got != -1 {
		t.Fatalf("the manager was served task %d; want none (the gold task is theirs, the others are reserved)", got)
	}
}

// TestNextTaskConcurrent has many annotators ask for tasks at once, as the
// labeling page does: SKIP LOCKED never hands a task to more annotators than
// its overlap, and asking again until nothing is left fills every slot.
func TestNextTaskConcurrent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	const overlap, tasks, annotators = 2, 30, 80
	s := storetest.New(t)
	for _, sampling := range []string{"sequential", "random", "uncertainty"} {
		t.Run(sampling, func(t *testing.T) {
			t.Parallel()
			q := newQueue(t, s, store.ProjectFields{MaximumAnnotations: overlap, Sampling: sampling}, tasks, annotators)
			var mu sync.Mutex
			holders := map[int64][]int64{} // task → annotators it was handed to
			errs := make(chan error, annotators)
			ask := func(u store.User) (bool, error) {
				task, err := q.s.NextTask(ctx, q.p, u.ID, nil)
				if errors.Is(err, store.ErrNotFound) {
					return false, nil
				}
				if err != nil {
					return false, err
				}
				mu.Lock()
				defer mu.Unlock()
				for _, h := range holders[task.ID] {
					if h == u.ID {
						return true, nil // their own reservation, served again
					}
				}
				holders[task.ID] = append(holders[task.ID], u.ID)
				return true, nil
			}
			var wg sync.WaitGroup
			for _, u := range q.users {
				wg.Go(func() {
					if _, err := ask(u); err != nil {
						errs <- err
					}
				})
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Fatalf("concurrent next task: %v", err)
			}
			for id, hs := range holders {
				if len(hs) > overlap {
					t.Fatalf("task %d was handed to %d annotators at once, overlap %d", id, len(hs), overlap)
				}
			}
			// Rows locked by concurrent callers are skipped, so some may have
			// found nothing; asked again one by one, the rest is handed out.
			for _, u := range q.users {
				if _, err := ask(u); err != nil {
					t.Fatal(err)
				}
			}
			handed := 0
			for id, hs := range holders {
				if len(hs) != overlap {
					t.Errorf("task %d was handed to %d annotators, want %d", id, len(hs), overlap)
				}
				handed += len(hs)
			}
			if len(holders) != tasks || handed != tasks*overlap {
				t.Fatalf("%d tasks handed %d times, want %d tasks %d times", len(holders), handed, tasks, tasks*overlap)
			}
		})
	}
}
