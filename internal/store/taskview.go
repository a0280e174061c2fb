package store

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// TaskView is a saved view (a tab) of a project's task table, shared by its
// managers: Label Studio's view, whose Data holds its title, filters,
// ordering, hidden columns and whatever else Label Studio's clients keep there.
type TaskView struct {
	ID        int64           `db:"id"`
	ProjectID int64           `db:"project_id"`
	CreatedBy *int64          `db:"created_by"`
	Data      json.RawMessage `db:"data"`
	CreatedAt time.Time       `db:"created_at"`
	UpdatedAt time.Time       `db:"updated_at"`
}

// ViewData is what Concord reads of a view's data.
type ViewData struct {
	Title         string        `json:"title"`
	Filters       *dmFilters    `json:"filters,omitempty"`
	Ordering      []string      `json:"ordering,omitempty"`
	Search        string        `json:"search,omitempty"`
	HiddenColumns HiddenColumns `json:"hiddenColumns"`
}

// HiddenColumns are the columns a view hides, as Label Studio keeps them:
// in the table (explore) and beside the labeling stream (labeling).
type HiddenColumns struct {
	Explore  []string `json:"explore"`
	Labeling []string `json:"labeling"`
}

// maxViewTitle bounds a view's title.
const maxViewTitle = 200

// ParseView reads a view's data and its task query for the project,
// validated: a bad filter, operator or ordering column, or a missing or long
// title, is a QueryError naming it.
func ParseView(projectID int64, data json.RawMessage) (ViewData, TaskQuery, error) {
	var v ViewData
	if err := json.Unmarshal(data, &v); err != nil {
		return v, TaskQuery{}, queryErr("data: not a view's data (%v)", err)
	}
	v.Title = strings.TrimSpace(v.Title)
	switch {
	case v.Title == "":
		return v, TaskQuery{}, queryErr("data.title: a view needs a title")
	case len(v.Title) > maxViewTitle:
		return v, TaskQuery{}, queryErr("data.title: at most %d characters", maxViewTitle)
	}
	q, err := dmQuery{Filters: v.Filters, Ordering: v.Ordering, Search: v.Search}.query(projectID)
	return v, q, err
}

// ViewDataOf is the data of a view titled title showing q with hidden
// columns, laid over the view's earlier data (nil for a new view), whose
// other keys (those Label Studio's clients keep) it leaves as they were.
func ViewDataOf(earlier json.RawMessage, title string, q TaskQuery, hidden []string) (json.RawMessage, error) {
	v := map[string]any{}
	if len(earlier) > 0 {
		if err := json.Unmarshal(earlier, &v); err != nil {
			return nil, wrap("view data", err)
		}
	}
	d := q.dm()
	if d.Filters == nil {
		d.Filters = &dmFilters{Conjunction: "and", Items: []dmFilter{}}
	}
	v["title"], v["filters"], v["ordering"], v["search"] = title, d.Filters, nonNilStrings(d.Ordering), d.Search
	if hidden != nil {
		v["hiddenColumns"] = HiddenColumns{Explore: hidden, Labeling: []string{}}
	}
	b, err := json.Marshal(v)
	return b, wrap("view data", err)
}

func nonNilStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

const taskViewColumns = `id, project_id, created_by, data, created_at, updated_at`

// CreateTaskView saves a view of a project's task table.
func (s *Store) CreateTaskView(ctx context.Context, projectID, userID int64, data json.RawMessage) (TaskView, error) {
	v, err := one[TaskView](s.db.Query(ctx, `INSERT INTO task_views (project_id, created_by, data)
		VALUES ($1, NULLIF($2, 0), $3) RETURNING `+taskViewColumns, projectID, userID, data))
	return v, wrap("create task view", err)
}

// TaskViews lists a project's saved views, oldest first.
func (s *Store) TaskViews(ctx context.Context, projectID int64) ([]TaskView, error) {
	vs, err := all[TaskView](s.db.Query(ctx, `SELECT `+taskViewColumns+` FROM task_views WHERE project_id = $1 ORDER BY id`, projectID))
	return vs, wrap("task views", err)
}

// TaskViewByID finds a saved view; projectID 0 finds it in any project.
func (s *Store) TaskViewByID(ctx context.Context, projectID, id int64) (TaskView, error) {
	v, err := one[TaskView](s.db.Query(ctx, `SELECT `+taskViewColumns+` FROM task_views
		WHERE id = $1 AND ($2 = 0 OR project_id = $2)`, id, projectID))
	return v, wrap("task view by id", err)
}

// UpdateTaskView replaces a view's data.
func (s *Store) UpdateTaskView(ctx context.Context, projectID, id int64, data json.RawMessage) (TaskView, error) {
	v, err := one[TaskView](s.db.Query(ctx, `UPDATE task_views SET data = $3, updated_at = now()
		WHERE id = $1 AND project_id = $2 RETURNING `+taskViewColumns, id, projectID, data))
	return v, wrap("update task view", err)
}

// DeleteTaskView deletes a saved view.
func (s *Store) DeleteTaskView(ctx context.Context, projectID, id int64) error {
	return wrap("delete task view", mustAffect(s.db.Exec(ctx, `DELETE FROM task_views WHERE id = $1 AND project_id = $2`, id, projectID)))
}

// HiddenTaskColumns is the columns a user hides in a project's task table (nil: none chosen yet).
func (s *Store) HiddenTaskColumns(ctx context.Context, userID, projectID int64) ([]string, error) {
	var hidden []string
	err := s.db.QueryRow(ctx, `SELECT hidden FROM task_columns WHERE user_id = $1 AND project_id = $2`, userID, projectID).Scan(&hidden)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	return hidden, wrap("hidden task columns", err)
}

// SetHiddenTaskColumns keeps the columns a user hides in a project's task table.
func (s *Store) SetHiddenTaskColumns(ctx context.Context, userID, projectID int64, hidden []string) error {
	_, err := s.db.Exec(ctx, `INSERT INTO task_columns (user_id, project_id, hidden) VALUES ($1, $2, $3)
		ON CONFLICT (user_id, project_id) DO UPDATE SET hidden = excluded.hidden`, userID, projectID, nonNilStrings(hidden))
	return wrap("set hidden task columns", err)
}
