package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"concord/internal/auth"
	"concord/internal/localpg"
	"concord/internal/store"
	"concord/internal/store/storetest"
)

// crowd is a project with annotators who label through the API, as the
// labeling page does: take the next task, submit it with an idempotency key.
type crowd struct {
	project int64
	tokens  []string // one API token per annotator
}

// submission is one annotation an annotator sent.
type submission struct {
	annotator int
	task      int64
	key       string // its Idempotency-Key
	id        int64  // the annotation's id, once acknowledged with a 2xx
}

// newCrowd makes a project of tasks text tasks (one annotation each) with n
// annotators, directly in the database.
func newCrowd(t *testing.T, st *store.Store, n, tasks int) crowd {
	t.Helper()
	ctx := context.Background()
	owner, err := st.CreateUser(ctx, "owner@x.org", "", "h", store.RoleManager)
	if err != nil {
		t.Fatal(err)
	}
	config := `<View><Text name="text" value="$text"/><Choices name="c" toName="text"><Choice value="x"/><Choice value="y"/></Choices></View>`
	p, err := st.CreateProject(ctx, store.ProjectFields{Title: "crowd", LabelConfig: config, MaximumAnnotations: 1, Sampling: "sequential", LockMinutes: 60, RetrainEvery: 100000}, owner.ID)
	if err != nil {
		t.Fatal(err)
	}
	for i := range tasks {
		if _, err := st.CreateTask(ctx, p.ID, map[string]any{"text": fmt.Sprintf("task %d of the crowd", i)}); err != nil {
			t.Fatal(err)
		}
	}
	c := crowd{project: p.ID}
	for i := range n {
		u, err := st.CreateUser(ctx, fmt.Sprintf("annotator%d@x.org", i), "", "h", store.RoleAnnotator)
		if err != nil {
			t.Fatal(err)
		}
		if err := st.SetMember(ctx, p.ID, u.ID, store.RoleAnnotator); err != nil {
			t.Fatal(err)
		}
		key, hash, prefix := auth.NewToken()
		if _, err := st.CreateToken(ctx, u.ID, hash, prefix); err != nil {
			t.Fatal(err)
		}
		c.tokens = append(c.tokens, key)
	}
	return c
}

// outcome tallies what a crowd's requests got back.
type outcome struct {
	mu       sync.Mutex
	acked    []submission // answered 2xx
	pending  []submission // sent, never answered 2xx
	statuses map[int]int  // HTTP status → count of answers
	refused  atomic.Int64 // transport errors: no answer at all
}

func (o *outcome) status(code int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.statuses == nil {
		o.statuses = map[int]int{}
	}
	o.statuses[code]++
}

// submit sends s and records its answer; it reports whether s was acknowledged.
func (c crowd) submit(cl *client, s *submission, o *outcome) (bool, error) {
	var ann struct{ ID int64 }
	label := []string{"x", "y"}[s.task%2]
	body := fmt.Sprintf(`{"result":[{"from_name":"c","to_name":"text","type":"choices","value":{"choices":[%q]}}],"lead_time":1.5}`, label)
	code, err := cl.do("POST", fmt.Sprintf("/api/tasks/%d/annotations", s.task), strings.NewReader(body), "", &ann, "Idempotency-Key", s.key)
	if err != nil {
		o.refused.Add(1)
		return false, err
	}
	o.status(code)
	if code/100 != 2 {
		return false, nil
	}
	s.id = ann.ID
	return true, nil
}

// work runs annotator i against base until ctx ends. A request that gets no
// answer ends the annotator when stopOnError (its submission left pending);
// otherwise every failure is retried, the submission with the same key, until
// it is acknowledged.
func (c crowd) work(ctx context.Context, base string, i int, o *outcome, stopOnError bool) {
	cl := newClient(base, c.tokens[i])
	for seq := 0; ctx.Err() == nil; seq++ {
		var next struct {
			Task struct{ ID int64 } `json:"task"`
		}
		code, err := cl.do("GET", fmt.Sprintf("/api/projects/%d/next", c.project), nil, "", &next)
		if err != nil {
			o.refused.Add(1)
		} else {
			o.status(code)
		}
		if err != nil && stopOnError {
			return
		}
		if code != 200 {
			time.Sleep(20 * time.Millisecond)
			continue
		}
		s := submission{annotator: i, task: next.Task.ID, key: fmt.Sprintf("a%d-%d", i, seq)}
		for {
			ok, err := c.submit(cl, &s, o)
			lost := err != nil && stopOnError
			if ok || lost || ctx.Err() != nil {
				o.mu.Lock()
				if ok {
					o.acked = append(o.acked, s)
				} else {
					o.pending = append(o.pending, s)
				}
				o.mu.Unlock()
				if lost {
					return
				}
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
}

// run starts annotators 0…n-1 and returns a function that waits for them.
func (c crowd) run(ctx context.Context, base string, o *outcome, stopOnError bool) (wait func()) {
	var wg sync.WaitGroup
	for i := range c.tokens {
		wg.Go(func() { c.work(ctx, base, i, o, stopOnError) })
	}
	return wg.Wait
}

// checkStored verifies every acknowledged submission is in the database as
// sent, and that nothing is stored twice or without having been sent.
func (c crowd) checkStored(t *testing.T, st *store.Store, o *outcome) {
	t.Helper()
	sent := map[string]submission{}
	for _, s := range append(append([]submission{}, o.acked...), o.pending...) {
		sent[s.key] = s
	}
	rows, err := st.Pool.Query(context.Background(), `
		SELECT a.id, a.task_id, coalesce(a.idempotency_key, ''), u.email
		FROM annotations a JOIN users u ON u.id = a.completed_by WHERE a.project_id = $1`, c.project)
	if err != nil {
		t.Fatal(err)
	}
	stored := map[int64]submission{}
	perTask := map[int64]int{}
	for rows.Next() {
		var id, task int64
		var key, email string
		if err := rows.Scan(&id, &task, &key, &email); err != nil {
			t.Fatal(err)
		}
		var i int
		fmt.Sscanf(email, "annotator%d@", &i)
		s, ok := sent[key]
		if !ok || s.task != task || s.annotator != i {
			t.Errorf("annotation %d (task %d, %s, key %q) was never sent", id, task, email, key)
		}
		stored[id] = submission{annotator: i, task: task, key: key, id: id}
		if perTask[task]++; perTask[task] > 1 {
			t.Errorf("task %d has %d annotations; the project takes one", task, perTask[task])
		}
	}
	if rows.Err() != nil {
		t.Fatal(rows.Err())
	}
	for _, s := range o.acked {
		if got, ok := stored[s.id]; !ok || got.key != s.key || got.task != s.task || got.annotator != s.annotator {
			t.Errorf("acknowledged annotation %d (task %d, annotator %d, key %s) is not in the database as sent: %+v", s.id, s.task, s.annotator, s.key, got)
		}
	}
	keys := map[string]bool{}
	for _, s := range stored {
		if keys[s.key] {
			t.Errorf("submission %s is stored twice", s.key)
		}
		keys[s.key] = true
	}
}

// TestKillServerWhileAnnotating kills `concord serve` with SIGKILL while 64
// annotators submit: every annotation it acknowledged is in the database, none
// twice; after a restart the annotators resend what got no answer, with the
// same idempotency keys, and still nothing is doubled.
func TestKillServerWhileAnnotating(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	ctx := context.Background()
	st := storetest.New(t)
	dbURL := storetest.URLOf(st)
	const annotators = 64
	c := newCrowd(t, st, annotators, 2000)
	env := append(cleanEnv(), "CONCORD_DATABASE_URL="+dbURL, "CONCORD_DATA_DIR="+t.TempDir(), "CONCORD_ADDR=127.0.0.1:0", "CONCORD_WORKER=false")
	srv := start(t, env, "serve")

	var o outcome
	stop, cancel := context.WithCancel(ctx)
	defer cancel()
	wait := c.run(stop, srv.base, &o, true)
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		o.mu.Lock()
		n := len(o.acked)
		o.mu.Unlock()
		if n >= 1000 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("only %d submissions acknowledged in a minute: %v\n%s", n, o.statuses, srv.stderr)
		}
	}
	srv.kill()
	wait()
	t.Logf("killed with %d submissions acknowledged, %d in flight; answers %v", len(o.acked), len(o.pending), o.statuses)
	if len(o.pending) == 0 {
		t.Fatal("no submission was in flight when the server died; the test proved nothing")
	}
	for code, n := range o.statuses {
		if code/100 != 2 {
			t.Errorf("%d answers %d before the kill", n, code)
		}
	}
	c.checkStored(t, st, &o)

	// Restarted, the server takes the resent submissions once: those committed
	// before the kill come back as they were (200), the rest are created (201).
	srv = start(t, env, "serve")
	retried := o.pending
	o.pending = nil
	o.statuses = nil
	for _, s := range retried {
		ok, err := c.submit(newClient(srv.base, c.tokens[s.annotator]), &s, &o)
		if !ok {
			t.Fatalf("resending %s after the restart: %v %v", s.key, err, o.statuses)
		}
		o.acked = append(o.acked, s)
	}
	t.Logf("resent %d: answers %v (200: committed before the kill, 201: created now)", len(retried), o.statuses)
	c.checkStored(t, st, &o)
}

// TestDatabaseRestartUnderLoad stops PostgreSQL under 16 annotators and starts
// it again: while it is down the server answers 503 (never 500, never a dropped
// connection), and when it is back the server recovers by itself, without a
// restart; every acknowledged annotation is stored, none twice.
func TestDatabaseRestartUnderLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes and a PostgreSQL cluster of its own")
	}
	ctx := context.Background()
	dir := t.TempDir()
	// The cluster may run as an unprivileged account: let it in.
	os.Chmod(dir, 0o711)
	os.Chmod(filepath.Dir(dir), 0o711)
	pgDir := filepath.Join(dir, "pg")
	cluster, err := localpg.Start(ctx, pgDir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cluster.Stop() })
	dbURL := cluster.URL(localpg.Database)
	env := append(cleanEnv(), "CONCORD_DATABASE_URL="+dbURL, "CONCORD_DATA_DIR="+filepath.Join(dir, "data"), "CONCORD_ADDR=127.0.0.1:0")
	srv := start(t, env, "serve") // migrates the database; runs the worker too
	st, err := store.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	c := newCrowd(t, st, 16, 2000)
	st.Close()

	var o outcome
	run, cancel := context.WithCancel(ctx)
	defer cancel()
	wait := c.run(run, srv.base, &o, false)
	acked := func() int {
		o.mu.Lock()
		defer o.mu.Unlock()
		return len(o.acked)
	}
	for deadline := time.Now().Add(60 * time.Second); acked() < 300; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("only %d submissions acknowledged in a minute: %v", acked(), o.statuses)
		}
	}

	if err := cluster.Stop(); err != nil {
		t.Fatal(err)
	}
	// An answer to a commit made just before the stop may still be on its way.
	time.Sleep(300 * time.Millisecond)
	down := acked()
	time.Sleep(3 * time.Second)
	o.mu.Lock()
	during := o.statuses[503]
	o.mu.Unlock()
	if during == 0 {
		t.Errorf("no 503 while the database was down: %v", o.statuses)
	}
	if n := acked(); n != down {
		t.Errorf("%d submissions acknowledged while the database was down", n-down)
	}

	up := time.Now()
	cluster, err = localpg.Start(ctx, pgDir)
	if err != nil {
		t.Fatal(err)
	}
	var recovered time.Duration
	for acked() < down+300 {
		if recovered == 0 && acked() > down {
			recovered = time.Since(up)
		}
		if time.Since(up) > 60*time.Second {
			t.Fatalf("the server did not recover within a minute of the database's restart: %d acknowledged since; answers %v\n%s", acked()-down, o.statuses, srv.stderr)
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	wait()
	t.Logf("database down for 3 s: %d answers 503; the first submission acknowledged %.2f s after it was started again; answers %v, %d requests unanswered",
		during, recovered.Seconds(), o.statuses, o.refused.Load())
	if err := srv.cmd.Process.Signal(syscall.Signal(0)); err != nil {
		t.Errorf("the server exited: %v\n%s", err, srv.stderr)
	}
	for code, n := range o.statuses {
		if code/100 != 2 && code != 503 {
			t.Errorf("%d answers %d; want only 2xx and 503\n%s", n, code, lastLines(srv.stderr.String(), 30))
		}
	}
	if o.refused.Load() > 0 {
		t.Errorf("%d requests got no answer: the server must stay up and answer 503", o.refused.Load())
	}
	if strings.Contains(srv.stderr.String(), "panic") {
		t.Errorf("the server panicked:\n%s", srv.stderr)
	}
	st, err = store.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	c.checkStored(t, st, &o)
}

// TestKillWorkerDuringTrainingAndExport kills `concord work` with SIGKILL while
// it trains the project's model and writes a background export, and starts a
// new worker: both jobs finish, the training stores exactly one model version,
// active, and the export holds every task.
func TestKillWorkerDuringTrainingAndExport(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	ctx := context.Background()
	st := storetest.New(t)
	dbURL := storetest.URLOf(st)
	manager, err := st.CreateUser(ctx, "m@x.org", "", "h", store.RoleManager)
	if err != nil {
		t.Fatal(err)
	}
	key, hash, prefix := auth.NewToken()
	st.CreateToken(ctx, manager.ID, hash, prefix)
	config := `<View><Text name="text" value="$text"/><Choices name="c" toName="text"><Choice value="x"/><Choice value="y"/></Choices></View>`
	p, err := st.CreateProject(ctx, store.ProjectFields{Title: "big", LabelConfig: config, MaximumAnnotations: 1, Sampling: "sequential", RetrainEvery: 100000}, manager.ID)
	if err != nil {
		t.Fatal(err)
	}

	// Labeled texts enough for a training and an export that take seconds: a
	// label says whether the text holds one of the first 50 words.
	const n = 100_000
	dir := t.TempDir()
	file := filepath.Join(dir, "labeled.jsonl")
	var buf strings.Builder
	words := make([]string, 3000)
	for i := range words {
		words[i] = fmt.Sprintf("w%x", i*7919)
	}
	rnd := rand.New(rand.NewPCG(1, 2))
	for i := range n {
		var text []string
		label := "y"
		for range 12 {
			w := rnd.IntN(len(words))
			if w < 50 {
				label = "x"
			}
			text = append(text, words[w])
		}
		fmt.Fprintf(&buf, `{"data":{"text":"%d %s"},"annotations":[{"result":[{"from_name":"c","to_name":"text","type":"choices","value":{"choices":["%s"]}}]}]}`+"\n", i, strings.Join(text, " "), label)
	}
	os.WriteFile(file, []byte(buf.String()), 0o644)
	env := append(cleanEnv(), "CONCORD_DATABASE_URL="+dbURL, "CONCORD_DATA_DIR="+filepath.Join(dir, "data"), "CONCORD_ADDR=127.0.0.1:0")
	imp := exec.Command(concordBinary(t), "import", "--project", fmt.Sprint(p.ID), file)
	imp.Env = env
	if out, err := imp.CombinedOutput(); err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}

	srv := start(t, append(env, "CONCORD_WORKER=false"), "serve")
	api := newClient(srv.base, key)
	if code := api.call(t, "POST", fmt.Sprintf("/api/projects/%d/models/train", p.ID), nil, "", nil); code/100 != 2 {
		t.Fatalf("train: %d", code)
	}
	var exp struct {
		ID          int64
		Status      string
		RowsDone    int64  `json:"rows_done"`
		DownloadURL string `json:"download_url"`
	}
	if code := api.call(t, "POST", fmt.Sprintf("/api/projects/%d/exports", p.ID), strings.NewReader(`{"exportType":"JSON"}`), "", &exp); code != 202 {
		t.Fatalf("export: %d", code)
	}
	exportStatus := func() string {
		api.call(t, "GET", fmt.Sprintf("/api/projects/%d/exports/%d", p.ID, exp.ID), nil, "", &exp)
		return exp.Status
	}
	training := func() string {
		var state string
		st.Pool.QueryRow(ctx, `SELECT state FROM river_job WHERE kind = 'train' AND (args->>'project_id')::bigint = $1 ORDER BY id DESC LIMIT 1`, p.ID).Scan(&state)
		return state
	}
	versions := func() (all, active int) {
		st.Pool.QueryRow(ctx, `SELECT count(*), count(*) FILTER (WHERE active) FROM model_versions WHERE project_id = $1`, p.ID).Scan(&all, &active)
		return
	}

	worker := start(t, env, "work")
	for deadline := time.Now().Add(60 * time.Second); training() != "running" || exportStatus() != "in_progress"; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("training %q and export %q never ran together\n%s", training(), exportStatus(), worker.stderr)
		}
	}
	worker.kill()
	if all, _ := versions(); all > 0 || exportStatus() == "completed" {
		t.Fatalf("the training (%d versions) or the export (%s) finished before the worker was killed; make them bigger", all, exp.Status)
	}
	t.Logf("worker killed while training and exporting (%d of %d rows written)", exp.RowsDone, n)

	// A new worker's reaper finds both jobs orphaned (no one holds their lock)
	// and requeues them.
	worker = start(t, env, "work")
	restarted := time.Now()
	for deadline := time.Now().Add(3 * time.Minute); ; time.Sleep(100 * time.Millisecond) {
		all, _ := versions()
		if all > 0 && exportStatus() == "completed" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after the restart: training %q, %d versions, export %q\n%s", training(), all, exp.Status, worker.stderr)
		}
	}
	t.Logf("both finished %.1f s after the new worker started", time.Since(restarted).Seconds())
	if all, active := versions(); all != 1 || active != 1 {
		t.Errorf("%d model versions, %d active; want exactly one, active", all, active)
	}
	var tasks []struct {
		Annotations []json.RawMessage `json:"annotations"`
	}
	if code := api.call(t, "GET", exp.DownloadURL, nil, "", &tasks); code != 200 {
		t.Fatalf("download: %d", code)
	}
	if len(tasks) != n {
		t.Errorf("the export holds %d tasks, want %d", len(tasks), n)
	}
	for i, task := range tasks {
		if len(task.Annotations) != 1 {
			t.Fatalf("task %d of the export has %d annotations, want 1", i, len(task.Annotations))
		}
	}
}
