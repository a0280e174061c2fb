package store

import (
	"context"
	"sync/atomic"

	"github.com/jackc/pgx/v5"
)

// Statements counts what a pool sends PostgreSQL: every statement (BEGIN and
// COMMIT included) and every round trip (a batch is one round trip). It is a
// pgx tracer, for benchmarks and the tests that bound the hot path's statements.
type Statements struct{ stmts, trips atomic.Int64 }

// Counts are the statements and round trips counted since the last Reset.
func (s *Statements) Counts() (statements, roundTrips int64) { return s.stmts.Load(), s.trips.Load() }

// Reset zeroes the counts.
func (s *Statements) Reset() { s.stmts.Store(0); s.trips.Store(0) }

// TraceQueryStart counts a statement.
func (s *Statements) TraceQueryStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryStartData) context.Context {
	s.stmts.Add(1)
	s.trips.Add(1)
	return ctx
}

// TraceQueryEnd does nothing.
func (s *Statements) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

// TraceBatchStart counts a batch's statements and one round trip.
func (s *Statements) TraceBatchStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceBatchStartData) context.Context {
	s.stmts.Add(int64(d.Batch.Len()))
	s.trips.Add(1)
	return ctx
}

// TraceBatchQuery does nothing.
func (s *Statements) TraceBatchQuery(context.Context, *pgx.Conn, pgx.TraceBatchQueryData) {}

// TraceBatchEnd does nothing.
func (s *Statements) TraceBatchEnd(context.Context, *pgx.Conn, pgx.TraceBatchEndData) {}

// OpenCounted opens a store on url whose statements and round trips are counted.
func OpenCounted(ctx context.Context, url string) (*Store, *Statements, error) {
	cfg, err := PoolConfig(url)
	if err != nil {
		return nil, nil, err
	}
	var c Statements
	cfg.ConnConfig.Tracer = &c
	st, err := OpenConfig(ctx, cfg)
	return st, &c, err
}
