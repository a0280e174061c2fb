package store

import (
	"context"
)

// TryLock takes a session-level advisory lock named by (name, id) on a
// connection of its own, held until release is called — or until the process
// dies and its connection with it, which is what makes it safe for jobs that a
// rescued retry might start twice. ok is false when someone else holds it.
func (s *Store) TryLock(ctx context.Context, name string, id int64) (release func(), ok bool, err error) {
	conn, err := s.Pool.Acquire(ctx)
	if err != nil {
		return nil, false, wrap("try lock", err)
	}
	if err := conn.QueryRow(ctx, `SELECT pg_try_advisory_lock(hashtext($1), ($2::bigint % 2147483647)::int)`, name, id).Scan(&ok); err != nil {
		conn.Release()
		return nil, false, wrap("try lock", err)
	}
	if !ok {
		conn.Release()
		return nil, false, nil
	}
	return func() {
		if _, err := conn.Exec(context.Background(), `SELECT pg_advisory_unlock(hashtext($1), ($2::bigint % 2147483647)::int)`, name, id); err != nil {
			conn.Conn().Close(context.Background()) // closing the session drops the lock
		}
		conn.Release()
	}, true, nil
}
