package web_test

import (
	"fmt"
	"testing"
	"time"
)

// TestGroundTruthDecidesRejectedExcluded, through the HTTP API: a task with
// ground truth is scored as its annotators against it and its consensus is
// the ground truth, whatever the majority; an annotation a reviewer rejects
// counts in neither agreement nor consensus.
func TestGroundTruthDecidesRejectedExcluded(t *testing.T) {
	t.Parallel()
	e, p, tok := labelEnv(t, 2, 3, "ann", "bob", "cy")
	ctx := t.Context()
	ids := e.taskIDs(p.ID)
	t0, t1 := ids[0], ids[1]
	agreementOf := func(task int64) *float64 { return e.taskAgreement(tok["manager"], task) }
	type consensus struct {
		Consensus []struct {
			Method string         `json:"method"`
			Value  any            `json:"value"`
			Votes  map[string]int `json:"votes"`
		} `json:"consensus"`
	}
	consensusOf := func(task int64) consensus {
		var c consensus
		if code := e.call(tok["manager"], "GET", fmt.Sprintf("/api/tasks/%d/consensus", task), nil, &c); code != 200 || len(c.Consensus) != 1 {
			t.Fatalf("consensus of %d: %d %+v", task, code, c)
		}
		return c
	}
	type report struct {
		Annotators []struct {
			UserID      int64 `json:"user_id"`
			Annotations int   `json:"annotations"`
		} `json:"annotators"`
	}
	wait := func(what string, cond func() bool) {
		t.Helper()
		for deadline := time.Now().Add(40 * time.Second); time.Now().Before(deadline); time.Sleep(250 * time.Millisecond) {
			if cond() {
				return
			}
		}
		t.Fatalf("%s: never came; agreements %v %v", what, agreementOf(t0), agreementOf(t1))
	}
	near := func(v *float64, want float64) bool { return v != nil && *v > want-1e-9 && *v < want+1e-9 }

	// t0: two Positive, one Negative; t1: ann Positive, bob Negative.
	e.submit(tok["ann"], t0, "a0", map[string]any{"result": choice("Positive")})
	_, bob0 := e.submit(tok["bob"], t0, "b0", map[string]any{"result": choice("Positive")})
	_, cy0 := e.submit(tok["cy"], t0, "c0", map[string]any{"result": choice("Negative")})
	e.submit(tok["ann"], t1, "a1", map[string]any{"result": choice("Positive")})
	_, bob1 := e.submit(tok["bob"], t1, "b1", map[string]any{"result": choice("Negative")})
	wait("agreement among the annotators", func() bool { return near(agreementOf(t0), 1.0/3) && near(agreementOf(t1), 0) })
	if c := consensusOf(t0).Consensus[0]; c.Value != "Positive" || c.Method != "majority" {
		t.Fatalf("consensus of t0 before ground truth: %+v", c)
	}

	// cy's Negative becomes ground truth: ann and bob are both wrong against
	// it (agreement 0, not the 1/3 of three votes), and it is the consensus.
	if code := e.call(tok["manager"], "PATCH", fmt.Sprintf("/api/annotations/%d/ground-truth", cy0), map[string]any{"ground_truth": true}, nil); code != 204 {
		t.Fatalf("ground truth: %d", code)
	}
	wait("t0 scored against its ground truth", func() bool { return near(agreementOf(t0), 0) })
	if c := consensusOf(t0).Consensus[0]; c.Value != "Negative" || c.Method != "ground_truth" {
		t.Fatalf("consensus of t0 with ground truth Negative: %+v", c)
	}
	if code := e.call(tok["manager"], "PATCH", fmt.Sprintf("/api/annotations/%d/ground-truth", cy0), map[string]any{"ground_truth": false}, nil); code != 204 {
		t.Fatalf("unset ground truth: %d", code)
	}
	wait("t0 back to its annotators", func() bool { return near(agreementOf(t0), 1.0/3) })

	// bob's annotations are rejected: t0 is ann against cy (0, and a tie
	// without consensus), t1 has one annotation left and no agreement.
	for _, id := range []int64{bob0, bob1} {
		var task int64
		e.store.Pool.QueryRow(ctx, `SELECT task_id FROM annotations WHERE id = $1`, id).Scan(&task)
		if code := e.call(tok["manager"], "POST", fmt.Sprintf("/api/tasks/%d/review", task),
			map[string]any{"annotation": id, "action": "reject", "comment": "read the guidelines"}, nil); code != 204 {
			t.Fatalf("reject %d: %d", id, code)
		}
	}
	wait("rejected annotations left out of agreement", func() bool { return near(agreementOf(t0), 0) && agreementOf(t1) == nil })
	c := consensusOf(t0).Consensus[0]
	if c.Value != nil || c.Votes["Positive"] != 1 || c.Votes["Negative"] != 1 {
		t.Fatalf("consensus of t0 without bob's rejected vote: %+v, want a 1–1 tie", c)
	}
	var rep report
	e.call(tok["manager"], "GET", fmt.Sprintf("/api/projects/%d/agreement", p.ID), nil, &rep)
	var bobID int64
	e.store.Pool.QueryRow(ctx, `SELECT id FROM users WHERE email = 'bob@x.org'`).Scan(&bobID)
	for _, a := range rep.Annotators {
		if a.UserID == bobID {
			t.Fatalf("bob, whose annotations were all rejected, is still in the report: %+v", a)
		}
	}
}
