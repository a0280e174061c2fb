package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"testing"

	"concord/internal/store"
	"concord/internal/store/storetest"
)

// TestReview checks each verdict's effect on the annotation, the task's
// review state and count, and the queue.
func TestReview(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	type want struct {
		state     string // the reviewed annotation's review_state
		taskState string
		done      int
		full      bool
		next      int // annotator 0's next task afterwards
	}
	tests := []struct {
		name     string
		verdicts []string // applied in turn to annotator 0's annotation of task 0
		want     want
	}{
		{"accept", []string{store.ReviewAccept}, want{"accepted", "accepted", 1, true, 1}},
		{"reject: the annotation stops counting and the task goes back to its annotator first", []string{store.ReviewReject},
			want{"rejected", "rejected", 0, false, 0}},
		{"reject twice counts down once", []string{store.ReviewReject, store.ReviewReject}, want{"rejected", "rejected", 0, false, 0}},
		{"reject then accept counts again", []string{store.ReviewReject, store.ReviewAccept}, want{"accepted", "accepted", 1, true, 1}},
		{"fix: the original is rejected and stops counting, the reviewer's result becomes accepted ground truth", []string{store.ReviewFix},
			want{"rejected", "accepted", 0, false, 0}},
		{"a fix after a rejection counts down once", []string{store.ReviewReject, store.ReviewFix}, want{"rejected", "accepted", 0, false, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := storetest.Rollback(t)
			q := newQueue(t, s, store.ProjectFields{MaximumAnnotations: 1}, 2, 1)
			a := q.submit(0, 0, false)
			for _, v := range tt.verdicts {
				if err := s.Review(ctx, a.ID, q.mgr.ID, v, "see the guide", labels("fixed"), 1); err != nil {
					t.Fatalf("%s: %v", v, err)
				}
			}
			got, err := s.AnnotationByID(ctx, a.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.ReviewState != tt.want.state || got.Comment != "see the guide" {
				t.Errorf("annotation review state %q, comment %q; want %q, the reviewer's", got.ReviewState, got.Comment, tt.want.state)
			}
			var taskState string
			q.sql().QueryRow(ctx, `SELECT review_state FROM tasks WHERE id = $1`, q.tasks[0]).Scan(&taskState)
			done, full := q.counters(0)
			if taskState != tt.want.taskState || done != tt.want.done || full != tt.want.full {
				t.Errorf("task: review state %q, done %d, full %v; want %q, %d, %v", taskState, done, full, tt.want.taskState, tt.want.done, tt.want.full)
			}
			if n := q.next(0); n != tt.want.next {
				t.Errorf("annotator's next task %d, want %d", n, tt.want.next)
			}
			as, err := s.TaskAnnotationsForReview(ctx, q.tasks[0])
			if err != nil {
				t.Fatal(err)
			}
			fixed := slices.IndexFunc(as, func(r store.ReviewedAnnotation) bool { return r.GroundTruth })
			if wantFix := slices.Contains(tt.verdicts, store.ReviewFix); (fixed >= 0) != wantFix {
				t.Fatalf("annotations %+v: a ground-truth fix is there: %v, want %v", as, fixed >= 0, wantFix)
			}
			if fixed >= 0 && (*as[fixed].CompletedBy != q.mgr.ID || as[fixed].ReviewState != "accepted" || as[fixed].Email != q.mgr.Email) {
				t.Errorf("the fix %+v is not the reviewer's accepted annotation", as[fixed])
			}
		})
	}
}

// TestReviewRejectedResubmit follows a rejected annotation back through the
// queue: edited by its annotator, it counts again and leaves the rejected state.
func TestReviewRejectedResubmit(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	q := newQueue(t, nil, store.ProjectFields{MaximumAnnotations: 1}, 2, 2)
	a := q.submit(0, 0, false)
	if err := q.s.Review(ctx, a.ID, q.mgr.ID, store.ReviewReject, "wrong", nil, 1); err != nil {
		t.Fatal(err)
	}
	if got := q.next(0); got != 0 {
		t.Fatalf("the rejected task did not come back first to its annotator: %d", got)
	}
	// Served again, it is reserved for them: another annotator gets the next task.
	if got := q.next(1); got != 1 {
		t.Fatalf("another annotator got task %d, want 1", got)
	}
	edited, err := q.s.EditAnnotation(ctx, a.ID, store.AnnotationEdit{Result: labels("b")}, 1)
	if err != nil || edited.ReviewState != "" {
		t.Fatalf("resubmitted: review state %q, %v; want none", edited.ReviewState, err)
	}
	if done, full := q.counters(0); done != 1 || !full {
		t.Fatalf("after the resubmission: done %d, full %v; want 1, true", done, full)
	}
	if got := q.next(0); got != -1 {
		t.Fatalf("after the resubmission the annotator was served task %d, want none (task 1 is reserved)", got)
	}
}

// TestReviewFixAgreeing checks that a fix which says what the annotation
// already says (other result ids, same labels) accepts it, counting it again
// if it had been rejected, instead of rejecting a right answer.
func TestReviewFixAgreeing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	same := json.RawMessage(`[{"id":"reviewer","from_name":"c","to_name":"text","type":"choices","value":{"choices":["a"]}}]`)
	for _, before := range [][]string{nil, {store.ReviewReject}} {
		t.Run(fmt.Sprint("after ", before), func(t *testing.T) {
			t.Parallel()
			s := storetest.Rollback(t)
			q := newQueue(t, s, store.ProjectFields{MaximumAnnotations: 1}, 2, 1)
			a := q.submit(0, 0, false)
			for _, v := range append(before, store.ReviewFix) {
				if err := s.Review(ctx, a.ID, q.mgr.ID, v, "", same, 1); err != nil {
					t.Fatalf("%s: %v", v, err)
				}
			}
			got, err := s.AnnotationByID(ctx, a.ID)
			if err != nil {
				t.Fatal(err)
			}
			if done, full := q.counters(0); got.ReviewState != "accepted" || done != 1 || !full {
				t.Errorf("annotation %q, task done %d full %v; want accepted, 1, true", got.ReviewState, done, full)
			}
		})
	}
}

// TestReviewRollbackAndMissing checks a review rolls back with the transaction
// it joins and that an unknown annotation is ErrNotFound.
func TestReviewRollbackAndMissing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	q := newQueue(t, nil, store.ProjectFields{MaximumAnnotations: 1}, 1, 1)
	a := q.submit(0, 0, false)
	boom := errors.New("later step failed")
	err := q.s.Transact(ctx, func(tx *store.Store) error {
		if err := tx.Review(ctx, a.ID, q.mgr.ID, store.ReviewReject, "x", nil, 1); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Transact = %v, want the later step's error", err)
	}
	if got, _ := q.s.AnnotationByID(ctx, a.ID); got.ReviewState != "" {
		t.Fatalf("a review whose transaction failed left state %q", got.ReviewState)
	}
	if done, _ := q.counters(0); done != 1 {
		t.Fatalf("a review whose transaction failed changed the count to %d", done)
	}
	if err := q.s.Review(ctx, a.ID+1000, q.mgr.ID, store.ReviewAccept, "", nil, 1); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("reviewing a missing annotation: %v, want ErrNotFound", err)
	}
}

// TestReviewQueue checks the review queue's order (lowest agreement first,
// tasks without agreement last) and its filters.
func TestReviewQueue(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	q := newQueue(t, nil, store.ProjectFields{MaximumAnnotations: 2}, 4, 2)
	for i := range 3 { // task 3 stays unannotated
		q.submit(0, i, false)
	}
	q.submit(1, 1, false)
	q.submit(1, 0, true) // a skip: it does not count as an annotation in the queue
	for i, agreement := range map[int]float64{0: 0.9, 1: 0.4} {
		if _, err := q.s.Pool.Exec(ctx, `UPDATE tasks SET agreement = $2 WHERE id = $1`, q.tasks[i], agreement); err != nil {
			t.Fatal(err)
		}
	}
	a1, _ := q.s.TaskAnnotationsForReview(ctx, q.tasks[1])
	if err := q.s.Review(ctx, a1[0].ID, q.mgr.ID, store.ReviewReject, "", nil, 2); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		f    store.ReviewFilter
		want []int
	}{
		{"all states, lowest agreement first", store.ReviewFilter{State: "all"}, []int{1, 0, 2}},
		{"not yet reviewed", store.ReviewFilter{}, []int{0, 2}},
		{"rejected", store.ReviewFilter{State: "rejected"}, []int{1}},
		{"by annotator 1", store.ReviewFilter{State: "all", Annotator: q.users[1].ID}, []int{1, 0}},
		{"by label", store.ReviewFilter{State: "all", Label: "a"}, []int{1, 0, 2}},
		{"by a label nobody gave", store.ReviewFilter{State: "all", Label: "zebra"}, nil},
		{"paged", store.ReviewFilter{State: "all", Limit: 1, Offset: 1}, []int{0}},
	}
	for _, tt := range tests {
		items, err := q.s.ReviewQueue(ctx, q.p.ID, tt.f)
		if err != nil {
			t.Fatal(err)
		}
		var got []int
		for _, it := range items {
			got = append(got, q.index(it.TaskID))
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s: tasks %v, want %v", tt.name, got, tt.want)
		}
	}
}
