package web_test

import (
	"fmt"
	"strings"
	"testing"
)

// goldPauseEnv is a sentiment project with n gold tasks (the manager's
// Positive marked as ground truth) that pauses an annotator whose accuracy on
// their last 3 gold tasks is under 0.6, and annotator ann.
func goldPauseEnv(t *testing.T, n int) (*env, int64, map[string]string, []int64) {
	t.Helper()
	e, p, tok := labelEnv(t, n, 2, "ann")
	if code := e.call(tok["manager"], "PATCH", fmt.Sprintf("/api/projects/%d", p.ID),
		map[string]any{"gold_pause_window": 3, "gold_pause_threshold": 0.6, "gold_rate": 1}, nil); code != 200 {
		t.Fatalf("turn the pause on: %d", code)
	}
	tasks := e.taskIDs(p.ID)
	for _, id := range tasks {
		_, gt := e.submit(tok["manager"], id, fmt.Sprint("gt", id), map[string]any{"result": choice("Positive")})
		if code := e.call(tok["manager"], "PATCH", fmt.Sprintf("/api/annotations/%d/ground-truth", gt), map[string]any{"ground_truth": true}, nil); code != 204 {
			t.Fatalf("ground truth: %d", code)
		}
	}
	return e, p.ID, tok, tasks
}

// TestGoldPause: an annotator whose accuracy on their last 3 gold tasks falls
// under the project's threshold is paused by the submission that brings it
// there; the next task and any new submission are refused with why; the
// manager sees the pause and unpauses them (both audited); their earlier gold
// answers no longer count. Bad settings are 422 naming the field.
func TestGoldPause(t *testing.T) {
	t.Parallel()
	e, pid, tok, tasks := goldPauseEnv(t, 5)
	ctx := t.Context()
	for _, c := range []struct {
		body  map[string]any
		field string
	}{
		{map[string]any{"gold_pause_window": -1}, "gold_pause_window"},
		{map[string]any{"gold_pause_window": 3, "gold_pause_threshold": 1.5}, "gold_pause_threshold"},
		{map[string]any{"gold_pause_window": 3, "gold_pause_threshold": 0}, "gold_pause_threshold"},
	} {
		var out struct {
			Error string `json:"error"`
		}
		if code := e.call(tok["manager"], "PATCH", fmt.Sprintf("/api/projects/%d", pid), c.body, &out); code != 422 || !strings.Contains(out.Error, c.field) {
			t.Errorf("PATCH %v: %d %q, want 422 naming %s", c.body, code, out.Error, c.field)
		}
	}
	var window int
	e.store.Pool.QueryRow(ctx, `SELECT gold_pause_window FROM projects WHERE id = $1`, pid).Scan(&window)
	if window != 3 {
		t.Fatalf("a refused PATCH changed the window to %d", window)
	}

	// Right, wrong: two gold answers, fewer than the window: no pause.
	for i, v := range []string{"Positive", "Negative"} {
		if code, _ := e.submit(tok["ann"], tasks[i], fmt.Sprint("a", i), map[string]any{"result": choice(v)}); code != 201 {
			t.Fatalf("gold answer %d: %d", i, code)
		}
	}
	if code := e.call(tok["ann"], "GET", fmt.Sprintf("/api/projects/%d/next", pid), nil, nil); code != 200 {
		t.Fatalf("next after 2 gold answers: %d, want 200", code)
	}
	// A third, wrong: 1 of 3 right, 0.333 < 0.6: paused.
	if code, _ := e.submit(tok["ann"], tasks[2], "a2", map[string]any{"result": choice("Negative")}); code != 201 {
		t.Fatalf("the answer that pauses is stored: %d", code)
	}
	var refused struct {
		Error   string         `json:"error"`
		Details map[string]any `json:"details"`
	}
	if code := e.call(tok["ann"], "GET", fmt.Sprintf("/api/projects/%d/next", pid), nil, &refused); code != 403 ||
		!strings.Contains(refused.Error, "You are paused") || !strings.Contains(refused.Error, "last 3 gold tasks (tasks with a known answer) was 33 %") || refused.Details["paused"] != true {
		t.Fatalf("next while paused: %d %+v", code, refused)
	}
	code, _ := e.submit(tok["ann"], tasks[3], "a3", map[string]any{"result": choice("Positive")})
	var stored int
	e.store.Pool.QueryRow(ctx, `SELECT count(*) FROM annotations WHERE task_id = $1`, tasks[3]).Scan(&stored)
	if code != 403 || stored != 1 {
		t.Fatalf("submit while paused: %d, %d annotations of the task (want 403 and the ground truth alone)", code, stored)
	}
	var pauses []struct {
		UserID    int64   `json:"user_id"`
		Email     string  `json:"email"`
		Accuracy  float64 `json:"accuracy"`
		GoldTasks int     `json:"gold_tasks"`
		Threshold float64 `json:"threshold"`
	}
	if code := e.call(tok["manager"], "GET", fmt.Sprintf("/api/projects/%d/pauses", pid), nil, &pauses); code != 200 ||
		len(pauses) != 1 || pauses[0].Email != "ann@x.org" || pauses[0].GoldTasks != 3 || pauses[0].Accuracy > 0.34 || pauses[0].Threshold != 0.6 {
		t.Fatalf("pauses: %d %+v", code, pauses)
	}
	if code := e.call(tok["ann"], "DELETE", fmt.Sprintf("/api/projects/%d/pauses/%d", pid, pauses[0].UserID), nil, nil); code != 403 && code != 404 {
		t.Fatalf("the annotator unpauses themself: %d", code)
	}
	if code := e.call(tok["manager"], "DELETE", fmt.Sprintf("/api/projects/%d/pauses/%d", pid, pauses[0].UserID), nil, nil); code != 204 {
		t.Fatalf("unpause: %d", code)
	}
	if code := e.call(tok["manager"], "DELETE", fmt.Sprintf("/api/projects/%d/pauses/%d", pid, pauses[0].UserID), nil, nil); code != 404 {
		t.Fatalf("unpause one not paused: %d, want 404", code)
	}
	var actions []string
	rows, _ := e.store.Pool.Query(ctx, `SELECT action || ' by ' || actor FROM audit_log WHERE project_id = $1 AND action LIKE 'annotator.%' ORDER BY id`, pid)
	for rows.Next() {
		var a string
		rows.Scan(&a)
		actions = append(actions, a)
	}
	if strings.Join(actions, ", ") != "annotator.paused by concord, annotator.unpaused by manager@x.org" {
		t.Fatalf("audit log: %v", actions)
	}
	// Unpaused: tasks come again, and one more wrong gold answer does not
	// pause again (the three before no longer count).
	if code := e.call(tok["ann"], "GET", fmt.Sprintf("/api/projects/%d/next", pid), nil, nil); code != 200 {
		t.Fatalf("next after unpause: %d", code)
	}
	if code, _ := e.submit(tok["ann"], tasks[3], "a3-again", map[string]any{"result": choice("Negative")}); code != 201 {
		t.Fatalf("submit after unpause: %d", code)
	}
	if code := e.call(tok["ann"], "GET", fmt.Sprintf("/api/projects/%d/next", pid), nil, nil); code != 200 {
		t.Fatalf("next after one wrong answer since the unpause: %d", code)
	}
}

// TestGoldPauseOffByDefault: without a window, gold answers are scored but nobody is paused.
func TestGoldPauseOffByDefault(t *testing.T) {
	t.Parallel()
	e, pid, tok, tasks := goldPauseEnv(t, 3)
	if code := e.call(tok["manager"], "PATCH", fmt.Sprintf("/api/projects/%d", pid), map[string]any{"gold_pause_window": 0}, nil); code != 200 {
		t.Fatalf("turn the pause off: %d", code)
	}
	for i, id := range tasks {
		if code, _ := e.submit(tok["ann"], id, fmt.Sprint("w", i), map[string]any{"result": choice("Negative")}); code != 201 {
			t.Fatalf("wrong gold answer %d: %d", i, code)
		}
	}
	var scored int
	e.store.Pool.QueryRow(t.Context(), `SELECT count(*) FROM gold_answers WHERE project_id = $1 AND score = 0`, pid).Scan(&scored)
	if code := e.call(tok["ann"], "GET", fmt.Sprintf("/api/projects/%d/next", pid), nil, nil); code == 403 || scored != 3 {
		t.Fatalf("pause off: next %d, %d gold answers scored 0 (want 3)", code, scored)
	}
}
