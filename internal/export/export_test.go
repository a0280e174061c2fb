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
