package format

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"concord/internal/fixture"
)

// write writes tasks with a writer of kind and returns the output.
func write(t *testing.T, kind Kind, opts Options, tasks []Task) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := NewWriter(kind, &buf, opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, task := range tasks {
		if err := w.Write(task); err != nil {
			t.Fatalf("%s: Write: %v", kind, err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatalf("%s: Close: %v", kind, err)
	}
	if err := w.Write(Task{}); err == nil {
		t.Errorf("%s: Write after Close succeeded", kind)
	}
	return buf.Bytes()
}

// unzip renders a zip's members as text, in order.
func unzip(t *testing.T, b []byte) (map[string]string, []byte) {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{}
	var dump bytes.Buffer
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(rc)
		rc.Close()
		files[f.Name] = string(body)
		fmt.Fprintf(&dump, "== %s\n%s", f.Name, body)
	}
	return files, dump.Bytes()
}

func raw(s string) json.RawMessage { return json.RawMessage(s) }

// sampleTasks covers every kind of result the writers export.
func sampleTasks() []Task {
	when := time.Date(2025, 3, 1, 12, 30, 0, 0, time.UTC)
	score := 0.75
	return []Task{
		{ID: 1, Data: map[string]any{"text": "Call 😀 New York now, \"free\""},
			Annotations: []Annotation{{ID: 10, CompletedBy: &User{ID: 3, Email: "ann@example.org"}, LeadTime: 4.5, CreatedAt: &when, Result: []json.RawMessage{
				raw(`{"id":"c1","from_name":"sentiment","to_name":"text","type":"choices","value":{"choices":["spam"]}}`),
				raw(`{"id":"s1","from_name":"label","to_name":"text","type":"labels","value":{"start":8,"end":16,"text":"New York","labels":["location"]}}`),
			}}, {ID: 11, WasCancelled: true, Result: []json.RawMessage{}}},
			Predictions: []Prediction{{ModelVersion: "v1", Score: &score, Result: []json.RawMessage{
				raw(`{"id":"p","from_name":"sentiment","to_name":"text","type":"choices","value":{"choices":["ham"]}}`)}}}},
		{ID: 2, Data: map[string]any{"text": "two\tlines\nhere", "n": json.Number("7")},
			Annotations: []Annotation{{ID: 12, CompletedBy: &User{ID: 4}, Result: []json.RawMessage{
				raw(`{"id":"c2","from_name":"sentiment","to_name":"text","type":"choices","value":{"choices":["ham","other"]}}`)}}}},
		{ID: 3, Data: map[string]any{"text": "no labels"}},
	}
}

func imageTasks() []Task {
	box := func(id, label string, x, y, w, h, rot float64) json.RawMessage {
		return raw(fmt.Sprintf(`{"id":%q,"from_name":"box","to_name":"image","type":"rectanglelabels","original_width":28,"original_height":28,"value":{"x":%g,"y":%g,"width":%g,"height":%g,"rotation":%g,"rectanglelabels":[%q]}}`, id, x, y, w, h, rot, label))
	}
	return []Task{
		{ID: 1, Data: map[string]any{"image": "/data/upload/mnist_png/0_1.png?x=1"}, Annotations: []Annotation{{Result: []json.RawMessage{
			box("a", "digit", 25, 25, 50, 50, 0), box("b", "stroke", 50, 10, 20, 10, 90)}}}},
		{ID: 2, Data: map[string]any{"image": "s3://bucket/1_5.png"}, Annotations: []Annotation{{Result: []json.RawMessage{
			box("c", "digit", 10, 10, 80, 90, 0)}}}},
		{ID: 3, Data: map[string]any{"image": "https://x/y/1_5.png"}}, // same name, no boxes: a negative
	}
}

func audioTasks() []Task {
	return []Task{
		{ID: 1, Data: map[string]any{"audio": "/media/0_jackson_0.wav"}, Annotations: []Annotation{{Result: []json.RawMessage{
			raw(`{"id":"r1","from_name":"label","to_name":"audio","type":"labels","value":{"start":0.1,"end":0.45,"labels":["zero"]}}`),
			raw(`{"id":"r1","from_name":"transcription","to_name":"audio","type":"textarea","value":{"start":0.1,"end":0.45,"text":["zero, said \"he\""]}}`),
			raw(`{"id":"r2","from_name":"label","to_name":"audio","type":"labels","value":{"start":0.5,"end":0.6,"labels":["noise","breath"]}}`),
		}}}},
	}
}

// TestWritersGolden writes small tasks in every format and compares with golden files.
func TestWritersGolden(t *testing.T) {
	size28 := func(Task) (int, int, bool) { return 28, 28, true }
	img := Options{Categories: []string{"digit", "stroke"}, ImageSize: size28, OpenImage: func(t Task) ([]byte, error) { return []byte("PNG"), nil }}
	tests := []struct {
		kind  Kind
		opts  Options
		tasks []Task
		file  string
	}{
		{JSON, Options{}, sampleTasks(), "write.json"},
		{JSONMin, Options{}, sampleTasks(), "write_min.json"},
		{JSONL, Options{}, sampleTasks(), "write.jsonl"},
		{CSV, Options{Columns: []string{"text", "n"}, LabelColumns: []string{"sentiment", "label"}}, sampleTasks(), "write.csv"},
		{TSV, Options{Columns: []string{"text", "n"}, LabelColumns: []string{"sentiment", "label"}}, sampleTasks(), "write.tsv"},
		{CoNLL, Options{}, sampleTasks(), "write.conll"},
		{COCO, Options{ImageSize: size28}, imageTasks(), "write_coco.json"},
		{YOLO, img, imageTasks(), "write_yolo.zip.txt"},
		{VOC, img, imageTasks(), "write_voc.zip.txt"},
		{AudioJSONL, Options{}, audioTasks(), "write_audio.jsonl"},
		{AudioCSV, Options{}, audioTasks(), "write_audio.csv"},
	}
	for _, tt := range tests {
		t.Run(string(tt.kind), func(t *testing.T) {
			out := write(t, tt.kind, tt.opts, tt.tasks)
			if strings.HasSuffix(tt.file, ".zip.txt") {
				_, out = unzip(t, out)
			}
			if strings.HasSuffix(tt.file, ".json") && !json.Valid(out) {
				t.Errorf("output is not valid JSON:\n%s", out)
			}
			golden(t, tt.file, out)
		})
	}
}

func readBack(t *testing.T, kind Kind, b []byte, opts Options) []Task {
	t.Helper()
	r, err := NewReader(kind, bytes.NewReader(b), opts)
	if err != nil {
		t.Fatal(err)
	}
	return readTasks(t, r)
}

func smsTasks(t *testing.T, n int) []Task {
	r, err := NewReader(TSV, openData(t, "text/sms_spam.tsv"), Options{Columns: []string{"label", "text"}})
	if err != nil {
		t.Fatal(err)
	}
	var tasks []Task
	for i := 0; i < n; i++ {
		task, err := r.Next()
		if err != nil {
			t.Fatal(err)
		}
		label := task.Data["label"].(string)
		delete(task.Data, "label")
		task.ID = int64(i + 1)
		task.Annotations = []Annotation{{ID: int64(100 + i), CompletedBy: &User{ID: 1}, Result: []json.RawMessage{
			raw(fmt.Sprintf(`{"id":"c","from_name":"sentiment","to_name":"text","type":"choices","value":{"choices":[%q]}}`, label))}}}
		tasks = append(tasks, task)
	}
	return tasks
}

func smsLabel(task Task) string {
	var it resultItem
	json.Unmarshal(task.Annotations[0].Result[0], &it)
	return it.Value.Choices[0]
}

// TestRoundTrips writes real data in each format that has a reader, reads it back and compares the labels.
func TestRoundTrips(t *testing.T) {
	sms := smsTasks(t, 5574)
	wr, err := NewReader(CoNLL, openData(t, "ner/wnut17_train.conll"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	wnut := readTasks(t, wr)

	for _, kind := range []Kind{JSON, JSONL} {
		for name, tasks := range map[string][]Task{"sms": sms, "wnut": wnut, "sample": sampleTasks()} {
			got := readBack(t, kind, write(t, kind, Options{}, tasks), Options{})
			// The writers put one task per line, after "[" for JSON.
			first := map[Kind]int{JSON: 2, JSONL: 1}[kind]
			for i := range got {
				if got[i].Line != first+i {
					t.Errorf("%s %s round trip: task %d read from line %d, want %d", kind, name, i, got[i].Line, first+i)
					break
				}
			}
			// Line says where a task was read from, which differs between the source and the copy.
			if want, got := withoutLines(tasks), withoutLines(got); !reflect.DeepEqual(want, got) {
				i := firstDiff(want, got)
				t.Errorf("%s %s round trip: task %d differs:\nwant %s\ngot  %s", kind, name, i, outcome(want[i], nil), outcome(got[i], nil))
			}
		}
	}

	for _, kind := range []Kind{CSV, TSV} {
		// Raw: a round trip keeps every cell (neutralised formulas are TestFormulasNeutralised's).
		opts := Options{Columns: []string{"text"}, LabelColumns: []string{"sentiment"}, RawFormulas: true}
		got := readBack(t, kind, write(t, kind, opts, sms), Options{})
		if len(got) != len(sms) {
			t.Fatalf("%s: read back %d rows, want %d", kind, len(got), len(sms))
		}
		for i := range sms {
			want := map[string]any{"text": sms[i].Data["text"], "sentiment": smsLabel(sms[i])}
			if !reflect.DeepEqual(want, got[i].Data) {
				t.Errorf("%s row %d: %v, want %v", kind, i+1, got[i].Data, want)
				break
			}
		}
	}

	got := readBack(t, JSON, write(t, JSONMin, Options{}, sms), Options{})
	for i := range sms {
		if got[i].Data["sentiment"] != smsLabel(sms[i]) || got[i].Data["text"] != sms[i].Data["text"] || got[i].Data["id"] != json.Number(fmt.Sprint(i+1)) {
			t.Errorf("JSON_MIN record %d: %v", i+1, got[i].Data)
			break
		}
	}

	var cuts []CutSpan
	conll := write(t, CoNLL, Options{OnCutSpan: func(c CutSpan) { cuts = append(cuts, c) }}, wnut)
	back := readBack(t, CoNLL, conll, Options{})
	// The writer starts with a -DOCSTART- line and a blank one, then writes a
	// line per token and a blank line per sentence.
	for i, line := 0, 3; i < len(back); i++ {
		if back[i].Line != line {
			t.Errorf("CoNLL round trip: sentence %d read from line %d, want %d", i+1, back[i].Line, line)
			break
		}
		line += len(strings.Fields(back[i].Data["text"].(string))) + 1
	}
	if want, got := withoutLines(wnut), withoutLines(back); !reflect.DeepEqual(want, got) {
		i := firstDiff(want, got)
		t.Errorf("CoNLL round trip: sentence %d differs:\nwant %s\ngot  %s", i+1, outcome(want[i], nil), outcome(got[i], nil))
	}
	if len(cuts) != 0 {
		t.Errorf("WNUT-17 spans cut tokens: %v", cuts)
	}
	// The export keeps the file's own tags, token for token.
	orig, err := os.ReadFile(fixture.Path(t, "ner/wnut17_train.conll"))
	if err != nil {
		t.Fatal(err)
	}
	if a, b := tagColumn(string(orig)), tagColumn(string(conll)); !slices.Equal(a, b) {
		t.Errorf("CoNLL export changed tags: %d tags, want %d", len(b), len(a))
	}
}

func tagColumn(s string) []string {
	var tags []string
	for _, line := range strings.Split(s, "\n") {
		f := strings.Fields(line)
		if len(f) >= 2 && f[0] != "-DOCSTART-" {
			tags = append(tags, f[len(f)-1])
		}
	}
	return tags
}

// withoutLines returns a copy of tasks with Line cleared.
func withoutLines(tasks []Task) []Task {
	out := slices.Clone(tasks)
	for i := range out {
		out[i].Line = 0
	}
	return out
}

func firstDiff(a, b []Task) int {
	for i := range min(len(a), len(b)) {
		if !reflect.DeepEqual(a[i], b[i]) {
			return i
		}
	}
	return min(len(a), len(b)) - 1
}

// TestCoNLLWriterCuts checks spans that do not fall on token boundaries.
func TestCoNLLWriterCuts(t *testing.T) {
	task := Task{ID: 9, Data: map[string]any{"text": "😀 New-York  and Boston"}, Annotations: []Annotation{{Result: []json.RawMessage{
		raw(`{"id":"a","from_name":"label","to_name":"text","type":"labels","value":{"start":3,"end":6,"labels":["CITY"]}}`),   // "New" of "New-York"
		raw(`{"id":"b","from_name":"label","to_name":"text","type":"labels","value":{"start":17,"end":20,"labels":["CITY"]}}`), // "ost" of "Boston"
		raw(`{"id":"c","from_name":"label","to_name":"text","type":"labels","value":{"start":3,"end":16,"labels":["MISC"]}}`),  // overlaps a
		raw(`{"id":"d","from_name":"other","to_name":"text","type":"labels","value":{"start":0,"end":2,"labels":["EMOJI"]}}`),
	}}}}
	var cuts []CutSpan
	var buf bytes.Buffer
	w, _ := NewWriter(CoNLL, &buf, Options{FromName: "label", OnCutSpan: func(c CutSpan) { cuts = append(cuts, c) }})
	if err := w.Write(task); err != nil {
		t.Fatal(err)
	}
	w.Close()
	want := "-DOCSTART- -X- -X- O\n\n😀 -X- _ O\nNew-York -X- _ B-CITY\nand -X- _ B-MISC\nBoston -X- _ B-CITY\n\n"
	if buf.String() != want {
		t.Errorf("output:\n%s\nwant:\n%s", buf.String(), want)
	}
	wantCuts := []CutSpan{
		{9, 3, 6, "CITY", "cuts a token"},
		{9, 3, 16, "MISC", "overlaps another span"},
		{9, 17, 20, "CITY", "cuts a token"},
	}
	if !reflect.DeepEqual(cuts, wantCuts) {
		t.Errorf("cuts %v, want %v", cuts, wantCuts)
	}
	if n := w.(*conllWriter).Cuts(); n != 3 {
		t.Errorf("Cuts() = %d, want 3", n)
	}
}

// TestImageWriters checks the boxes of the COCO, YOLO and VOC exports against the percentages they came from.
func TestImageWriters(t *testing.T) {
	var coco struct {
		Annotations []cocoAnnotation
		Images      []cocoImage
		Categories  []cocoCategory
	}
	size := Options{ImageSize: func(Task) (int, int, bool) { return 28, 28, true }}
	if err := json.Unmarshal(write(t, COCO, size, imageTasks()), &coco); err != nil {
		t.Fatal(err)
	}
	// 25%..75% of 28 px; a 5.6×2.8 box at (14, 2.8) turned 90° clockwise about its top-left corner spans x 11.2..14, y 2.8..8.4.
	wantAnn := []cocoAnnotation{
		{0, 0, 0, [4]float64{7, 7, 14, 14}, 196, 0, []any{}},
		{1, 0, 1, [4]float64{11.2, 2.8, 2.8, 5.6}, 15.68, 0, []any{}},
		{2, 1, 0, [4]float64{2.8, 2.8, 22.4, 25.2}, 564.48, 0, []any{}},
	}
	if !reflect.DeepEqual(coco.Annotations, wantAnn) {
		t.Errorf("COCO annotations %+v, want %+v", coco.Annotations, wantAnn)
	}
	wantImg := []cocoImage{{0, "0_1.png", 28, 28}, {1, "1_5.png", 28, 28}, {2, "1_5.png", 28, 28}}
	wantCat := []cocoCategory{{0, "digit"}, {1, "stroke"}}
	if !reflect.DeepEqual(coco.Images, wantImg) || !reflect.DeepEqual(coco.Categories, wantCat) {
		t.Errorf("COCO images %+v categories %+v", coco.Images, coco.Categories)
	}

	files, _ := unzip(t, write(t, YOLO, size, imageTasks()))
	if files["classes.txt"] != "digit\nstroke\n" || files["labels/0_1.txt"] != "0 0.500000 0.500000 0.500000 0.500000\n1 0.450000 0.200000 0.100000 0.200000\n" ||
		files["labels/1_5.txt"] != "0 0.500000 0.550000 0.800000 0.900000\n" || files["labels/2_1_5.txt"] != "" {
		t.Errorf("YOLO files %q", files)
	}

	files, _ = unzip(t, write(t, VOC, size, imageTasks()))
	var voc vocAnnotation
	if err := xml.Unmarshal([]byte(files["Annotations/1_5.xml"]), &voc); err != nil {
		t.Fatal(err)
	}
	if want := (vocBox{3, 3, 25, 28}); len(voc.Objects) != 1 || voc.Objects[0].Box != want || voc.Size.Width != 28 {
		t.Errorf("VOC %+v, want one box %+v", voc, want)
	}
	voc = vocAnnotation{}
	if err := xml.Unmarshal([]byte(files["Annotations/0_1.xml"]), &voc); err != nil {
		t.Fatal(err)
	}
	if want := (vocBox{11, 3, 14, 8}); len(voc.Objects) != 2 || voc.Objects[1].Box != want || voc.Objects[1].Name != "stroke" {
		t.Errorf("VOC %+v, want a rotated box %+v", voc, want)
	}
}

// TestWriterErrors checks the writers refuse what they cannot export.
func TestWriterErrors(t *testing.T) {
	noSize := []Task{{ID: 4, Data: map[string]any{"image": "a.png"}, Annotations: []Annotation{{Result: []json.RawMessage{
		raw(`{"id":"a","from_name":"b","to_name":"i","type":"rectanglelabels","value":{"x":1,"y":1,"width":1,"height":1,"rectanglelabels":["cat"]}}`)}}}}}
	tests := []struct {
		kind Kind
		opts Options
		task Task
		want string
	}{
		{COCO, Options{}, noSize[0], "task 4: size of image \"a.png\" unknown"},
		{VOC, Options{}, noSize[0], "task 4: size of image \"a.png\" unknown"},
		{COCO, Options{Categories: []string{"dog"}, ImageSize: func(Task) (int, int, bool) { return 10, 10, true }}, noSize[0], `label "cat" is not in Options.Categories`},
		{YOLO, Options{Categories: []string{"dog"}}, noSize[0], `label "cat" is not in Options.Categories`},
		{JSONMin, Options{}, Task{ID: 5, Annotations: []Annotation{{Result: []json.RawMessage{raw(`{"id":1}`)}}}}, "task 5: result[0]: id: must be a string"},
	}
	for _, tt := range tests {
		w, err := NewWriter(tt.kind, io.Discard, tt.opts)
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Write(tt.task); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: Write error %v, want %q", tt.kind, err, tt.want)
		}
	}
	if _, err := NewWriter(CSV, io.Discard, Options{}); err == nil {
		t.Error("CSV writer without columns accepted")
	}
	if _, err := NewWriter(TXT, io.Discard, Options{}); err == nil {
		t.Error("TXT writer accepted")
	}
}

// TestAudioRoundTrip writes FSDD-style regions as CSV and JSONL and reads them back.
func TestAudioRoundTrip(t *testing.T) {
	f := openData(t, "audio/fsdd/labels.csv")
	r, _ := NewReader(CSV, f, Options{})
	var tasks []Task
	var want []map[string]any
	for _, row := range readTasks(t, r) {
		file := row.Data["file"].(string)
		tasks = append(tasks, Task{Data: map[string]any{"audio": "/media/" + file}, Annotations: []Annotation{{Result: []json.RawMessage{
			raw(fmt.Sprintf(`{"id":"r","from_name":"digit","to_name":"audio","type":"labels","value":{"start":0,"end":0.25,"labels":[%q]}}`, row.Data["digit"])),
			raw(fmt.Sprintf(`{"id":"r","from_name":"said","to_name":"audio","type":"textarea","value":{"start":0,"end":0.25,"text":[%q]}}`, row.Data["speaker"])),
		}}}})
		want = append(want, map[string]any{"file": file, "start": "0", "end": "0.25", "label": row.Data["digit"], "transcription": row.Data["speaker"]})
	}
	if len(tasks) != 180 {
		t.Fatalf("FSDD labels: %d rows, want 180", len(tasks))
	}
	csvRows := readBack(t, CSV, write(t, AudioCSV, Options{}, tasks), Options{})
	jsonRows := readBack(t, JSONL, write(t, AudioJSONL, Options{}, tasks), Options{})
	for i := range want {
		if !reflect.DeepEqual(csvRows[i].Data, want[i]) {
			t.Fatalf("CSV row %d: %v, want %v", i+1, csvRows[i].Data, want[i])
		}
		j := jsonRows[i].Data
		if j["file"] != want[i]["file"] || j["label"] != want[i]["label"] || j["end"] != json.Number("0.25") || j["transcription"] != want[i]["transcription"] {
			t.Fatalf("JSONL row %d: %v, want %v", i+1, j, want[i])
		}
	}
}

// TestAudioTranscriptionByRegionID writes transcriptions as Concord's workspace
// stores them, linked to their region by id without repeating start and end,
// beside Label Studio's form, an unlinked region's text and a task-wide text.
func TestAudioTranscriptionByRegionID(t *testing.T) {
	tasks := []Task{{ID: 1, Data: map[string]any{"audio": "3_theo_5.wav"}, Annotations: []Annotation{{Result: []json.RawMessage{
		raw(`{"id":"w1","from_name":"transcription","to_name":"audio","type":"textarea","value":{"text":["three"]}}`),
		raw(`{"id":"w1","from_name":"label","to_name":"audio","type":"labels","value":{"start":0.1,"end":0.4,"labels":["Speech"]}}`),
		raw(`{"id":"w2","from_name":"label","to_name":"audio","type":"labels","value":{"start":0.5,"end":0.6,"labels":["Noise"]}}`),
		raw(`{"id":"w3","from_name":"transcription","to_name":"audio","type":"textarea","value":{"start":0.7,"end":0.8,"text":["alone"]}}`),
		raw(`{"id":"all","from_name":"notes","to_name":"audio","type":"textarea","value":{"text":["a note on the whole file"]}}`),
	}}}}}
	want := "file,start,end,label,transcription\n" +
		"3_theo_5.wav,0.1,0.4,Speech,three\n" +
		"3_theo_5.wav,0.5,0.6,Noise,\n" +
		"3_theo_5.wav,0.7,0.8,,alone\n"
	if got := string(write(t, AudioCSV, Options{}, tasks)); got != want {
		t.Errorf("AUDIO_CSV:\n%s\nwant:\n%s", got, want)
	}
	lines := strings.Split(strings.TrimSpace(string(write(t, AudioJSONL, Options{}, tasks))), "\n")
	if len(lines) != 3 || lines[0] != `{"file":"3_theo_5.wav","start":0.1,"end":0.4,"label":"Speech","transcription":"three"}` {
		t.Errorf("AUDIO_JSONL:\n%s", strings.Join(lines, "\n"))
	}
}
