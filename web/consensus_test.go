package web_test

import (
	"fmt"
	"strings"
	"testing"
)

// TestTaskConsensus reads a task's consensus through the API as its votes
// change: a tie is no consensus (never the first label), a seeded tie rule
// draws one of the tied labels reproducibly, a majority decides, and ground
// truth overrides the majority.
func TestTaskConsensus(t *testing.T) {
	t.Parallel()
	e, p, tok := labelEnv(t, 1, 3, "ann", "bob", "cy")
	var task int64
	e.store.Pool.QueryRow(t.Context(), `SELECT id FROM tasks WHERE project_id = $1`, p.ID).Scan(&task)
	type consensus struct {
		Consensus []struct {
			Control string         `json:"control"`
			Method  string         `json:"method"`
			Value   any            `json:"value"`
			Votes   map[string]int `json:"votes"`
			Reason  string         `json:"reason"`
		} `json:"consensus"`
	}
	get := func(query string) consensus {
		t.Helper()
		var c consensus
		if code := e.call(tok["manager"], "GET", fmt.Sprintf("/api/tasks/%d/consensus%s", task, query), nil, &c); code != 200 || len(c.Consensus) != 1 {
			t.Fatalf("consensus%s: %d %+v", query, code, c)
		}
		return c
	}
	e.submit(tok["ann"], task, "a", map[string]any{"result": choice("Negative")})
	_, bob := e.submit(tok["bob"], task, "b", map[string]any{"result": choice("Positive")})
	if c := get("").Consensus[0]; c.Value != nil || !strings.Contains(c.Reason, "tie between Negative, Positive") || c.Votes["Positive"] != 1 {
		t.Errorf("a 1–1 tie: %+v, want no consensus with the reason", c)
	}
	first := get("?tie_seed=3").Consensus[0]
	if (first.Value != "Positive" && first.Value != "Negative") || first.Method != "majority_seeded_tie" {
		t.Errorf("seeded tie rule: %+v", first)
	}
	if again := get("?tie_seed=3").Consensus[0]; again.Value != first.Value {
		t.Errorf("the same seed drew %v, then %v", first.Value, again.Value)
	}
	e.submit(tok["cy"], task, "c", map[string]any{"result": choice("Negative")})
	if c := get("").Consensus[0]; c.Value != "Negative" || c.Method != "majority" {
		t.Errorf("2–1 for Negative: %+v", c)
	}
	if code := e.call(tok["manager"], "PATCH", fmt.Sprintf("/api/annotations/%d/ground-truth", bob), map[string]any{"ground_truth": true}, nil); code != 204 {
		t.Fatalf("ground truth: %d", code)
	}
	if c := get("").Consensus[0]; c.Value != "Positive" || c.Method != "ground_truth" {
		t.Errorf("bob's label is ground truth: %+v, want Positive by ground truth", c)
	}
	if code := e.call(tok["manager"], "GET", fmt.Sprintf("/api/tasks/%d/consensus?tie_seed=abc", task), nil, nil); code != 422 {
		t.Errorf("tie_seed=abc: %d, want 422", code)
	}
	if code := e.call(tok["ann"], "GET", fmt.Sprintf("/api/tasks/%d/consensus", task), nil, nil); code != 403 && code != 404 {
		t.Errorf("an annotator reads the consensus: %d, want 403 or 404", code)
	}
}
