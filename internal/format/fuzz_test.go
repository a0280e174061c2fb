package format

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"testing"
	"unicode/utf8"
)

// fuzzReader reads data with a reader of kind and checks the invariants
// every reader keeps: no panic, progress on every call, only RecordErrors on
// bad input, fatal errors repeat, and tasks that survive a JSON round trip.
func fuzzReader(t *testing.T, kind Kind, data []byte, opts Options) {
	r, err := NewReader(kind, bytes.NewReader(data), opts)
	if err != nil {
		t.Fatal(err)
	}
	line := 0 // line of the last task
	for calls := 0; ; calls++ {
		if calls > len(data)+2 {
			t.Fatalf("%d calls to Next on %d bytes without io.EOF", calls, len(data))
		}
		task, err := r.Next()
		if errors.Is(err, io.EOF) {
			if _, err := r.Next(); !errors.Is(err, io.EOF) {
				t.Fatalf("Next after io.EOF = %v", err)
			}
			return
		}
		if err != nil {
			var re *RecordError
			if !errors.As(err, &re) {
				t.Fatalf("error %v (%T) is not a *RecordError", err, err)
			}
			if re.Msg == "" || re.Line < 0 || re.Record < 0 {
				t.Fatalf("bad RecordError %#v", re)
			}
			if re.Fatal {
				if _, err2 := r.Next(); err2 != err {
					t.Fatalf("after fatal %v, Next returned %v", err, err2)
				}
				return
			}
			continue
		}
		// Records follow each other, but JSON elements may share a line.
		if task.Line < 1 || task.Line < line || (task.Line == line && kind != JSON) {
			t.Fatalf("task on line %d after one on line %d", task.Line, line)
		}
		line = task.Line
		checkFuzzedTask(t, kind, task, opts)
	}
}

func checkFuzzedTask(t *testing.T, kind Kind, task Task, opts Options) {
	if task.Data == nil {
		t.Fatal("task without data")
	}
	for k, v := range task.Data {
		if s, ok := v.(string); ok && (!utf8.ValidString(s) || !utf8.ValidString(k)) {
			t.Fatalf("data %q: %q is not valid UTF-8", k, s)
		}
	}
	b, err := json.Marshal(task)
	if err != nil {
		t.Fatalf("marshal %#v: %v", task, err)
	}
	again, err := decodeTask(b)
	if err != nil {
		t.Fatalf("reading back %s: %v", b, err)
	}
	if b2, _ := json.Marshal(again); !bytes.Equal(b, b2) {
		t.Fatalf("round trip changed the task:\n%s\n%s", b, b2)
	}
	if kind == CoNLL {
		text := task.Data[opts.textKey()].(string)
		for _, raw := range task.Annotations[0].Result {
			var sp spanResult
			if err := json.Unmarshal(raw, &sp); err != nil {
				t.Fatal(err)
			}
			if got, ok := utf16Slice(text, sp.Value.Start, sp.Value.End); !ok || got != sp.Value.Text {
				t.Fatalf("span [%d,%d) of %q is %q, %v; want %q", sp.Value.Start, sp.Value.End, text, got, ok, sp.Value.Text)
			}
		}
	}
}

func FuzzReadJSON(f *testing.F) {
	f.Add([]byte(`[{"text":"a"},{"data":{"text":"b"},"annotations":[{"completed_by":{"id":1,"email":"a@b"},"result":[{"id":"x"}]}]}]`))
	f.Add([]byte(`{"data":{"n":1e5},"id":3,"predictions":[{"score":0.1,"result":[]}]}`))
	f.Add([]byte("[1,\"x\",{\"a\":\"\xff\"},{]"))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzReader(t, JSON, data, Options{}) })
}

func FuzzReadJSONL(f *testing.F) {
	f.Add([]byte("{\"text\":\"a\"}\n\n{\"data\":{\"t\":1},\"annotations\":[{\"result\":[],\"created_at\":\"2024-01-01T00:00:00Z\"}]}\r\n[1]\n"))
	f.Add([]byte("{\"completed_by\":\"x\"}\n{"))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzReader(t, JSONL, data, Options{MaxRecordBytes: 256}) })
}

func FuzzReadCSV(f *testing.F) {
	f.Add([]byte("text,label\n\"a, \"\"b\"\"\",pos\nc,neg,x\n\"multi\nline\",1\n"))
	f.Add([]byte("a,a\n1,2\n"))
	f.Add([]byte("\ufeffa\nbad \"quote\n\"open\n"))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzReader(t, CSV, data, Options{}) })
}

func FuzzReadTSV(f *testing.F) {
	f.Add([]byte("label\ttext\nham\t\"bare quote\nspam\t&lt;\r\nx\n"))
	f.Add([]byte("\t\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzReader(t, TSV, data, Options{MaxRecordBytes: 128})
		fuzzReader(t, TSV, data, Options{Columns: []string{"label", "text"}, MaxRecordBytes: 128})
	})
}

func FuzzReadTXT(f *testing.F) {
	f.Add([]byte("one\r\n\n  \ntwo\n\xff\n"))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzReader(t, TXT, data, Options{MaxRecordBytes: 64}) })
}

func FuzzReadCoNLL(f *testing.F) {
	f.Add([]byte("-DOCSTART- -X- -X- O\n\nHi\tO\n😀\tO\nNew\tB-location\nYork\tI-location\n\t\nEU NNP I-ORG\nx S-Y\ny E-Y\n \nlonely\n"))
	f.Add([]byte("a\tB-\n\nb\tX-Y\n\nc PER\nd PER\n"))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzReader(t, CoNLL, data, Options{MaxRecordBytes: 256}) })
}
