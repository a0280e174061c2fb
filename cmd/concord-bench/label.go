package main

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"concord/internal/auth"
	"concord/internal/config"
	"concord/internal/ingest"
	"concord/internal/job"
	"concord/internal/live"
	"concord/internal/media"
	"concord/internal/store"
	"concord/web"
)

// The labeling scenario's full size.
const (
	labelTasks      = 1_000_000
	labelAnnotators = 64
	labelRounds     = 40 // next + submit pairs per annotator
)

const labelConfig = `<View><Text name="text" value="$text"/><Choices name="sentiment" toName="text">
<Choice value="Positive"/><Choice value="Negative"/><Choice value="Neutral"/></Choices></View>`

// benchLabel measures next + submit with 64 concurrent annotators on projects
// of a million tasks, three ways in one run: raw SQL doing the same reads and
// writes (no HTTP), the minimal chi + pgx server of minimal.go, and Concord's
// HTTP API. Each gets its own project and a pool that counts statements.
func benchLabel(ctx context.Context, e *env, scale float64) ([]figure, error) {
	n := max(int(labelTasks*scale), 2*labelAnnotators*labelRounds)
	owner, err := e.store.CreateUser(ctx, "label-owner@localhost", "", "!", store.RoleManager)
	if err != nil {
		return nil, err
	}
	mk := func(title string) (store.Project, error) {
		p, err := e.store.CreateProject(ctx, store.ProjectFields{Title: title, LabelConfig: labelConfig, MaximumAnnotations: 1, Sampling: "sequential"}, owner.ID)
		if err != nil {
			return p, err
		}
		return p, fillTasks(ctx, e.store, p.ID, n)
	}
	var projects [3]store.Project
	for i, title := range []string{"raw SQL", "minimal", "concord"} {
		if projects[i], err = mk(title); err != nil {
			return nil, err
		}
	}
	rawP, minP, p := projects[0], projects[1], projects[2]
	fmt.Fprintf(e.log, "three projects of %d tasks each\n", n)
	var tokens []string
	var users []int64
	for i := 0; i < labelAnnotators; i++ {
		u, err := e.store.CreateUser(ctx, fmt.Sprintf("annotator%d@localhost", i), "", "!", store.RoleAnnotator)
		if err != nil {
			return nil, err
		}
		for _, pr := range projects {
			if err := e.store.SetMember(ctx, pr.ID, u.ID, store.RoleAnnotator); err != nil {
				return nil, err
			}
		}
		key, hash, prefix := auth.NewToken()
		if _, err := e.store.CreateToken(ctx, u.ID, hash, prefix); err != nil {
			return nil, err
		}
		tokens, users = append(tokens, key), append(users, u.ID)
	}
	// Vacuum now, so that autovacuum of three million new rows does not run
	// during the measurement.
	if _, err := e.store.Pool.Exec(ctx, "VACUUM (ANALYZE) tasks"); err != nil {
		return nil, err
	}
	cs, count, err := store.OpenCounted(ctx, e.url)
	if err != nil {
		return nil, err
	}
	defer cs.Close()

	measure := func(name string, fn func(i int) error) (labelRun, error) {
		settle(ctx, e)
		count.Reset()
		t0 := time.Now()
		lat, err := parallel(labelAnnotators, labelRounds, fn)
		r := labelRun{lat: lat, secs: time.Since(t0).Seconds()}
		r.stmts, r.trips = count.Counts()
		if err != nil {
			return r, fmt.Errorf("%s: %w", name, err)
		}
		fmt.Fprintf(e.log, "%s: %.0f pairs/s, p50 %.1f ms, p99 %.1f ms, %.1f statements and %.1f round trips per pair\n",
			name, r.rate(), pct(lat, 50), pct(lat, 99), r.perPair(r.stmts), r.perPair(r.trips))
		return r, nil
	}
	raw, err := measure("raw SQL", func(i int) error { return rawNextSubmit(ctx, cs, rawP.ID, users[i]) })
	if err != nil {
		return nil, err
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: labelAnnotators}}
	minSrv := httptest.NewServer((&minimal{pool: cs.Pool}).handler())
	defer minSrv.Close()
	mini, err := measure("minimal", func(i int) error { return apiNextSubmit(client, minSrv.URL, tokens[i], minP.ID) })
	if err != nil {
		return nil, err
	}
	srv, err := labelServer(ctx, e, cs)
	if err != nil {
		return nil, err
	}
	defer srv.Close()
	con, err := measure("concord", func(i int) error { return apiNextSubmit(client, srv.URL, tokens[i], p.ID) })
	if err != nil {
		return nil, err
	}
	for _, pr := range projects[1:] {
		var done int64
		e.store.Pool.QueryRow(ctx, `SELECT count(*) FROM annotations WHERE project_id = $1`, pr.ID).Scan(&done)
		if done != labelAnnotators*labelRounds {
			return nil, fmt.Errorf("%s: %d annotations stored, want %d", pr.Title, done, labelAnnotators*labelRounds)
		}
	}
	name := fmt.Sprintf("next+submit, %d annotators, %d tasks", labelAnnotators, n)
	const vsMin, vsRaw = "minimal chi + pgx server, same semantics", "raw SQL, same reads and writes"
	return append(con.figures(name, mini, vsMin), mini.figures(name+", minimal server", raw, vsRaw)...), nil
}

// labelRun is one implementation's measurement: each pair's latency in ms,
// the run's duration, and the statements and round trips it sent.
type labelRun struct {
	lat          []float64
	secs         float64
	stmts, trips int64
}

func (r labelRun) rate() float64           { return float64(len(r.lat)) / r.secs }
func (r labelRun) perPair(n int64) float64 { return float64(n) / float64(len(r.lat)) }

// figures are r's throughput, p50, p99, statements and round trips per pair beside base's.
func (r labelRun) figures(name string, base labelRun, baseName string) []figure {
	f := func(what string, v, b float64, unit string, ratio float64) figure {
		return figure{Scenario: "label", Name: name + ", " + what, Value: v, Unit: unit, Baseline: b, BaseName: baseName, Ratio: ratio}
	}
	return []figure{
		f("throughput", r.rate(), base.rate(), "pairs/s", r.rate()/base.rate()),
		f("p50", pct(r.lat, 50), pct(base.lat, 50), "ms", pct(r.lat, 50)/pct(base.lat, 50)),
		f("p99", pct(r.lat, 99), pct(base.lat, 99), "ms", pct(r.lat, 99)/pct(base.lat, 99)),
		f("statements per pair", r.perPair(r.stmts), base.perPair(base.stmts), "", r.perPair(r.stmts)/base.perPair(base.stmts)),
		f("round trips per pair", r.perPair(r.trips), base.perPair(base.trips), "", r.perPair(r.trips)/base.perPair(base.trips)),
	}
}

// fillTasks COPYs n text tasks into a project (setup, not measured).
func fillTasks(ctx context.Context, st *store.Store, projectID int64, n int) error {
	i := 0
	_, err := st.Pool.CopyFrom(ctx, pgx.Identifier{"tasks"}, []string{"project_id", "data", "data_hash"},
		pgx.CopyFromFunc(func() ([]any, error) {
			if i == n {
				return nil, nil
			}
			i++
			data := fmt.Appendf(nil, `{"text": "task %d of the labeling benchmark, a short tweet-sized text"}`, i)
			h := sha256.Sum256(data)
			return []any{projectID, json.RawMessage(data), h[:]}, nil
		}))
	if err != nil {
		return err
	}
	_, err = st.Pool.Exec(ctx, `UPDATE projects SET task_count = $2 WHERE id = $1`, projectID, n)
	return err
}

// labelServer runs Concord's handler on st on a loopback port.
func labelServer(ctx context.Context, e *env, st *store.Store) (*httptest.Server, error) {
	cfg := config.Config{SessionMaxAge: time.Hour, DataDir: e.dir, MaxUploadMB: 64, AsyncImportMB: 16}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	blobs, err := media.NewDiskStore(filepath.Join(e.dir, "media"))
	if err != nil {
		return nil, err
	}
	im := &ingest.Importer{Store: st, Blobs: blobs}
	jobs, err := job.NewClient(st.Pool, st, im, job.Options{}, log)
	if err != nil {
		return nil, err
	}
	return httptest.NewServer(web.New(web.Deps{Config: cfg, Store: st, Importer: im, Jobs: jobs, Hub: live.NewHub(log), Log: log}).Handler()), nil
}

// parallel runs fn rounds times in each of workers goroutines and returns each call's latency in ms.
func parallel(workers, rounds int, fn func(worker int) error) ([]float64, error) {
	var mu sync.Mutex
	var lat []float64
	var first error
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := 0; r < rounds; r++ {
				t0 := time.Now()
				err := fn(w)
				ms := float64(time.Since(t0).Microseconds()) / 1000
				mu.Lock()
				if err != nil && first == nil {
					first = err
				}
				lat = append(lat, ms)
				mu.Unlock()
				if err != nil {
					return
				}
			}
		}()
	}
	wg.Wait()
	return lat, first
}

func pct(xs []float64, p float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[min(len(s)-1, int(float64(len(s))*p/100))]
}

// apiNextSubmit asks Concord for the next task and submits a choice for it.
func apiNextSubmit(c *http.Client, base, token string, projectID int64) error {
	req, _ := http.NewRequest("GET", fmt.Sprintf("%s/api/projects/%d/next", base, projectID), nil)
	req.Header.Set("Authorization", "Token "+token)
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	var lt struct {
		Task struct {
			ID int64 `json:"id"`
		} `json:"task"`
	}
	err = json.NewDecoder(resp.Body).Decode(&lt)
	resp.Body.Close()
	if resp.StatusCode != 200 || err != nil {
		return fmt.Errorf("next: %d %v", resp.StatusCode, err)
	}
	body := `{"result":[{"id":"r1","from_name":"sentiment","to_name":"text","type":"choices","value":{"choices":["Positive"]}}],"lead_time":3.2}`
	req, _ = http.NewRequest("POST", fmt.Sprintf("%s/api/tasks/%d/annotations", base, lt.Task.ID), strings.NewReader(body))
	req.Header.Set("Authorization", "Token "+token)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Idempotency-Key", fmt.Sprintf("bench-%d-%d", lt.Task.ID, time.Now().UnixNano()))
	resp, err = c.Do(req)
	if err != nil {
		return err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 201 {
		return fmt.Errorf("submit: %d", resp.StatusCode)
	}
	return nil
}

// rawNextSubmit does the queue's reads and writes in plain SQL: no HTTP, no
// auth, no validation, no re-check.
func rawNextSubmit(ctx context.Context, st *store.Store, projectID, userID int64) error {
	var taskID int64
	err := pgx.BeginFunc(ctx, st.Pool, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `SELECT t.id FROM tasks t WHERE t.project_id = $1 AND NOT t.is_full
			AND NOT EXISTS (SELECT 1 FROM task_locks l WHERE l.task_id = t.id AND l.expires_at > now() OFFSET 0)
			ORDER BY t.id LIMIT 1 FOR UPDATE SKIP LOCKED`, projectID).Scan(&taskID)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO task_locks (task_id, user_id, expires_at) VALUES ($1, $2, now() + interval '30 minutes')`, taskID, userID)
		return err
	})
	if err != nil {
		return err
	}
	return pgx.BeginFunc(ctx, st.Pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO annotations (task_id, project_id, completed_by, result, lead_time)
			VALUES ($1, $2, $3, '[{"from_name":"sentiment","to_name":"text","type":"choices","value":{"choices":["Positive"]}}]', 3.2)`,
			taskID, projectID, userID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE tasks SET done_count = done_count + 1, is_full = true WHERE id = $1`, taskID); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `DELETE FROM task_locks WHERE task_id = $1 AND user_id = $2`, taskID, userID)
		return err
	})
}

func decode(resp *http.Response, v any) error { return json.NewDecoder(resp.Body).Decode(v) }
