// Package storetest gives each test a fresh, migrated database of its own.
//
// The server is CONCORD_TEST_DATABASE_URL when set, else an embedded cluster
// started once per test binary. Migrations run once, into a template database;
// each test clones it with CREATE DATABASE … TEMPLATE, so tests are isolated and
// may run in parallel. A package that uses storetest calls Main from TestMain.
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"

	"concord/internal/localpg"
	"concord/internal/store"
)

var (
	setupOnce sync.Once
	setupErr  error
	serverURL string // an admin connection to the test server
	template  string // the migrated template database
	cluster   *localpg.Cluster
	tempDir   string
)

// Main runs the package's tests, then the package's own cleanups, then drops
// the shared database (see Rollback) and the template and stops the embedded
// cluster if one was started.
func Main(m *testing.M, cleanups ...func()) {
	code := m.Run()
	for _, f := range cleanups {
		f()
	}
	closeShared()
	if template != "" {
		if conn, err := pgx.Connect(context.Background(), serverURL); err == nil {
			conn.Exec(context.Background(), `DROP DATABASE IF EXISTS `+pgx.Identifier{template}.Sanitize()+` WITH (FORCE)`)
			conn.Close(context.Background())
		}
	}
	if cluster != nil {
		if err := cluster.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, "storetest:", err)
		}
	}
	if tempDir != "" {
		os.RemoveAll(tempDir)
	}
	os.Exit(code)
}

// URL creates a fresh migrated database for t, dropped when t ends, and returns its URL.
func URL(t testing.TB) string {
	t.Helper()
	setupOnce.Do(func() { setupErr = setup() })
	if setupErr != nil {
		t.Fatalf("storetest: %v", setupErr)
	}
	ctx := context.Background()
	name := "concord_test_" + randomHex()
	conn, err := pgx.Connect(ctx, serverURL)
	if err != nil {
		t.Fatalf("storetest: %v", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `CREATE DATABASE `+pgx.Identifier{name}.Sanitize()+` TEMPLATE `+pgx.Identifier{template}.Sanitize()); err != nil {
		t.Fatalf("storetest: clone template: %v", err)
	}
	t.Cleanup(func() {
		conn, err := pgx.Connect(ctx, serverURL)
		if err != nil {
			t.Errorf("storetest: drop %s: %v", name, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, `DROP DATABASE `+pgx.Identifier{name}.Sanitize()+` WITH (FORCE)`); err != nil {
			t.Errorf("storetest: drop %s: %v", name, err)
		}
	})
	return withDatabase(serverURL, name)
}

// URLOf returns the URL of a Store made by New (for a second connection, such as a listener).
func URLOf(s *store.Store) string { return s.Pool.Config().ConnString() }

// New opens a Store on a fresh migrated database for t, closed when t ends.
func New(t testing.TB) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), URL(t))
	if err != nil {
		t.Fatalf("storetest: %v", err)
	}
	t.Cleanup(s.Close)
	return s
}

func setup() error {
	ctx := context.Background()
	serverURL = os.Getenv("CONCORD_TEST_DATABASE_URL")
	if serverURL == "" {
		dir, err := os.MkdirTemp("", "concord-test-")
		if err != nil {
			return err
		}
		tempDir = dir
		// The cluster may run as an unprivileged account, which must enter dir.
		if err := os.Chmod(dir, 0o711); err != nil {
			return err
		}
		cluster, err = localpg.Start(ctx, filepath.Join(dir, "pg"))
		if err != nil {
			return err
		}
		serverURL = cluster.URL("postgres")
	}
	template = "concord_template_" + randomHex()
	conn, err := pgx.Connect(ctx, serverURL)
	if err != nil {
		return fmt.Errorf("connect to test server: %w", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `CREATE DATABASE `+pgx.Identifier{template}.Sanitize()); err != nil {
		return fmt.Errorf("create template: %w", err)
	}
	m, err := store.NewMigrator(withDatabase(serverURL, template))
	if err != nil {
		return err
	}
	defer m.Close()
	return m.Up()
}

// withDatabase replaces the database name in a PostgreSQL URL.
func withDatabase(raw, db string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	u.Path = "/" + db
	return u.String()
}

func randomHex() string {
	b := make([]byte, 6)
	rand.Read(b)
	return hex.EncodeToString(b)
}
