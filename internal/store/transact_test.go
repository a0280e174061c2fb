package store_test

import (
	"context"
	"errors"
	"testing"

	"concord/internal/store"
	"concord/internal/store/storetest"
)

// TestTransact checks the one transaction idiom: every method works on the
// Store that Transact hands its closure, an error or a panic rolls back all of
// it, and a nested Transact joins the outer transaction.
func TestTransact(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := storetest.New(t)
	if s.Tx() != nil {
		t.Fatal("the pool's Store says it is in a transaction")
	}
	users := func() int {
		us, err := s.Users(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return len(us)
	}
	before := users()

	// An error rolls back both the outer write and the nested one.
	boom := errors.New("boom")
	err := s.Transact(ctx, func(tx *store.Store) error {
		if tx.Tx() == nil {
			t.Error("the closure's Store has no transaction")
		}
		if _, err := tx.CreateUser(ctx, "outer@x.org", "", "h", store.RoleAnnotator); err != nil {
			return err
		}
		return tx.Transact(ctx, func(inner *store.Store) error {
			if inner.Tx() != tx.Tx() {
				t.Error("a nested Transact did not join the outer transaction")
			}
			if _, err := inner.CreateUser(ctx, "inner@x.org", "", "h", store.RoleAnnotator); err != nil {
				return err
			}
			// Inside the transaction, its own writes are visible.
			if _, err := inner.UserByEmail(ctx, "outer@x.org"); err != nil {
				t.Errorf("the outer write is not visible inside: %v", err)
			}
			return boom
		})
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Transact = %v, want the closure's error", err)
	}
	if n := users(); n != before {
		t.Fatalf("after a rolled-back transaction: %d users, want %d", n, before)
	}

	// A panic rolls back too, and still panics.
	func() {
		defer func() {
			if recover() == nil {
				t.Error("the panic was swallowed")
			}
		}()
		s.Transact(ctx, func(tx *store.Store) error {
			tx.CreateUser(ctx, "panic@x.org", "", "h", store.RoleAnnotator)
			panic("boom")
		})
	}()
	if _, err := s.UserByEmail(ctx, "panic@x.org"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a panicking transaction kept its write: %v", err)
	}

	// Success commits everything, the nested part included; store methods that
	// open their own transaction (CreateProject) join the caller's.
	var p store.Project
	err = s.Transact(ctx, func(tx *store.Store) error {
		u, err := tx.CreateUser(ctx, "ok@x.org", "", "h", store.RoleManager)
		if err != nil {
			return err
		}
		p, err = tx.CreateProject(ctx, store.ProjectFields{Title: "joined", MaximumAnnotations: 1, Sampling: "sequential", LockMinutes: 30}, u.ID)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := users(); n != before+1 {
		t.Fatalf("after a committed transaction: %d users, want %d", n, before+1)
	}
	if _, err := s.ProjectByID(ctx, p.ID); err != nil {
		t.Fatalf("the nested CreateProject did not commit: %v", err)
	}
}
