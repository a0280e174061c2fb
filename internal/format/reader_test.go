package format

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
)

func TestKindFromName(t *testing.T) {
	tests := []struct {
		name    string
		want    Kind
		wantErr string
	}{
		{"tasks.json", JSON, ""},
		{"dir/TASKS.JSONL", JSONL, ""},
		{"x.ndjson", JSONL, ""},
		{"a.csv", CSV, ""},
		{"sms_spam.tsv", TSV, ""},
		{"lines.txt", TXT, ""},
		{"wnut17_train.conll", CoNLL, ""},
		{"eng.conll2003", CoNLL, ""},
		{"x.bio", CoNLL, ""},
		{"photo.png", "", `unsupported file type ".png"`},
		{"README", "", "has no extension"},
	}
	for _, tt := range tests {
		got, err := KindFromName(tt.name)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("KindFromName(%q) error = %v, want it to contain %q", tt.name, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("KindFromName(%q) = %q, %v; want %q", tt.name, got, err, tt.want)
		}
	}
}

func TestParseKind(t *testing.T) {
	for _, s := range []string{"JSON", "json_min", "CONLL2003", "conll", "yolo", "AUDIO_CSV"} {
		if _, err := ParseKind(s); err != nil {
			t.Errorf("ParseKind(%q): %v", s, err)
		}
	}
	if _, err := ParseKind("XML"); err == nil {
		t.Error(`ParseKind("XML") succeeded`)
	}
}

// TestReaders runs every reader over small inputs, good and bad, and checks
// each outcome of Next in order: the task as JSON or the error.
func TestReaders(t *testing.T) {
	emoji := "Hi 😀 from\tO\nNew\tB-location\nYork\tI-location\n😂\tO\nBob\tB-person\n"
	tests := []struct {
		name string
		kind Kind
		opts Options
		in   string
		want []string
	}{
		{"json array of bare data", JSON, Options{}, `[{"text":"a","n":12345678901234567890},{"text":"b"}]`, []string{
			`{"data":{"n":12345678901234567890,"text":"a"}}`,
			`{"data":{"text":"b"}}`,
		}},
		{"json full tasks", JSON, Options{}, `[
 {"id": 7, "data": {"text": "x"}, "annotations": [{"id": 3, "completed_by": {"id": 1, "email": "a@b.c", "first_name": ""}, "result": [{"id":"r","type":"choices","value":{"choices":["pos"]}}], "lead_time": 2.5, "created_at": "2024-05-01T10:00:00.5Z"}],
  "predictions": [{"model_version": "v1", "score": 0.5, "result": []}], "meta": {}},
 {"data": {"text": "y"}, "annotations": [{"completed_by": 4, "result": [], "was_cancelled": true}]},
 {"data": "not an object", "annotations": 1}
]`, []string{
			`{"id":7,"data":{"text":"x"},"annotations":[{"id":3,"completed_by":{"id":1,"email":"a@b.c"},"result":[{"id":"r","type":"choices","value":{"choices":["pos"]}}],"lead_time":2.5,"created_at":"2024-05-01T10:00:00.5Z"}],"predictions":[{"model_version":"v1","score":0.5,"result":[]}]}`,
			`{"data":{"text":"y"},"annotations":[{"completed_by":4,"result":[],"was_cancelled":true}]}`,
			`{"data":{"annotations":1,"data":"not an object"}}`,
		}},
		{"json single object", JSON, Options{}, "\ufeff {\"text\": \"one\"}\n", []string{`{"data":{"text":"one"}}`}},
		{"json empty array", JSON, Options{}, " [ ] ", nil},
		{"json bad elements are skippable", JSON, Options{}, "[\n{\"text\":\"a\"},\n42,\n\"s\",\n{\"data\":{\"t\":1},\"annotations\":[{\"result\":[1]}]},\n{\"data\":{},\"id\":\"x\"},\n{\"text\":\"\xff\"},\n{\"text\":\"z\"}\n]", []string{
			`{"data":{"text":"a"}}`,
			`error: line 3, record 2: a task must be a JSON object, not a number`,
			`error: line 4, record 3: a task must be a JSON object, not a string`,
			`error: line 5, record 4: annotations[0]: result[0] must be an object, not a number`,
			`error: line 6, record 5: id: must be an integer, not a string`,
			`error: line 7, record 6: invalid UTF-8`,
			`{"data":{"text":"z"}}`,
		}},
		{"json syntax error is fatal", JSON, Options{}, "[\n  {\"text\": \"a\"},\n  {\"text\" \"b\"}\n]", []string{
			`{"data":{"text":"a"}}`,
			`error: line 3, record 2: invalid character '"' after object key (fatal)`,
		}},
		{"json truncated", JSON, Options{}, `[{"text": "a"}, {"te`, []string{
			`{"data":{"text":"a"}}`,
			`error: line 1, record 2: unexpected end of input (fatal)`,
		}},
		{"json missing bracket", JSON, Options{}, `[{"text": "a"}`, []string{
			`{"data":{"text":"a"}}`,
			`error: line 1, record 1: unexpected end of input (fatal)`,
		}},
		{"json trailing data", JSON, Options{}, `{"text": "a"} {"text": "b"}`, []string{
			`{"data":{"text":"a"}}`,
			`error: line 1, record 1: unexpected { after the end of the JSON value (fatal)`,
		}},
		{"json empty", JSON, Options{}, "  \n", []string{`error: line 2: empty input: expected a JSON array or object (fatal)`}},
		{"json scalar", JSON, Options{}, "\n\n 5", []string{`error: line 3: expected a JSON array or object, found '5' (fatal)`}},
		{"jsonl", JSONL, Options{}, "{\"text\":\"a\"}\r\n\n  \n{\"data\":{\"text\":\"b\"},\"id\":2}\n[1]\n{\"text\":\n{\"a\":1} x\n{\"text\":\"c\"}", []string{
			`{"data":{"text":"a"}}`,
			`{"id":2,"data":{"text":"b"}}`,
			`error: line 5, record 3: a task must be a JSON object, not an array`,
			`error: line 6, record 4: unexpected end of JSON input`,
			`error: line 7, record 5: invalid character 'x' after top-level value`,
			`{"data":{"text":"c"}}`,
		}},
		{"jsonl long line", JSONL, Options{MaxRecordBytes: 10}, "{\"t\":\"0123456789\"}\n{\"t\":1}\n", []string{
			`error: line 1, record 1: line longer than 10 bytes`,
			`{"data":{"t":1}}`,
		}},
		{"csv", CSV, Options{}, "\ufefftext,label\n\"Hello, \"\"you\"\"\",pos\n\nbye,neg,extra\n\"multi\nline\",neu\nbad \"quote,x\nlast,one\n", []string{
			`{"data":{"label":"pos","text":"Hello, \"you\""}}`,
			`error: line 4, record 2: 3 fields, want 2 (text, label)`,
			`{"data":{"label":"neu","text":"multi\nline"}}`,
			`error: line 7, record 4: bare " in non-quoted-field`,
			`{"data":{"label":"one","text":"last"}}`,
		}},
		{"csv lazy quotes", CSV, Options{LazyQuotes: true}, "a\nbad \"quote\n", []string{`{"data":{"a":"bad \"quote"}}`}},
		{"csv duplicate header", CSV, Options{}, "a,a\n1,2\n", []string{`error: line 1: header: columns 1 and 2 are both named "a" (fatal)`}},
		{"csv invalid utf-8", CSV, Options{}, "a\n\xfe\nok\n", []string{`error: line 2, record 1: column "a": invalid UTF-8`, `{"data":{"a":"ok"}}`}},
		{"tsv keeps quotes", TSV, Options{}, "label\ttext\nham\t\"quoted\" and \"bare\n\nspam\t&lt;3\r\nx\n", []string{
			`{"data":{"label":"ham","text":"\"quoted\" and \"bare"}}`,
			`{"data":{"label":"spam","text":"&lt;3"}}`,
			`error: line 5, record 3: 1 fields, want 2 (label, text)`,
		}},
		{"tsv without header", TSV, Options{Columns: []string{"label", "text"}}, "ham\thi\nspam\t\n", []string{
			`{"data":{"label":"ham","text":"hi"}}`,
			`{"data":{"label":"spam","text":""}}`,
		}},
		{"txt", TXT, Options{}, "\ufeffone\r\n\n   \n two \n\xc3\x28\nthree", []string{
			`{"data":{"text":"one"}}`,
			`{"data":{"text":" two "}}`,
			`error: line 5, record 3: invalid UTF-8`,
			`{"data":{"text":"three"}}`,
		}},
		{"conll iob2 with emoji", CoNLL, Options{}, "-DOCSTART- -X- -X- O\n\n" + emoji + "\t\n", []string{
			`{"data":{"text":"Hi 😀 from New York 😂 Bob"},"annotations":[{"result":[{"id":"1-1","from_name":"label","to_name":"text","type":"labels","value":{"start":11,"end":19,"text":"New York","labels":["location"]}},{"id":"1-2","from_name":"label","to_name":"text","type":"labels","value":{"start":23,"end":26,"text":"Bob","labels":["person"]}}]}]}`,
		}},
		{"conll iob1, bioes, io, spaces", CoNLL, Options{FromName: "ner", ToName: "tweet"}, "EU NNP I-ORG\nrejects VBZ O\nGerman JJ I-MISC\nBritish JJ B-MISC\n\nA S-X\nB B-Y\nC E-Y\nD I-Y\nE PER\nF PER\n \nonly\tO\n", []string{
			`{"data":{"text":"EU rejects German British"},"annotations":[{"result":[{"id":"1-1","from_name":"ner","to_name":"tweet","type":"labels","value":{"start":0,"end":2,"text":"EU","labels":["ORG"]}},{"id":"1-2","from_name":"ner","to_name":"tweet","type":"labels","value":{"start":11,"end":17,"text":"German","labels":["MISC"]}},{"id":"1-3","from_name":"ner","to_name":"tweet","type":"labels","value":{"start":18,"end":25,"text":"British","labels":["MISC"]}}]}]}`,
			`{"data":{"text":"A B C D E F"},"annotations":[{"result":[{"id":"2-1","from_name":"ner","to_name":"tweet","type":"labels","value":{"start":0,"end":1,"text":"A","labels":["X"]}},{"id":"2-2","from_name":"ner","to_name":"tweet","type":"labels","value":{"start":2,"end":5,"text":"B C","labels":["Y"]}},{"id":"2-3","from_name":"ner","to_name":"tweet","type":"labels","value":{"start":6,"end":7,"text":"D","labels":["Y"]}},{"id":"2-4","from_name":"ner","to_name":"tweet","type":"labels","value":{"start":8,"end":11,"text":"E F","labels":["PER"]}}]}]}`,
			`{"data":{"text":"only"},"annotations":[{"result":[]}]}`,
		}},
		{"conll bad lines spoil their sentence only", CoNLL, Options{}, "a\tO\nlonely\nb\tO\n\nc\tB-\n\n\xff\tO\n\nd\tX-Y\n\ne\tO\n", []string{
			`error: line 2, record 1: one column "lonely": want a token and a tag separated by a tab or spaces`,
			`error: line 5, record 2: tag "B-" has no entity type`,
			`error: line 7, record 3: invalid UTF-8`,
			`error: line 9, record 4: tag "X-Y": prefix must be one of B- I- E- S- L- U-`,
			`{"data":{"text":"e"},"annotations":[{"result":[]}]}`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := readAll(mustReader(t, tt.kind, tt.in, tt.opts), 100)
			if diff := sliceDiff(tt.want, got); diff != "" {
				t.Errorf("outcomes differ (-want +got):\n%s", diff)
			}
		})
	}
}

// TestReaderLines checks the line each reader gives its tasks: where the
// record starts, counting blank lines, lines inside multi-line records and
// lines that hold no record.
func TestReaderLines(t *testing.T) {
	tests := []struct {
		name string
		kind Kind
		opts Options
		in   string
		want []string // per outcome: "line:text" for a task, "error line L" for an error
	}{
		{"json array", JSON, Options{}, "[\n\n  {\"text\": \"a\"},\n  {\n    \"data\": {\"text\": \"b\"}\n  },\r\n\n\n  42,\n  {\"text\":\n \"c\"}, {\"text\": \"d\"}\n]\n", []string{
			"3:a", "4:b", "error line 9", "10:c", "11:d",
		}},
		{"json array on one line", JSON, Options{}, `[{"text":"a"},{"text":"b"}]`, []string{"1:a", "1:b"}},
		{"json single object", JSON, Options{}, "\ufeff\n\r\n  {\n\"text\": \"one\"}\n", []string{"3:one"}},
		{"jsonl", JSONL, Options{}, "\n{\"text\":\"a\"}\r\n\n  \n{\"text\":\"b\"}\nbad\n{\"text\":\"c\"}", []string{
			"2:a", "5:b", "error line 6", "7:c",
		}},
		{"csv", CSV, Options{}, "\ufefftext,label\n\n\"multi\nline\",a\nplain,b\n\"x\"\"y\n\nz\",c\n\nbad\nlast,\"d\n\"\nend,e", []string{
			"3:multi\nline", "5:plain", "6:x\"y\n\nz", "error line 10", "11:last", "13:end",
		}},
		{"csv without header", CSV, Options{Columns: []string{"text"}}, "\none\r\n\r\ntwo\n", []string{"2:one", "4:two"}},
		{"tsv", TSV, Options{}, "\n\nlabel\ttext\n\nham\thi\r\n \nbad\nspam\tyo", []string{
			"5:hi", "error line 7", "8:yo",
		}},
		{"tsv without header", TSV, Options{Columns: []string{"label", "text"}}, "ham\thi\n\nspam\tyo\n", []string{"1:hi", "3:yo"}},
		{"txt", TXT, Options{}, "\ufeffone\r\n\n   \n two \n\xff\n\nthree", []string{
			"1:one", "4: two ", "error line 5", "7:three",
		}},
		{"conll", CoNLL, Options{}, "\n-DOCSTART- -X- -X- O\n\nA\tO\nB\tO\n\n\n\n-DOCSTART- -X- -X- O\n\n\nC\tB-X\n \t\nD O\n-DOCSTART- -X- -X- O\nE O\n\n-DOCSTART- -X- -X- O\nF O\n\nlonely\nG O\n\n\nH O", []string{
			"4:A B", "12:C", "14:D E", "19:F", "error line 21", "25:H",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := mustReader(t, tt.kind, tt.in, tt.opts)
			var got []string
			for len(got) < 100 {
				task, err := r.Next()
				if errors.Is(err, io.EOF) {
					break
				}
				var re *RecordError
				switch {
				case errors.As(err, &re) && !re.Fatal:
					got = append(got, fmt.Sprintf("error line %d", re.Line))
					continue
				case err != nil:
					t.Fatal(err)
				}
				got = append(got, fmt.Sprintf("%d:%s", task.Line, task.Data[tt.opts.textKey()]))
			}
			if diff := sliceDiff(tt.want, got); diff != "" {
				t.Errorf("lines differ (-want +got):\n%s", diff)
			}
		})
	}
}

func TestNewReaderRefusesWriteOnlyKinds(t *testing.T) {
	for _, k := range []Kind{COCO, YOLO, VOC, JSONMin, Kind("XML")} {
		if _, err := NewReader(k, strings.NewReader(""), Options{}); err == nil {
			t.Errorf("NewReader(%s) succeeded", k)
		}
	}
	if _, err := NewReader(TSV, strings.NewReader(""), Options{Columns: []string{"a", ""}}); err == nil {
		t.Error("NewReader(TSV) accepted an empty column name")
	}
}

func TestUTF16Slice(t *testing.T) {
	s := "a😀b é"
	tests := []struct {
		start, end int
		want       string
		ok         bool
	}{
		{0, 1, "a", true}, {1, 3, "😀", true}, {3, 4, "b", true}, {5, 6, "é", true},
		{0, 6, s, true}, {6, 6, "", true}, {2, 3, "", false}, {0, 7, "", false}, {3, 2, "", false},
	}
	if n := utf16Len(s); n != 6 {
		t.Fatalf("utf16Len(%q) = %d, want 6", s, n)
	}
	for _, tt := range tests {
		got, ok := utf16Slice(s, tt.start, tt.end)
		if got != tt.want || ok != tt.ok {
			t.Errorf("utf16Slice(%q, %d, %d) = %q, %v; want %q, %v", s, tt.start, tt.end, got, ok, tt.want, tt.ok)
		}
	}
}
