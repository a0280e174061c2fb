package store

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"time"
)

// Task is one item to label: Label Studio's data object.
type Task struct {
	ID        int64           `db:"id"`
	ProjectID int64           `db:"project_id"`
	Data      json.RawMessage `db:"data"`
	DoneCount int             `db:"done_count"` // completed (not skipped) annotations
	IsFull    bool            `db:"is_full"`    // has as many annotations as the project wants
	CreatedAt time.Time       `db:"created_at"`
	UpdatedAt time.Time       `db:"updated_at"`
}

const taskColumns = `id, project_id, data, done_count, is_full, created_at, updated_at`

// CanonicalData encodes a task's data with sorted keys, and hashes it: equal
// data gives equal bytes and hash, which is how duplicates are found.
func CanonicalData(data map[string]any) (json.RawMessage, []byte, error) {
	b, err := json.Marshal(data)
	if err != nil {
		return nil, nil, err
	}
	h := sha256.Sum256(b)
	return b, h[:], nil
}

// CreateTask adds one task to a project;
// a task with the same data as another of the project is ErrConflict.
func (s *Store) CreateTask(ctx context.Context, projectID int64, data map[string]any) (Task, error) {
	b, hash, err := CanonicalData(data)
	if err != nil {
		return Task{}, wrap("create task", err)
	}
	t, err := one[Task](s.db.Query(ctx, `
		WITH c AS (UPDATE projects SET task_count = task_count + 1 WHERE id = $1)
		INSERT INTO tasks (project_id, data, data_hash) VALUES ($1, $2, $3) RETURNING `+taskColumns, projectID, b, hash))
	s.changed(projectID)
	return t, wrap("create task", err)
}

// TaskForAnswer finds a task, and whether someone other than userID marked
// ground truth on it (an answer of userID's is then scored against it).
func (s *Store) TaskForAnswer(ctx context.Context, id, userID int64) (Task, bool, error) {
	type row struct {
		Task
		Gold bool `db:"gold"`
	}
	r, err := one[row](s.db.Query(ctx, `SELECT `+taskColumns+`, EXISTS (SELECT 1 FROM annotations g
		WHERE g.task_id = tasks.id AND g.ground_truth AND g.completed_by IS DISTINCT FROM $2) AS gold
		FROM tasks WHERE id = $1`, id, userID))
	return r.Task, r.Gold, wrap("task for answer", err)
}

// TaskByID finds a task.
func (s *Store) TaskByID(ctx context.Context, id int64) (Task, error) {
	t, err := one[Task](s.db.Query(ctx, `SELECT `+taskColumns+` FROM tasks WHERE id = $1`, id))
	return t, wrap("task by id", err)
}

// TaskPage selects a page of a project's tasks in id order: those after the id
// After (keyset paging, constant cost however deep), skipping Offset of them.
type TaskPage struct {
	ProjectID int64
	After     int64
	Offset    int
	Limit     int
}

// Tasks lists a page of a project's tasks.
func (s *Store) Tasks(ctx context.Context, pg TaskPage) ([]Task, error) {
	ts, err := all[Task](s.db.Query(ctx, `
		SELECT `+taskColumns+` FROM tasks WHERE project_id = $1 AND id > $2 ORDER BY id OFFSET $3 LIMIT $4`,
		pg.ProjectID, pg.After, pg.Offset, pg.Limit))
	return ts, wrap("tasks", err)
}

// UpdateTaskData replaces a task's data; data equal to another task's of the
// project is ErrConflict.
func (s *Store) UpdateTaskData(ctx context.Context, id int64, data map[string]any) (Task, error) {
	b, hash, err := CanonicalData(data)
	if err != nil {
		return Task{}, wrap("update task", err)
	}
	t, err := one[Task](s.db.Query(ctx, `
		UPDATE tasks SET data = $2, data_hash = $3, updated_at = now() WHERE id = $1 RETURNING `+taskColumns, id, b, hash))
	return t, wrap("update task", err)
}

// AnnotationsOfTasks lists the annotations of the given tasks, oldest first.
func (s *Store) AnnotationsOfTasks(ctx context.Context, taskIDs []int64) ([]Annotation, error) {
	as, err := all[Annotation](s.db.Query(ctx, `
		SELECT `+annotationColumns+` FROM annotations WHERE task_id = ANY($1) ORDER BY id`, taskIDs))
	return as, wrap("annotations of tasks", err)
}

// PredictionsOfTasks lists the predictions of the given tasks, oldest first.
func (s *Store) PredictionsOfTasks(ctx context.Context, taskIDs []int64) ([]Prediction, error) {
	ps, err := all[Prediction](s.db.Query(ctx, `
		SELECT id, task_id, project_id, model_version, score, result, created_at
		FROM predictions WHERE task_id = ANY($1) ORDER BY id`, taskIDs))
	return ps, wrap("predictions of tasks", err)
}

// DeleteTask removes a task.
func (s *Store) DeleteTask(ctx context.Context, id int64) error {
	err := mustAffect(s.db.Exec(ctx, `
		WITH t AS (DELETE FROM tasks WHERE id = $1 RETURNING project_id)
		UPDATE projects SET task_count = task_count - 1 WHERE id = (SELECT project_id FROM t)`, id))
	s.changed(0) // its project's task count moved; which project is not at hand
	return wrap("delete task", err)
}
