package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"concord/internal/auth"
)

// minimal is the label scenario's second baseline: the least a chi + pgx
// server needs for the same semantics as Concord's next and submit, with the
// same wire format. Each request checks the API token (one statement); next
// reserves the first open, unreserved task with FOR UPDATE SKIP LOCKED and
// records the reservation in one statement (its own transaction); submit
// inserts the annotation under its Idempotency-Key, counts it on the task and
// drops the reservation in one statement, then sends pg_notify after commit.
// No config validation, caches, jobs, review or sampling modes. (OFFSET 0
// keeps the lock check a per-row subquery: as an anti-join, PostgreSQL's
// generic plan merged tasks_pkey with task_locks and read every task of the
// projects made before this one, 5 s per pick beside three 1M-task projects.)
type minimal struct{ pool *pgxpool.Pool }

func (m *minimal) handler() http.Handler {
	r := chi.NewRouter()
	r.Get("/api/projects/{id}/next", m.serve(m.next))
	r.Post("/api/tasks/{id}/annotations", m.serve(m.submit))
	return r
}

// serve authenticates the token and hands the caller's id and the URL's {id} to h.
func (m *minimal) serve(h func(w http.ResponseWriter, r *http.Request, user, id int64) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		key, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Token ")
		var user int64
		err := m.pool.QueryRow(r.Context(), `SELECT t.user_id FROM api_tokens t JOIN users u ON u.id = t.user_id
			WHERE t.hash = $1 AND t.revoked_at IS NULL AND u.disabled_at IS NULL`, auth.TokenHash(key)).Scan(&user)
		if errors.Is(err, pgx.ErrNoRows) {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		id, perr := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
		if err == nil && perr != nil {
			http.Error(w, "bad id", http.StatusBadRequest)
			return
		}
		if err == nil {
			err = h(w, r, user, id)
		}
		if errors.Is(err, pgx.ErrNoRows) {
			http.Error(w, "not found", http.StatusNotFound)
		} else if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
		}
	}
}

func (m *minimal) next(w http.ResponseWriter, r *http.Request, user, project int64) error {
	var out struct {
		Task struct {
			ID   int64           `json:"id"`
			Data json.RawMessage `json:"data"`
		} `json:"task"`
	}
	err := m.pool.QueryRow(r.Context(), `
		WITH pick AS (
			SELECT t.id, t.data FROM tasks t
			WHERE t.project_id = $1 AND NOT t.is_full
			  AND EXISTS (SELECT 1 FROM project_members m WHERE m.project_id = $1 AND m.user_id = $2)
			  AND NOT EXISTS (SELECT 1 FROM task_locks l WHERE l.task_id = t.id AND l.expires_at > now() OFFSET 0)
			ORDER BY t.id LIMIT 1 FOR UPDATE OF t SKIP LOCKED),
		lock AS (
			INSERT INTO task_locks (task_id, user_id, expires_at) SELECT id, $2, now() + interval '30 minutes' FROM pick
			ON CONFLICT (task_id, user_id) DO UPDATE SET expires_at = EXCLUDED.expires_at)
		SELECT id, data FROM pick`, project, user).Scan(&out.Task.ID, &out.Task.Data)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	return json.NewEncoder(w).Encode(out)
}

func (m *minimal) submit(w http.ResponseWriter, r *http.Request, user, task int64) error {
	var in struct {
		Result   json.RawMessage `json:"result"`
		LeadTime float64         `json:"lead_time"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return nil
	}
	var id, project int64
	err := m.pool.QueryRow(r.Context(), `
		WITH ins AS (
			INSERT INTO annotations (task_id, project_id, completed_by, result, lead_time, idempotency_key)
			SELECT t.id, t.project_id, $2, $3, $4, $5 FROM tasks t
			WHERE t.id = $1 AND EXISTS (SELECT 1 FROM project_members m WHERE m.project_id = t.project_id AND m.user_id = $2)
			ON CONFLICT (completed_by, idempotency_key) DO NOTHING
			RETURNING id, task_id, project_id),
		counted AS (
			UPDATE tasks t SET done_count = done_count + 1,
				is_full = done_count + 1 >= p.maximum_annotations + t.extra_annotators
			FROM ins, projects p WHERE t.id = ins.task_id AND p.id = ins.project_id),
		unlocked AS (DELETE FROM task_locks WHERE task_id = $1 AND user_id = $2 AND EXISTS (SELECT 1 FROM ins))
		SELECT id, project_id FROM ins`, task, user, in.Result, in.LeadTime, r.Header.Get("Idempotency-Key")).Scan(&id, &project)
	if err != nil {
		return err
	}
	if _, err := m.pool.Exec(context.WithoutCancel(r.Context()), `SELECT pg_notify('concord_events', $1)`,
		fmt.Sprintf(`{"project":%d,"type":"annotation.created","id":%d}`, project, id)); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusCreated)
	return json.NewEncoder(w).Encode(map[string]int64{"id": id, "task": task})
}
