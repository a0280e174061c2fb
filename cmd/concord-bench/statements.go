package main

import (
	"context"
	"sync/atomic"

	"github.com/jackc/pgx/v5"

	"concord/internal/store"
)

// statements counts what a pool sends PostgreSQL: every statement (BEGIN and
// COMMIT included) and every round trip (a batch is one round trip).
type statements struct{ stmts, trips atomic.Int64 }

func (s *statements) TraceQueryStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryStartData) context.Context {
	s.stmts.Add(1)
	s.trips.Add(1)
	return ctx
}

func (s *statements) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

func (s *statements) TraceBatchStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceBatchStartData) context.Context {
	s.stmts.Add(int64(d.Batch.Len()))
	s.trips.Add(1)
	return ctx
}

func (s *statements) TraceBatchQuery(context.Context, *pgx.Conn, pgx.TraceBatchQueryData) {}
func (s *statements) TraceBatchEnd(context.Context, *pgx.Conn, pgx.TraceBatchEndData)     {}

// reset zeroes the counts.
func (s *statements) reset() { s.stmts.Store(0); s.trips.Store(0) }

// countedStore opens a second store on the benchmark's database whose
// statements and round trips are counted.
func countedStore(ctx context.Context, url string) (*store.Store, *statements, error) {
	cfg, err := store.PoolConfig(url)
	if err != nil {
		return nil, nil, err
	}
	var c statements
	cfg.ConnConfig.Tracer = &c
	st, err := store.OpenConfig(ctx, cfg)
	return st, &c, err
}
