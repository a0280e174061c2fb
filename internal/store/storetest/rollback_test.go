package storetest_test

import (
	"context"
	"errors"
	"testing"

	"concord/internal/store"
	"concord/internal/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// TestRollback checks that what a test writes through Rollback is visible to
// it, also through a nested Transact, and gone once the test has ended.
func TestRollback(t *testing.T) {
	ctx := context.Background()
	t.Run("writes", func(t *testing.T) {
		s := storetest.Rollback(t)
		if _, err := s.CreateUser(ctx, "rollback@x.org", "", "h", store.RoleAnnotator); err != nil {
			t.Fatal(err)
		}
		err := s.Transact(ctx, func(tx *store.Store) error {
			_, err := tx.UserByEmail(ctx, "rollback@x.org")
			return err
		})
		if err != nil {
			t.Fatalf("the user is not visible inside a nested Transact: %v", err)
		}
	})
	s := storetest.Rollback(t)
	if _, err := s.UserByEmail(ctx, "rollback@x.org"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("after the test that wrote it: %v, want ErrNotFound", err)
	}
}
