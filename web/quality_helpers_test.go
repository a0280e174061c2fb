package web_test

import (
	"context"
	"fmt"
)

// taskIDs lists a project's task ids in id order.
func (e *env) taskIDs(projectID int64) []int64 {
	e.t.Helper()
	rows, err := e.store.Pool.Query(context.Background(), `SELECT id FROM tasks WHERE project_id = $1 ORDER BY id`, projectID)
	if err != nil {
		e.t.Fatal(err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		rows.Scan(&id)
		ids = append(ids, id)
	}
	return ids
}

// taskAgreement reads a task's agreement through the API (nil when it has none).
func (e *env) taskAgreement(token string, task int64) *float64 {
	e.t.Helper()
	var out struct {
		Agreement *float64 `json:"agreement"`
	}
	if code := e.call(token, "GET", fmt.Sprintf("/api/tasks/%d/agreement", task), nil, &out); code != 200 {
		e.t.Fatalf("task %d agreement: %d", task, code)
	}
	return out.Agreement
}
