package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"concord/internal/store"
	"concord/internal/store/storetest"
)

// none is the empty result a skip sends.
var none = json.RawMessage(`[]`)

// TestSubmit checks what a submission changes besides the annotation: the
// task's count of completed annotations and fullness, idempotent resends, a
// second annotation of the same task refused, the lock and draft released.
func TestSubmit(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := storetest.New(t)
	type want struct {
		done    int
		full    bool
		created bool
		err     error
	}
	tests := []struct {
		name    string
		overlap int
		first   *store.Submission // submitted before sub, by the same annotator unless other
		other   bool
		sub     store.Submission
		want    want
	}{
		{name: "an annotation counts", overlap: 2,
			sub: store.Submission{Result: labels("a")}, want: want{done: 1, created: true}},
		{name: "the last slot fills the task", overlap: 2, other: true,
			first: &store.Submission{Result: labels("a")}, sub: store.Submission{Result: labels("b")}, want: want{done: 2, full: true, created: true}},
		{name: "a skip does not count", overlap: 1,
			sub: store.Submission{Result: none, WasCancelled: true, SkipReason: "unclear"}, want: want{done: 0, created: true}},
		{name: "a resend with the same key returns the first annotation and counts once", overlap: 2,
			first: &store.Submission{Result: labels("a"), IdempotencyKey: "k1"}, sub: store.Submission{Result: labels("a"), IdempotencyKey: "k1"},
			want: want{done: 1, created: false}},
		{name: "a second annotation of the same task is refused", overlap: 2,
			first: &store.Submission{Result: labels("a"), IdempotencyKey: "k1"}, sub: store.Submission{Result: labels("b"), IdempotencyKey: "k2"},
			want: want{done: 1, err: store.ErrAlreadyAnnotated}},
		{name: "a second annotation without keys is refused", overlap: 2,
			first: &store.Submission{Result: labels("a")}, sub: store.Submission{Result: labels("b")},
			want: want{done: 1, err: store.ErrAlreadyAnnotated}},
		{name: "a key is the annotator's own: another's same key makes a new annotation", overlap: 2, other: true,
			first: &store.Submission{Result: labels("a"), IdempotencyKey: "k1"}, sub: store.Submission{Result: labels("b"), IdempotencyKey: "k1"},
			want: want{done: 2, full: true, created: true}},
		{name: "a task of no project is not found", overlap: 1,
			sub: store.Submission{TaskID: -1, Result: labels("a")}, want: want{err: store.ErrNotFound}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			q := newQueue(t, s, store.ProjectFields{MaximumAnnotations: tt.overlap}, 1, 2)
			var first store.Annotation
			if tt.first != nil {
				f := *tt.first
				f.TaskID, f.UserID = q.tasks[0], q.users[0].ID
				var err error
				if first, _, err = s.Submit(ctx, f, tt.overlap); err != nil {
					t.Fatal(err)
				}
			}
			sub := tt.sub
			sub.UserID = q.users[0].ID
			if tt.other {
				sub.UserID = q.users[1].ID
			}
			if sub.TaskID == 0 {
				sub.TaskID = q.tasks[0]
			}
			// The annotator holds the task and a draft of it, as on the labeling page.
			served, err := s.NextTask(ctx, q.p, sub.UserID, nil)
			if tt.want.created && (err != nil || served.ID != sub.TaskID) {
				t.Fatalf("the task was not served before its submission: %d, %v", served.ID, err)
			}
			if err := s.SaveDraft(ctx, q.tasks[0], sub.UserID, labels("draft")); err != nil {
				t.Fatal(err)
			}
			a, created, err := s.Submit(ctx, sub, tt.overlap)
			if !errors.Is(err, tt.want.err) || created != tt.want.created {
				t.Fatalf("Submit = created %v, %v; want created %v, %v", created, err, tt.want.created, tt.want.err)
			}
			if sub.TaskID == -1 {
				return
			}
			if done, full := q.counters(0); done != tt.want.done || full != tt.want.full {
				t.Errorf("task has %d completed annotations, full %v; want %d, %v", done, full, tt.want.done, tt.want.full)
			}
			if err != nil {
				return
			}
			if !created && a.ID != first.ID {
				t.Errorf("the resend returned annotation %d, want the first, %d", a.ID, first.ID)
			}
			if created && (a.TaskID != q.tasks[0] || *a.CompletedBy != sub.UserID || a.WasCancelled != sub.WasCancelled || a.SkipReason != sub.SkipReason) {
				t.Errorf("stored %+v for %+v", a, sub)
			}
			var locks, drafts int
			s.Pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM task_locks WHERE user_id = $1), (SELECT count(*) FROM drafts WHERE user_id = $1)`, sub.UserID).Scan(&locks, &drafts)
			if created && (locks != 0 || drafts != 0) {
				t.Errorf("after the submission the annotator keeps %d locks and %d drafts, want none", locks, drafts)
			}
		})
	}
}

// TestSubmitInTransaction checks that a submission joins the transaction it is
// made in: a later failure leaves no annotation and no count behind.
func TestSubmitInTransaction(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	q := newQueue(t, nil, store.ProjectFields{MaximumAnnotations: 1}, 1, 1)
	boom := errors.New("enqueue failed")
	var seen int
	err := q.s.Transact(ctx, func(tx *store.Store) error {
		a, _, err := tx.Submit(ctx, store.Submission{TaskID: q.tasks[0], UserID: q.users[0].ID, Result: labels("a")}, 1)
		if err != nil {
			return err
		}
		// The annotation is visible inside the transaction...
		if got, err := tx.AnnotationByID(ctx, a.ID); err == nil && got.ID == a.ID {
			seen = 1
		}
		return boom
	})
	if !errors.Is(err, boom) || seen != 1 {
		t.Fatalf("Transact = %v (annotation seen inside: %d); want the later step's error, seen 1", err, seen)
	}
	// ...and gone with it.
	var n int
	q.s.Pool.QueryRow(ctx, `SELECT count(*) FROM annotations`).Scan(&n)
	if done, full := q.counters(0); n != 0 || done != 0 || full {
		t.Fatalf("after a failed transaction: %d annotations, done %d, full %v; want none", n, done, full)
	}
}

// TestEditAndDeleteCounts checks that edits between skipped and annotated,
// and deletions, keep the task's count and fullness right.
func TestEditAndDeleteCounts(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	q := newQueue(t, nil, store.ProjectFields{MaximumAnnotations: 1}, 1, 2)
	a := q.submit(0, 0, true)
	steps := []struct {
		name string
		do   func() error
		done int
		full bool
	}{
		{"a skip", func() error { return nil }, 0, false},
		{"the skip edited into labels", func() error {
			_, err := q.s.EditAnnotation(ctx, a.ID, store.AnnotationEdit{Result: labels("a")}, 1)
			return err
		}, 1, true},
		{"labels edited again", func() error {
			_, err := q.s.EditAnnotation(ctx, a.ID, store.AnnotationEdit{Result: labels("b"), LeadTime: 2}, 1)
			return err
		}, 1, true},
		{"labels edited into a skip", func() error {
			_, err := q.s.EditAnnotation(ctx, a.ID, store.AnnotationEdit{Result: none, WasCancelled: true}, 1)
			return err
		}, 0, false},
		{"back to labels, then deleted", func() error {
			if _, err := q.s.EditAnnotation(ctx, a.ID, store.AnnotationEdit{Result: labels("a")}, 1); err != nil {
				return err
			}
			return q.s.DeleteAnnotation(ctx, a.ID, 1)
		}, 0, false},
	}
	for _, st := range steps {
		if err := st.do(); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		if done, full := q.counters(0); done != st.done || full != st.full {
			t.Fatalf("after %s: done %d, full %v; want %d, %v", st.name, done, full, st.done, st.full)
		}
	}
	if err := q.s.DeleteAnnotation(ctx, a.ID, 1); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("deleting twice: %v, want ErrNotFound", err)
	}
	if got := q.next(1); got != 0 {
		t.Fatalf("the reopened task was not served: %d", got)
	}
}
