package store_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"concord/internal/store"
	"concord/internal/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

func TestUsers(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := storetest.New(t)
	u, err := s.CreateUser(ctx, "Ann@Example.com", "Ann", "hash", store.RoleAnnotator)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateUser(ctx, "ann@example.COM", "", "hash", store.RoleAdmin); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("duplicate e-mail in other case: got %v, want ErrConflict", err)
	}
	got, err := s.UserByEmail(ctx, "ANN@example.com")
	if err != nil || got.ID != u.ID {
		t.Fatalf("UserByEmail = %+v, %v; want id %d", got, err, u.ID)
	}
	if _, err := s.UserByID(ctx, u.ID+1000); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("missing user: got %v, want ErrNotFound", err)
	}
	if err := s.SetUserRole(ctx, u.ID, "emperor"); err == nil {
		t.Fatal("an unknown role was accepted")
	}
}

func TestTokens(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := storetest.New(t)
	u, _ := s.CreateUser(ctx, "a@x.org", "", "h", store.RoleManager)
	tok, err := s.CreateToken(ctx, u.ID, []byte("hash-1"), "abc123")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := s.UserByTokenHash(ctx, []byte("hash-1")); err != nil || got.ID != u.ID {
		t.Fatalf("UserByTokenHash = %v, %v", got.ID, err)
	}
	if _, err := s.UserByTokenHash(ctx, []byte("hash-2")); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown token: got %v", err)
	}
	if err := s.RevokeToken(ctx, u.ID, tok.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UserByTokenHash(ctx, []byte("hash-1")); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("revoked token still accepted: %v", err)
	}
}

func TestProjectsAndMembers(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := storetest.New(t)
	mgr, _ := s.CreateUser(ctx, "m@x.org", "", "h", store.RoleManager)
	ann, _ := s.CreateUser(ctx, "a@x.org", "", "h", store.RoleAnnotator)
	f := store.ProjectFields{Title: "Spam", LabelConfig: "<View/>", MaximumAnnotations: 1, Sampling: "sequential"}
	p, err := s.CreateProject(ctx, f, mgr.ID)
	if err != nil {
		t.Fatal(err)
	}
	if role, err := s.Membership(ctx, p.ID, mgr.ID); err != nil || role != store.RoleManager {
		t.Fatalf("creator membership = %q, %v", role, err)
	}
	if _, err := s.Membership(ctx, p.ID, ann.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("non-member: got %v", err)
	}
	if ps, _ := s.ProjectsOf(ctx, ann.ID); len(ps) != 0 {
		t.Fatalf("annotator sees %d projects before joining", len(ps))
	}
	if err := s.SetMember(ctx, p.ID, ann.ID, store.RoleAnnotator); err != nil {
		t.Fatal(err)
	}
	if ps, _ := s.ProjectsOf(ctx, ann.ID); len(ps) != 1 || ps[0].ID != p.ID {
		t.Fatalf("annotator's projects = %+v", ps)
	}
	for i := 0; i < 3; i++ {
		if _, err := s.CreateTask(ctx, p.ID, map[string]any{"text": fmt.Sprint("hi ", i)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.CreateTask(ctx, p.ID, map[string]any{"text": "hi 0"}); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("a task with the same data: %v, want ErrConflict", err)
	}
	p, _ = s.ProjectByID(ctx, p.ID)
	if p.TaskCount != 3 {
		t.Fatalf("task count = %d, want 3", p.TaskCount)
	}
	page1, _ := s.Tasks(ctx, store.TaskPage{ProjectID: p.ID, Limit: 2})
	page2, _ := s.Tasks(ctx, store.TaskPage{ProjectID: p.ID, After: page1[len(page1)-1].ID, Limit: 2})
	if len(page1) != 2 || len(page2) != 1 {
		t.Fatalf("pages of %d and %d tasks, want 2 and 1", len(page1), len(page2))
	}
	f.Title = "Spam v2"
	if p, err = s.UpdateProject(ctx, p.ID, f); err != nil || p.Title != "Spam v2" {
		t.Fatalf("update = %q, %v", p.Title, err)
	}
	if err := s.DeleteProject(ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.TaskByID(ctx, page2[0].ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("task of a deleted project: %v", err)
	}
}

func TestAuthFailures(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := storetest.New(t)
	t0 := time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)
	record := func(kind, email, ip string, at time.Time) {
		t.Helper()
		if err := s.RecordAuthFailure(ctx, kind, email, ip, at); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < 3; i++ {
		record(store.FailedPassword, "A@x.org", "10.0.0.1", t0.Add(time.Duration(i)*time.Second))
	}
	record(store.FailedPassword, "b@x.org", "10.0.0.1", t0.Add(5*time.Second))
	record(store.FailedPassword, "a@x.org", "10.0.0.2", t0.Add(6*time.Second)) // another address
	record(store.FailedToken, "", "10.0.0.1", t0.Add(7*time.Second))           // another kind
	record(store.FailedPassword, "a@x.org", "10.0.0.1", t0.Add(-time.Hour))    // too old
	pair, addr, err := s.AuthFailures(ctx, store.FailedPassword, "a@x.org", "10.0.0.1", t0.Add(-time.Minute))
	if err != nil || pair.Count != 3 || !pair.Last.Equal(t0.Add(2*time.Second)) || addr.Count != 4 || !addr.Last.Equal(t0.Add(5*time.Second)) {
		t.Fatalf("AuthFailures = %+v, %+v, %v; want 3 (last t0+2s), 4 (last t0+5s)", pair, addr, err)
	}
	if err := s.ClearAuthFailures(ctx, "a@X.org", "10.0.0.1"); err != nil {
		t.Fatal(err)
	}
	if pair, addr, _ = s.AuthFailures(ctx, store.FailedPassword, "a@x.org", "10.0.0.1", t0.Add(-time.Minute)); pair.Count != 0 || !pair.Last.IsZero() || addr.Count != 1 {
		t.Fatalf("after clearing the pair: %+v, %+v; want 0 and the other e-mail's 1", pair, addr)
	}
	if pair, _, _ = s.AuthFailures(ctx, store.FailedPassword, "a@x.org", "10.0.0.2", t0.Add(-time.Minute)); pair.Count != 1 {
		t.Fatalf("the other address's failures were cleared too: %+v", pair)
	}
	if _, addr, _ = s.AuthFailures(ctx, store.FailedToken, "", "10.0.0.1", t0.Add(-time.Minute)); addr.Count != 1 {
		t.Fatalf("token failures: %+v, want 1", addr)
	}
}
