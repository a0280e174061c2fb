package storetest

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"

	"concord/internal/store"
)

var (
	sharedOnce sync.Once
	sharedErr  error
	shared     *store.Store // the package's shared database, for Rollback
	sharedName string
)

// errRollback ends the transactions Rollback opens.
var errRollback = errors.New("storetest: rolled back")

// Rollback returns a Store bound to a transaction on a database shared by the
// package's tests, rolled back when t ends: nothing a test writes through it is
// ever committed, so it needs no database of its own. Every store method runs
// in that transaction (Transact joins it), and Tx gives it for raw SQL.
//
// It suits tests of what one connection does. A failed statement aborts the
// transaction, so a test that expects a database error, and code that needs the
// pool itself (concurrent callers, LISTEN/NOTIFY, River workers, advisory
// locks), take New. Data unique across the database (e-mails) must differ
// between tests, or a test waits for another's transaction to end.
func Rollback(t testing.TB) *store.Store {
	t.Helper()
	sharedOnce.Do(func() { sharedErr = openShared() })
	if sharedErr != nil {
		t.Fatalf("storetest: shared database: %v", sharedErr)
	}
	ready := make(chan *store.Store)
	done := make(chan struct{})
	ended := make(chan error, 1)
	go func() {
		ended <- shared.Transact(context.Background(), func(tx *store.Store) error {
			ready <- tx
			<-done
			return errRollback
		})
	}()
	var tx *store.Store
	select {
	case tx = <-ready:
	case err := <-ended:
		t.Fatalf("storetest: begin: %v", err)
	}
	t.Cleanup(func() {
		close(done)
		if err := <-ended; !errors.Is(err, errRollback) {
			t.Errorf("storetest: rollback: %v", err)
		}
	})
	return tx
}

// openShared clones the template into the shared database and opens it.
func openShared() error {
	setupOnce.Do(func() { setupErr = setup() })
	if setupErr != nil {
		return setupErr
	}
	ctx := context.Background()
	sharedName = "concord_test_shared_" + randomHex()
	conn, err := pgx.Connect(ctx, serverURL)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `CREATE DATABASE `+pgx.Identifier{sharedName}.Sanitize()+` TEMPLATE `+pgx.Identifier{template}.Sanitize()); err != nil {
		return err
	}
	shared, err = store.Open(ctx, withDatabase(serverURL, sharedName))
	return err
}

// closeShared closes and drops the shared database, if a test opened it.
func closeShared() {
	if shared == nil {
		return
	}
	shared.Close()
	ctx := context.Background()
	if conn, err := pgx.Connect(ctx, serverURL); err == nil {
		conn.Exec(ctx, `DROP DATABASE IF EXISTS `+pgx.Identifier{sharedName}.Sanitize()+` WITH (FORCE)`)
		conn.Close(ctx)
	}
}
