package format

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"testing"
	"unicode/utf8"

	"concord/internal/fixture"
)

func openData(t testing.TB, rel string) *os.File {
	t.Helper()
	f, err := os.Open(fixture.Path(t, rel))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// TestSMSSpam reads the whole SMS Spam Collection, a header-less TSV whose
// texts hold bare quotes, as text-classification tasks.
func TestSMSSpam(t *testing.T) {
	r, err := NewReader(TSV, openData(t, "text/sms_spam.tsv"), Options{Columns: []string{"label", "text"}})
	if err != nil {
		t.Fatal(err)
	}
	tasks := readTasks(t, r)
	if len(tasks) != 5574 {
		t.Errorf("read %d tasks, want 5,574", len(tasks))
	}
	counts := map[any]int{}
	quotes := 0
	for _, task := range tasks {
		counts[task.Data["label"]]++
		if strings.Contains(task.Data["text"].(string), `"`) {
			quotes++
		}
	}
	if counts["ham"] != 4827 || counts["spam"] != 747 || len(counts) != 2 {
		t.Errorf("labels %v, want ham 4827, spam 747", counts)
	}
	if quotes == 0 {
		t.Error("no text kept its double quotes")
	}
	golden(t, "sms_spam_first20.jsonl", renderTasks(tasks[:20]))
}

// checkSpans checks every span of every task against its text, sliced in UTF-16 code units.
func checkSpans(t *testing.T, tasks []Task) (spans, shifted int) {
	t.Helper()
	for i, task := range tasks {
		text := task.Data["text"].(string)
		for _, raw := range task.Annotations[0].Result {
			var r spanResult
			if err := json.Unmarshal(raw, &r); err != nil {
				t.Fatalf("task %d: %v", i+1, err)
			}
			got, ok := utf16Slice(text, r.Value.Start, r.Value.End)
			if !ok || got != r.Value.Text {
				t.Fatalf("task %d: text[%d:%d] in UTF-16 = %q, %v; span text %q", i+1, r.Value.Start, r.Value.End, got, ok, r.Value.Text)
			}
			spans++
			// The rune offset differs from the UTF-16 one when a character outside the BMP comes first.
			if prefix, _ := utf16Slice(text, 0, r.Value.Start); utf8.RuneCountInString(prefix) != r.Value.Start {
				shifted++
			}
		}
	}
	return spans, shifted
}

func tokenCount(tasks []Task) int {
	n := 0
	for _, task := range tasks {
		n += len(strings.Split(task.Data["text"].(string), " "))
	}
	return n
}

// TestWNUT17 reads the WNUT-17 NER files as sentences with span annotations.
func TestWNUT17(t *testing.T) {
	tests := []struct {
		file              string
		sentences, tokens int
		golden            string
	}{
		{"ner/wnut17_train.conll", 3394, 62730, "wnut17_train_first5.jsonl"},
		{"ner/wnut17_dev.conll", 1009, 15733, "wnut17_dev_first5.jsonl"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			r, err := NewReader(CoNLL, openData(t, tt.file), Options{FromName: "label", ToName: "text"})
			if err != nil {
				t.Fatal(err)
			}
			tasks := readTasks(t, r)
			if len(tasks) != tt.sentences {
				t.Errorf("read %d sentences, want %d", len(tasks), tt.sentences)
			}
			if n := tokenCount(tasks); n != tt.tokens {
				t.Errorf("read %d tokens, want %d", n, tt.tokens)
			}
			spans, shifted := checkSpans(t, tasks)
			t.Logf("%s: %d sentences, %d spans, %d after characters outside the BMP", tt.file, len(tasks), spans, shifted)
			if tt.file == "ner/wnut17_dev.conll" && shifted == 0 {
				// The train file is pure ASCII; dev has emoji before entities.
				t.Error("no span follows an emoji: the UTF-16 offsets are not exercised")
			}
			golden(t, tt.golden, renderTasks(tasks[:5]))
		})
	}
}

// TestWNUT17Emoji checks by hand a dev sentence where emoji precede entities.
func TestWNUT17Emoji(t *testing.T) {
	r, err := NewReader(CoNLL, openData(t, "ner/wnut17_dev.conll"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, task := range readTasks(t, r) {
		text := task.Data["text"].(string)
		if utf16Len(text) == utf8.RuneCountInString(text) || len(task.Annotations[0].Result) == 0 {
			continue
		}
		var sp spanResult
		if err := json.Unmarshal(task.Annotations[len(task.Annotations)-1].Result[0], &sp); err != nil {
			t.Fatal(err)
		}
		// Encode to UTF-16 independently and slice there.
		u := []rune(text)
		var units []uint16
		for _, c := range u {
			if c >= 0x10000 {
				c -= 0x10000
				units = append(units, uint16(0xD800+(c>>10)), uint16(0xDC00+(c&0x3FF)))
			} else {
				units = append(units, uint16(c))
			}
		}
		var b strings.Builder
		for i := sp.Value.Start; i < sp.Value.End; i++ {
			b.WriteRune(rune(units[i])) // entities in this file are inside the BMP
		}
		if b.String() != sp.Value.Text {
			t.Errorf("%q: UTF-16 units [%d:%d] spell %q, span says %q", text, sp.Value.Start, sp.Value.End, b.String(), sp.Value.Text)
		}
		return
	}
	t.Fatal("no dev sentence with emoji and an entity")
}

// arrayStream generates a JSON array of n tasks without holding it in memory.
type arrayStream struct {
	n, i int
	buf  []byte
}

func (s *arrayStream) Read(p []byte) (int, error) {
	for len(s.buf) == 0 {
		switch {
		case s.i == 0:
			s.buf = []byte("[\n")
		case s.i <= s.n:
			s.buf = fmt.Appendf(nil, "  {\"data\": {\"text\": \"task %d %s\"},\n   \"annotations\": [{\"result\": []}]}", s.i, strings.Repeat("x", 100))
			if s.i < s.n {
				s.buf = append(s.buf, ",\n"...)
			}
		case s.i == s.n+1:
			s.buf = []byte("\n]\n")
		default:
			return 0, io.EOF
		}
		s.i++
	}
	n := copy(p, s.buf)
	s.buf = s.buf[n:]
	return n, nil
}

// TestJSONArrayFlatMemory streams a 30 MB array and checks that live memory stays small and lines are right.
func TestJSONArrayFlatMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	const n = 200_000
	r, _ := NewReader(JSON, &arrayStream{n: n}, Options{})
	var peak uint64
	var ms runtime.MemStats
	for i := 1; ; i++ {
		_, err := r.Next()
		if err == io.EOF {
			if i != n+1 {
				t.Fatalf("read %d tasks, want %d", i-1, n)
			}
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if i%50_000 == 0 {
			runtime.GC()
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapAlloc)
		}
	}
	if peak > 8<<20 {
		t.Errorf("live heap reached %d bytes reading a streamed array; want under 8 MiB", peak)
	}
	// A bad element is reported at the line where it starts, and skipped.
	bad := &arrayStream{n: 3}
	in, _ := io.ReadAll(bad)
	in = []byte(strings.Replace(string(in), `"annotations": [{"result": []}]`, `"annotations": 5`, 1))
	r, _ = NewReader(JSON, strings.NewReader(string(in)), Options{})
	if _, err := r.Next(); err == nil || !strings.HasPrefix(err.Error(), "line 2, record 1: annotations") {
		t.Errorf("error %v, want line 2, record 1: annotations…", err)
	}
	if task, err := r.Next(); err != nil || !strings.HasPrefix(task.Data["text"].(string), "task 2") {
		t.Errorf("after a bad element got %v, %v; want task 2", task.Data, err)
	}
}
