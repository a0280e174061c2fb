package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// TaskRow is a task as a task query finds it, with the state the table shows
// and the sort value its keyset cursor is made of.
type TaskRow struct {
	Task
	DoneCount   int      `db:"done_count"`
	IsFull      bool     `db:"is_full"`
	Agreement   *float64 `db:"agreement"`
	ReviewState string   `db:"review_state"`
	SortKey     *string  `db:"sort_key"`
}

// Cursor is the keyset cursor that continues after this row.
func (r TaskRow) Cursor() Cursor { return Cursor{Value: r.SortKey, ID: r.ID} }

// maxTaskLimit bounds one page of a task query.
const maxTaskLimit = 1000

// FindTasks runs a task query: the page of matching tasks in its order.
func (s *Store) FindTasks(ctx context.Context, q TaskQuery) ([]TaskRow, error) {
	if q.Limit <= 0 || q.Limit > maxTaskLimit {
		return nil, queryErr("limit must be from 1 to %d, got %d", maxTaskLimit, q.Limit)
	}
	return s.findTasks(ctx, q)
}

// findTimeout bounds one page of a task query: a filter or sort that no
// index serves on a large project is refused with a clear message rather
// than left to run.
const findTimeout = "5s"

func (s *Store) findTasks(ctx context.Context, q TaskQuery) ([]TaskRow, error) {
	sql, args, err := q.selectSQL()
	if err != nil {
		return nil, err
	}
	var rows []TaskRow
	err = s.withTimeout(ctx, findTimeout, func(tx pgx.Tx) error {
		rows, err = all[TaskRow](tx.Query(ctx, sql, args...))
		return err
	})
	if canceled(err) {
		return nil, queryErr("this filter or sort took longer than %s on this project (no index serves it): narrow it with another filter, or sort by id, date, annotations, agreement or prediction score", findTimeout)
	}
	return rows, wrap("find tasks", err)
}

// selectSQL is the SELECT of a page of q, with its bind parameters.
func (q TaskQuery) selectSQL() (string, []any, error) {
	a := &sqlArgs{}
	where, order, err := q.build(a)
	if err != nil {
		return "", nil, err
	}
	sortCol, _ := q.sortColumn()
	key := sortCol.expr(a)
	sql := `SELECT t.id, t.project_id, t.data, t.created_at, t.updated_at, t.done_count, t.is_full, t.agreement, t.review_state,
		(` + key + `)::text AS sort_key
		FROM tasks t WHERE ` + where + ` ORDER BY ` + order + ` OFFSET ` + a.add(q.Offset) + ` LIMIT ` + a.add(q.Limit)
	return sql, a.args, nil
}

// TaskIDs calls fn with the ids of every task q matches, in id order, a batch
// at a time (for bulk actions on "all N matching"). It reads ids only.
func (s *Store) TaskIDs(ctx context.Context, q TaskQuery, batch int, fn func(ids []int64) error) error {
	q.Order, q.Offset = TaskOrder{}, 0
	var after int64
	for {
		q.After = &Cursor{ID: after}
		a := &sqlArgs{}
		where, _, err := q.build(a)
		if err != nil {
			return err
		}
		var ids []int64
		err = s.withTimeout(ctx, findTimeout, func(tx pgx.Tx) error {
			rows, err := tx.Query(ctx, `SELECT t.id FROM tasks t WHERE `+where+` ORDER BY t.id LIMIT `+a.add(batch), a.args...)
			if err != nil {
				return err
			}
			ids, err = pgx.CollectRows(rows, pgx.RowTo[int64])
			return err
		})
		if canceled(err) {
			return queryErr("this selection took longer than %s to read (no index serves its filter): narrow it with another filter", findTimeout)
		}
		if err != nil || len(ids) == 0 {
			return wrap("task ids", err)
		}
		if err := fn(ids); err != nil {
			return err
		}
		after = ids[len(ids)-1]
	}
}

// TaskCount is how many tasks a query matches: exactly, or at least N when
// counting them all would take longer than countTimeout.
type TaskCount struct {
	N     int64
	Exact bool
}

func (c TaskCount) String() string {
	if c.Exact {
		return fmt.Sprint(c.N)
	}
	return fmt.Sprintf("more than %d", c.N)
}

// countTimeout bounds an exact count; countCap is how far a bounded count goes.
const (
	countTimeout = "1s"
	countCap     = 10000
)

// CountTasks counts the tasks q matches (ignoring its page). The unfiltered
// count is the project's kept task_count; a filtered count is exact when it
// finishes within countTimeout, else at least countCap (or as many as the
// bounded count found before its own timeout).
func (s *Store) CountTasks(ctx context.Context, q TaskQuery) (TaskCount, error) {
	if len(q.Filters) == 0 && q.Search == "" && !q.Selected.Only && len(q.Selected.Excluded) == 0 {
		var n int64
		err := s.db.QueryRow(ctx, `SELECT task_count FROM projects WHERE id = $1`, q.ProjectID).Scan(&n)
		return TaskCount{N: n, Exact: true}, wrap("count tasks", noRows(err))
	}
	a := &sqlArgs{}
	q.After = nil
	where, _, err := q.build(a)
	if err != nil {
		return TaskCount{}, err
	}
	var n int64
	err = s.withTimeout(ctx, countTimeout, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `SELECT count(*) FROM tasks t WHERE `+where, a.args...).Scan(&n)
	})
	if err == nil {
		return TaskCount{N: n, Exact: true}, nil
	}
	if !canceled(err) {
		return TaskCount{}, wrap("count tasks", err)
	}
	err = s.withTimeout(ctx, countTimeout, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `SELECT count(*) FROM (SELECT 1 FROM tasks t WHERE `+where+` LIMIT `+a.add(countCap)+`) c`,
			a.args...).Scan(&n)
	})
	if canceled(err) {
		return TaskCount{N: 0, Exact: false}, nil
	}
	return TaskCount{N: n, Exact: n < countCap}, wrap("count tasks", err)
}

// withTimeout runs fn in a read-only transaction whose statements are
// cancelled after timeout (a PostgreSQL interval such as "1s").
func (s *Store) withTimeout(ctx context.Context, timeout string, fn func(tx pgx.Tx) error) error {
	return pgx.BeginTxFunc(ctx, s.Pool, pgx.TxOptions{AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT set_config('statement_timeout', $1, true)`, timeout); err != nil {
			return err
		}
		return fn(tx)
	})
}

// canceled reports whether err is PostgreSQL's statement timeout.
func canceled(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "57014"
}
