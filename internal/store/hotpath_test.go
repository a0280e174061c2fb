package store_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"concord/internal/auth"
	"concord/internal/live"
	"concord/internal/store"
	"concord/internal/store/storetest"
)

// TestLabelCounts checks the count of labels that submissions keep for the
// drain: a label counts once, in its annotator's row; a skip, a resend with
// the same key and a refused second annotation do not; concurrent annotators
// lose no count; LabelsToDrain lists a project until MarkDrained records its
// count, and again once it moves.
func TestLabelCounts(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := storetest.New(t)
	const annotators, each = 8, 5
	q := newQueue(t, s, store.ProjectFields{MaximumAnnotations: annotators}, annotators*each+2, annotators)
	other := newQueue(t, s, store.ProjectFields{MaximumAnnotations: 1}, 1, 1)
	sum := func() (n int64) {
		t.Helper()
		if err := s.Pool.QueryRow(ctx, `SELECT coalesce(sum(labels), 0) FROM label_counts WHERE project_id = $1`, q.p.ID).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	toDrain := func() map[int64]store.LabelCount {
		t.Helper()
		cs, err := s.LabelsToDrain(ctx)
		if err != nil {
			t.Fatal(err)
		}
		m := map[int64]store.LabelCount{}
		for _, c := range cs {
			m[c.ProjectID] = c
		}
		return m
	}
	if _, ok := toDrain()[q.p.ID]; ok {
		t.Fatal("a project without labels is listed to drain")
	}
	u0 := q.users[0].ID
	sub := func(task int64, key string, skip bool) error {
		_, _, err := s.Submit(ctx, store.Submission{TaskID: task, UserID: u0, Result: labels("a"), WasCancelled: skip, IdempotencyKey: key}, annotators)
		return err
	}
	if err := sub(q.tasks[0], "k", false); err != nil {
		t.Fatal(err)
	}
	if err := sub(q.tasks[0], "k", false); err != nil { // the resend
		t.Fatal(err)
	}
	if err := sub(q.tasks[0], "k2", false); !errors.Is(err, store.ErrAlreadyAnnotated) {
		t.Fatalf("second annotation: %v, want ErrAlreadyAnnotated", err)
	}
	if err := sub(q.tasks[1], "", true); err != nil { // a skip
		t.Fatal(err)
	}
	if n := sum(); n != 1 {
		t.Fatalf("after a label, its resend, a refused second one and a skip: %d labels counted, want 1", n)
	}
	if c := toDrain()[q.p.ID]; c.Labels != 1 || c.Drained != 0 {
		t.Fatalf("to drain: %+v, want 1 label, 0 drained", c)
	}
	if err := s.MarkDrained(ctx, q.p.ID, 1); err != nil {
		t.Fatal(err)
	}
	if c, ok := toDrain()[q.p.ID]; ok {
		t.Fatalf("a drained project is listed again: %+v", c)
	}

	// Every annotator labels the same tasks at once.
	var wg sync.WaitGroup
	errs := make(chan error, annotators*each)
	for _, u := range q.users {
		wg.Go(func() {
			for i := range each {
				_, _, err := s.Submit(ctx, store.Submission{TaskID: q.tasks[2+i], UserID: u.ID, Result: labels("b"), IdempotencyKey: fmt.Sprint(i)}, annotators)
				if err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if n := sum(); n != 1+annotators*each {
		t.Fatalf("%d labels counted, want %d", n, 1+annotators*each)
	}
	var rows int
	s.Pool.QueryRow(ctx, `SELECT count(*) FROM label_counts WHERE project_id = $1`, q.p.ID).Scan(&rows)
	if rows != annotators {
		t.Fatalf("%d rows of label_counts, want one per annotator (%d)", rows, annotators)
	}
	if c := toDrain()[q.p.ID]; c.Labels != 1+annotators*each || c.Drained != 1 {
		t.Fatalf("to drain: %+v, want %d labels, 1 drained", c, 1+annotators*each)
	}
	if _, ok := toDrain()[other.p.ID]; ok {
		t.Fatal("a project without labels is listed to drain")
	}
}

// TestMemoryForgotten checks what a process remembers of projects, roles and
// token owners, with two Stores on one database as two processes, the second
// listening as `concord serve` does: each answers from memory (a change the
// triggers do not see stays unseen), the writer forgets at its commit, and
// the other process forgets when the database's notification reaches it: a
// removed member or a revoked token is refused everywhere.
func TestMemoryForgotten(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	a := storetest.New(t)
	b, err := store.Open(ctx, storetest.URLOf(a))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Close)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	lctx, stop := context.WithCancel(ctx)
	t.Cleanup(stop)
	hub := live.NewHub(log)
	go hub.Run(lctx)
	go live.Listen(lctx, storetest.URLOf(a), hub, b, log)

	mgr, _ := a.CreateUser(ctx, "m@x.org", "", "h", store.RoleManager)
	ann, _ := a.CreateUser(ctx, "a@x.org", "", "h", store.RoleAnnotator)
	p, err := a.CreateProject(ctx, store.ProjectFields{Title: "p", LabelConfig: "<View/>", MaximumAnnotations: 1, Sampling: "sequential"}, mgr.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.SetMember(ctx, p.ID, ann.ID, store.RoleAnnotator); err != nil {
		t.Fatal(err)
	}
	role := func(s *store.Store) string {
		t.Helper()
		_, r, err := s.ProjectForUser(ctx, p.ID, ann.ID)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	// soon waits for ok, well within the memory's lifetime (10 s): what
	// comes true in time came by a notification, not by expiry.
	soon := func(ok func() bool) bool {
		for deadline := time.Now().Add(2 * time.Second); !ok(); time.Sleep(20 * time.Millisecond) {
			if time.Now().After(deadline) {
				return false
			}
		}
		return true
	}
	eventually := func(what string, ok func() bool) {
		t.Helper()
		if !soon(ok) {
			t.Fatalf("%s: not within 2 s", what)
		}
	}
	title := func() string {
		q, _, err := b.ProjectForUser(ctx, p.ID, mgr.ID)
		if err != nil {
			t.Fatal(err)
		}
		return q.Title
	}
	// The listener is up once a change of title reaches b's memory in time.
	for i := 0; ; i++ {
		title()
		f := store.ProjectFields{Title: fmt.Sprint("probe ", i), LabelConfig: "<View/>", MaximumAnnotations: 1, Sampling: "sequential"}
		if _, err := a.UpdateProject(ctx, p.ID, f); err != nil {
			t.Fatal(err)
		}
		if soon(func() bool { return title() == f.Title }) {
			break
		}
		if i == 5 {
			t.Fatal("b never forgets a project whose title a changed")
		}
	}
	if role(a) != store.RoleAnnotator || role(b) != store.RoleAnnotator {
		t.Fatal("the member is not seen as an annotator")
	}

	// Unseen by the triggers (replication role), a change stays unseen: both answer from memory.
	if _, err := a.Pool.Exec(ctx, `BEGIN; SET LOCAL session_replication_role = replica;
		UPDATE project_members SET role = 'manager' WHERE project_id = `+fmt.Sprint(p.ID)+` AND user_id = `+fmt.Sprint(ann.ID)+`; COMMIT`); err != nil {
		t.Fatal(err)
	}
	if ra, rb := role(a), role(b); ra != store.RoleAnnotator || rb != store.RoleAnnotator {
		t.Fatalf("roles from memory: %q, %q; want both %q", ra, rb, store.RoleAnnotator)
	}

	// Removed by a: a forgets at once, b when the notification comes.
	if err := a.RemoveMember(ctx, p.ID, ann.ID); err != nil {
		t.Fatal(err)
	}
	if r := role(a); r != "" {
		t.Fatalf("the writer still remembers the removed member as %q", r)
	}
	eventually("b forgets the removed member", func() bool { return role(b) == "" })

	// A token: remembered by b, revoked by a, refused by b.
	_, hash, prefix := auth.NewToken()
	tok, err := a.CreateToken(ctx, ann.ID, hash, prefix)
	if err != nil {
		t.Fatal(err)
	}
	if u, err := b.UserByTokenHash(ctx, hash); err != nil || u.ID != ann.ID {
		t.Fatalf("token owner: %+v, %v", u, err)
	}
	if err := a.RevokeToken(ctx, ann.ID, tok.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := a.UserByTokenHash(ctx, hash); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("the writer still accepts the revoked token: %v", err)
	}
	eventually("b refuses the revoked token", func() bool {
		_, err := b.UserByTokenHash(ctx, hash)
		return errors.Is(err, store.ErrNotFound)
	})
}
