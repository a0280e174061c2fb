// Package store holds all of Concord's SQL: a pgx pool, one file per aggregate.
//
// Methods take ctx first, wrap errors with the operation's name, and report a
// missing row as ErrNotFound. Multi-step writes run inside Transact, which hands
// its closure a Store bound to the transaction: every method works inside it.
package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// ErrNotFound says the row asked for does not exist.
var ErrNotFound = errors.New("not found")

// ErrConflict says a write would break a uniqueness rule (e.g. a taken e-mail).
var ErrConflict = errors.New("already exists")

// defaultMaxConns is the pool size unless the URL sets pool_max_conns.
const defaultMaxConns = 20

// Store is the database: the connection pool, or one transaction on it (the
// Store that Transact hands its closure). Every method runs on whichever it is.
type Store struct {
	// Pool is the connection pool, for wiring what needs the pool itself
	// (River, sessions, LISTEN/NOTIFY); queries go through db.
	Pool     *pgxpool.Pool
	db       querier                        // Pool, or tx
	tx       pgx.Tx                         // the transaction this Store runs in; nil on the pool
	projects *memo[projectKey, projectRole] // this process's projects and roles (projectcache.go)
	tokens   *memo[string, User]            // this process's token owners (token.go)
	after    *[]func()                      // in a transaction: what to run once it has committed
}

// Open connects to url and checks the connection.
func Open(ctx context.Context, url string) (*Store, error) {
	cfg, err := PoolConfig(url)
	if err != nil {
		return nil, err
	}
	return OpenConfig(ctx, cfg)
}

// PoolConfig parses url into the pool settings Open uses, for a caller that
// adds its own (a tracer, say) before OpenConfig.
func PoolConfig(url string) (*pgxpool.Config, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("store: database URL: %w", err)
	}
	if !strings.Contains(url, "pool_max_conns") {
		// pgx's default (the number of CPUs, at least 4) queues concurrent
		// annotators behind a handful of connections.
		cfg.MaxConns = defaultMaxConns
	}
	if _, ok := cfg.ConnConfig.RuntimeParams["jit"]; !ok {
		// Concord's queries are index look-ups, however many rows they
		// stream; the planner's cost of the export query (a function scan
		// estimated at 100 rows per task) passed JIT's thresholds, and
		// compiling took 2 s of a 1,000-task export that runs in 0.3 s.
		cfg.ConnConfig.RuntimeParams["jit"] = "off"
	}
	return cfg, nil
}

// OpenConfig connects with cfg and checks the connection.
func OpenConfig(ctx context.Context, cfg *pgxpool.Config) (*Store, error) {
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("store: connect: %w", err)
	}
	return &Store{Pool: pool, db: pool, projects: newMemo[projectKey, projectRole](), tokens: newMemo[string, User]()}, nil
}

// Close closes the pool.
func (s *Store) Close() { s.Pool.Close() }

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error { return s.Pool.Ping(ctx) }

// Transact runs fn in a transaction, handing it a Store bound to that
// transaction, and commits when fn returns nil; it rolls back when fn returns an
// error or panics. Jobs that the change makes due are enqueued inside fn with
// River's InsertTx(ctx, tx.Tx(), …), so they commit with it or not at all.
//
// Called on a Store that is already in a transaction, Transact joins it: fn
// runs on the same transaction, and its error rolls back the whole outer
// transaction when the outermost Transact returns it. (No savepoint: nested
// calls are how store methods that must be atomic on their own, such as Submit,
// take part in a caller's larger transaction, and the hot paths pay no extra
// round trips. A caller must therefore return, not swallow, an error from a
// nested call: PostgreSQL refuses further statements after a failed one.)
func (s *Store) Transact(ctx context.Context, fn func(tx *Store) error) error {
	if s.tx != nil {
		return fn(s)
	}
	var after []func()
	err := pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		return fn(&Store{Pool: s.Pool, db: tx, tx: tx, projects: s.projects, tokens: s.tokens, after: &after})
	})
	if err == nil {
		for _, f := range after {
			f()
		}
	}
	return err
}

// afterCommit runs f once s's transaction has committed, or now on the pool.
func (s *Store) afterCommit(f func()) {
	if s.after == nil {
		f()
		return
	}
	*s.after = append(*s.after, f)
}

// Tx is the transaction this Store runs in (for River's InsertTx), or nil on the pool.
func (s *Store) Tx() pgx.Tx { return s.tx }

// querier is what both the pool and a transaction offer.
type querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	CopyFrom(ctx context.Context, table pgx.Identifier, columns []string, src pgx.CopyFromSource) (int64, error)
}

// one collects exactly one row into T, mapping no rows to ErrNotFound.
func one[T any](rows pgx.Rows, err error) (T, error) {
	if err != nil {
		var zero T
		return zero, err
	}
	v, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[T])
	if errors.Is(err, pgx.ErrNoRows) {
		return v, ErrNotFound
	}
	return v, err
}

// all collects every row into a slice of T.
func all[T any](rows pgx.Rows, err error) ([]T, error) {
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByName[T])
}

// wrap names the operation that failed, mapping unique violations to ErrConflict.
func wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23505" {
		return fmt.Errorf("store: %s: %w", op, ErrConflict)
	}
	return fmt.Errorf("store: %s: %w", op, err)
}

// Unavailable reports whether err means the database could not be reached, is
// starting or shutting down, or dropped the connection: a request that failed
// so may succeed when retried a little later.
func Unavailable(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		// Class 08 is connection exceptions; 57P01–57P03 are shutdowns and "cannot connect now".
		return strings.HasPrefix(pgErr.Code, "08") || strings.HasPrefix(pgErr.Code, "57P")
	}
	var connErr *pgconn.ConnectError
	var netErr *net.OpError
	return errors.As(err, &connErr) || errors.As(err, &netErr) || errors.Is(err, io.ErrUnexpectedEOF)
}

// noRows maps pgx.ErrNoRows to ErrNotFound.
func noRows(err error) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return ErrNotFound
	}
	return err
}

// mustAffect turns "no row changed" into ErrNotFound.
func mustAffect(tag pgconn.CommandTag, err error) error {
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return ErrNotFound
	}
	return nil
}
