package export

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"concord/internal/format"
	"concord/internal/labeling"
)

func TestRedact(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"write to bob.smith+x@mail.example.co.uk today", "write to " + mask("bob.smith+x@mail.example.co.uk", "[EMAIL]") + " today"},
		{"call +1 (555) 123-4567 now", "call " + mask("+1 (555) 123-4567", "[PHONE]") + " now"},
		{"or 555-123-4567.", "or [PHONE]*****."},
		{"card 4111-1111-1111-1111 ok", "card [CARD]************* ok"},
		{"order 1234567890123 (fails Luhn)", "order 1234567890123 (fails Luhn)"},
		{"on 2024-01-15 at 10:30, 42 items", "on 2024-01-15 at 10:30, 42 items"},
		{"a@b.io", "******"},
		{"naïve café", "naïve café"},
	} {
		if got := Redact(c.in); got != c.want {
			t.Errorf("Redact(%q) = %q, want %q", c.in, got, c.want)
		}
		if len(Redact(c.in)) != len(c.in) {
			t.Errorf("Redact(%q) changed the length", c.in)
		}
	}
}

func TestPseudonyms(t *testing.T) {
	var p pseudonyms
	got := []string{p.name(42), p.name(7), p.name(42), p.name(9), p.name(7)}
	if strings.Join(got, " ") != "annotator-1 annotator-2 annotator-1 annotator-3 annotator-2" {
		t.Errorf("sequential pseudonyms: %v", got)
	}
	a, b := pseudonyms{key: []byte("k")}, pseudonyms{key: []byte("k")}
	if a.name(42) != b.name(42) || a.name(42) == a.name(7) || !strings.HasPrefix(a.name(1), "annotator-") {
		t.Errorf("keyed pseudonyms: %s %s %s", a.name(42), b.name(42), a.name(7))
	}
}

// TestDawidSkeneReadsTwice fits over every task before writing any, from an
// in-memory iterator, and writes one annotation per task.
func TestDawidSkeneReadsTwice(t *testing.T) {
	cfg, err := labeling.ParseConfig(`<View><Text name="text" value="$text"/><Choices name="c" toName="text"><Choice value="x"/><Choice value="y"/></Choices></View>`)
	if err != nil {
		t.Fatal(err)
	}
	ann := func(id, user int64, v string) string {
		return fmt.Sprintf(`{"id":%d,"completed_by":%d,"email":"u%d@x","result":[{"from_name":"c","to_name":"text","type":"choices","value":{"choices":["%s"]}}]}`, id, user, user, v)
	}
	var stored []Stored
	for i := range 20 {
		v := []string{"x", "y"}[i%2]
		other := v
		if i%5 == 0 {
			other = map[string]string{"x": "y", "y": "x"}[v]
		}
		anns := "[" + ann(int64(3*i), 1, v) + "," + ann(int64(3*i+1), 2, v) + "," + ann(int64(3*i+2), 3, other) + "]"
		stored = append(stored, Stored{ID: int64(i + 1), Data: []byte(fmt.Sprintf(`{"text":"t%d"}`, i)), Annotations: []byte(anns)})
	}
	reads := 0
	tasks := func(fn func(Stored) error) error {
		reads++
		for _, s := range stored {
			if err := fn(s); err != nil {
				return err
			}
		}
		return nil
	}
	var buf bytes.Buffer
	st, err := Write(&buf, tasks, Options{Format: format.JSONL, Config: cfg, Consensus: ConsensusDawidSkene})
	if err != nil {
		t.Fatal(err)
	}
	if reads != 2 || st.Tasks != 20 || st.Annotations != 20 {
		t.Fatalf("reads %d, stats %+v", reads, st)
	}
	for i, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		var task format.Task
		json.Unmarshal([]byte(line), &task)
		want := []string{"x", "y"}[i%2]
		if len(task.Annotations) != 1 || !strings.Contains(string(task.Annotations[0].Result[0]), `"`+want+`"`) {
			t.Errorf("task %d: %s, want %s", i, line, want)
		}
	}
}

// TestConsensusGroundTruthRejectedSets: ground truth decides its task
// whatever the votes, a rejected annotation takes no part, and multiple choice
// gets a Dawid–Skene consensus per choice.
func TestConsensusGroundTruthRejectedSets(t *testing.T) {
	cfg, err := labeling.ParseConfig(`<View><Text name="text" value="$text"/>` +
		`<Choices name="c" toName="text"><Choice value="x"/><Choice value="y"/></Choices>` +
		`<Choices name="m" toName="text" choice="multiple"><Choice value="p"/><Choice value="q"/></Choices></View>`)
	if err != nil {
		t.Fatal(err)
	}
	ann := func(id, user int64, v string, set string, extra string) string {
		return fmt.Sprintf(`{"id":%d,"completed_by":%d,"email":"u%d@x"%s,"result":[`+
			`{"from_name":"c","to_name":"text","type":"choices","value":{"choices":["%s"]}},`+
			`{"from_name":"m","to_name":"text","type":"choices","value":{"choices":[%s]}}]}`, id, user, user, extra, v, set)
	}
	stored := []Stored{
		// Two say x, ground truth says y: y.
		{ID: 1, Data: []byte(`{"text":"a"}`), Annotations: []byte("[" + ann(1, 1, "x", `"p"`, "") + "," + ann(2, 2, "x", `"p"`, "") + "," + ann(3, 9, "y", `"q"`, `,"ground_truth":true`) + "]")},
		// One x, two y of which one is rejected: a tie, no consensus for c.
		{ID: 2, Data: []byte(`{"text":"b"}`), Annotations: []byte("[" + ann(4, 1, "x", `"p","q"`, "") + "," + ann(5, 2, "y", `"p","q"`, "") + "," + ann(6, 3, "y", `"p","q"`, `,"review_state":"rejected"`) + "]")},
	}
	tasks := func(fn func(Stored) error) error {
		for _, s := range stored {
			if err := fn(s); err != nil {
				return err
			}
		}
		return nil
	}
	for _, method := range []string{ConsensusMajority, ConsensusDawidSkene} {
		var buf bytes.Buffer
		if _, err := Write(&buf, tasks, Options{Format: format.JSONL, Config: cfg, Consensus: method}); err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
		if len(lines) != 2 {
			t.Fatalf("%s: %d lines: %s", method, len(lines), buf.String())
		}
		results := make([]string, 2)
		for i, line := range lines {
			var task format.Task
			if err := json.Unmarshal([]byte(line), &task); err != nil || len(task.Annotations) != 1 {
				t.Fatalf("%s: task %d: %s (%v)", method, i+1, line, err)
			}
			var parts []string
			for _, r := range task.Annotations[0].Result {
				var it struct {
					FromName string `json:"from_name"`
					Value    struct {
						Choices []string `json:"choices"`
					} `json:"value"`
				}
				json.Unmarshal(r, &it)
				parts = append(parts, it.FromName+"="+strings.Join(it.Value.Choices, "+"))
			}
			results[i] = strings.Join(parts, " ")
		}
		// Under Dawid–Skene the tie of task 2 goes to x, which the fit's
		// priors favour (task 1's annotators said x).
		want := map[string][]string{ConsensusMajority: {"c=y m=q", "m=p+q"}, ConsensusDawidSkene: {"c=y m=q", "c=x m=p+q"}}[method]
		if strings.Join(results, "|") != strings.Join(want, "|") {
			t.Errorf("%s consensus: %q, want %q", method, results, want)
		}
	}
}
