package ingest_test

import (
	"archive/zip"
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"concord/internal/fixture"
	"concord/internal/ingest"
	"concord/internal/media"
	"concord/internal/store"
	"concord/internal/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

type env struct {
	t   *testing.T
	st  *store.Store
	im  *ingest.Importer
	usr store.User
}

func newEnv(t *testing.T) *env {
	st := storetest.New(t)
	blobs, err := media.NewDiskStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	u, err := st.CreateUser(context.Background(), "m@x.org", "", "h", store.RoleManager)
	if err != nil {
		t.Fatal(err)
	}
	return &env{t: t, st: st, im: &ingest.Importer{Store: st, Blobs: blobs}, usr: u}
}

func (e *env) project(config string) store.Project {
	p, err := e.st.CreateProject(context.Background(), store.ProjectFields{Title: "p", LabelConfig: config, MaximumAnnotations: 1, Sampling: "sequential"}, e.usr.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	return p
}

// file writes content to a temporary file named name.
func (e *env) file(name, content string) ingest.File {
	p := filepath.Join(e.t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		e.t.Fatal(err)
	}
	return ingest.File{Name: name, Path: p, Size: int64(len(content))}
}

func onDisk(t *testing.T, path string) ingest.File {
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return ingest.File{Name: filepath.Base(path), Path: path, Size: fi.Size()}
}

func (e *env) count(table string, projectID int64) int64 {
	var n int64
	if err := e.st.Pool.QueryRow(context.Background(), `SELECT count(*) FROM `+table+` WHERE project_id = $1`, projectID).Scan(&n); err != nil {
		e.t.Fatal(err)
	}
	return n
}

const classConfig = `<View><Text name="text" value="$text"/>
<Choices name="label" toName="text"><Choice value="ham"/><Choice value="spam"/></Choices></View>`

// TestSMS imports the SMS Spam Collection as labeled tasks (JSONL with
// annotations) and as plain data (TSV with a header), counting duplicates.
func TestSMS(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	raw, err := os.ReadFile(fixture.Path(t, "text/sms_spam.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimRight(string(raw), "\n"), "\n")
	var jsonl strings.Builder
	distinctTexts := map[string]bool{}
	distinctRows := map[string]bool{}
	for _, l := range lines {
		label, text, _ := strings.Cut(l, "\t")
		distinctTexts[text] = true
		distinctRows[l] = true
		fmt.Fprintf(&jsonl, `{"data":{"text":%q},"annotations":[{"completed_by":{"email":"m@x.org"},"result":[{"from_name":"label","to_name":"text","type":"choices","value":{"choices":[%q]}}]}]}`+"\n", text, label)
	}
	p := e.project(classConfig)
	rep, err := e.im.Run(context.Background(), p, []ingest.File{e.file("sms.jsonl", jsonl.String())}, ingest.Options{UserID: e.usr.ID})
	if err != nil {
		t.Fatal(err)
	}
	if rep.TasksCreated != int64(len(distinctTexts)) || rep.Duplicates != int64(len(lines)-len(distinctTexts)) || rep.Annotations != rep.TasksCreated {
		t.Fatalf("SMS JSONL: %+v; want %d tasks, %d duplicates, one annotation each", rep, len(distinctTexts), len(lines)-len(distinctTexts))
	}
	if got := e.count("tasks", p.ID); got != rep.TasksCreated {
		t.Fatalf("%d tasks stored, report says %d", got, rep.TasksCreated)
	}
	var spam int64
	e.st.Pool.QueryRow(context.Background(), `SELECT count(*) FROM annotations WHERE project_id = $1 AND completed_by = $2 AND result @> '[{"value":{"choices":["spam"]}}]'`, p.ID, e.usr.ID).Scan(&spam)
	if spam < 600 || spam > 747 {
		t.Fatalf("%d spam annotations attributed to m@x.org", spam)
	}

	// The same rows as TSV with a header: the label is a data column here.
	p2 := e.project(classConfig)
	rep, err = e.im.Run(context.Background(), p2, []ingest.File{e.file("sms.tsv", "label\ttext\n"+string(raw))}, ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.TasksCreated != int64(len(distinctRows)) || rep.TasksCreated+rep.Duplicates != int64(len(lines)) {
		t.Fatalf("SMS TSV: %+v; want %d tasks", rep, len(distinctRows))
	}
	// Importing it again creates nothing.
	rep, err = e.im.Run(context.Background(), p2, []ingest.File{e.file("sms.tsv", "label\ttext\n"+string(raw))}, ingest.Options{})
	if err != nil || rep.TasksCreated != 0 || rep.Duplicates != int64(len(lines)) {
		t.Fatalf("second import: %+v %v", rep, err)
	}
}

const nerConfig = `<View><Labels name="label" toName="text">
<Label value="person"/><Label value="location"/><Label value="group"/>
<Label value="creative-work"/><Label value="corporation"/><Label value="product"/></Labels>
<Text name="text" value="$text"/></View>`

// TestWNUT imports WNUT-17 train (CoNLL) into an NER project: every sentence a
// task, its entities an annotation whose offsets match the text.
func TestWNUT(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p := e.project(nerConfig)
	rep, err := e.im.Run(context.Background(), p, []ingest.File{onDisk(t, fixture.Path(t, "ner/wnut17_train.conll"))}, ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	distinct := distinctSentences(t, fixture.Path(t, "ner/wnut17_train.conll"))
	if rep.TasksCreated+rep.Duplicates != 3394 || rep.TasksCreated != int64(distinct) || rep.Annotations != rep.TasksCreated {
		t.Fatalf("WNUT-17 train: %+v; want 3,394 sentences of which %d distinct, one annotation each", rep, distinct)
	}
	// Every stored span's text is the UTF-16 slice of the task text (checked in SQL on code points: the data is ASCII-safe here? no — checked in Go).
	rows, err := e.st.Pool.Query(context.Background(), `
		SELECT t.data->>'text', r->'value'->>'text', (r->'value'->>'start')::int, (r->'value'->>'end')::int
		FROM annotations a JOIN tasks t ON t.id = a.task_id, jsonb_array_elements(a.result) r
		WHERE a.project_id = $1`, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	spans := 0
	for rows.Next() {
		var text, span string
		var start, end int
		rows.Scan(&text, &span, &start, &end)
		if got := utf16Slice(text, start, end); got != span {
			t.Fatalf("span [%d,%d) of %q is %q, stored %q", start, end, text, got, span)
		}
		spans++
	}
	if spans < 1500 {
		t.Fatalf("only %d entity spans stored", spans)
	}
}

// distinctSentences counts the distinct sentences (tokens joined by spaces) of a CoNLL file.
func distinctSentences(t *testing.T, path string) int {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	seen := map[string]bool{}
	var toks []string
	flush := func() {
		if len(toks) > 0 {
			seen[strings.Join(toks, " ")] = true
			toks = nil
		}
	}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) == 0 {
			flush()
			continue
		}
		toks = append(toks, fields[0])
	}
	flush()
	return len(seen)
}

func utf16Slice(s string, start, end int) string {
	var u []uint16
	for _, r := range s {
		if r >= 0x10000 {
			r -= 0x10000
			u = append(u, uint16(0xD800+(r>>10)), uint16(0xDC00+(r&0x3FF)))
		} else {
			u = append(u, uint16(r))
		}
	}
	if start < 0 || end > len(u) || start > end {
		return "<out of range>"
	}
	var b strings.Builder
	for i := start; i < end; i++ {
		c := rune(u[i])
		if c >= 0xD800 && c < 0xDC00 && i+1 < end {
			c = (c-0xD800)<<10 + (rune(u[i+1]) - 0xDC00) + 0x10000
			i++
		}
		b.WriteRune(c)
	}
	return b.String()
}

// TestMNISTZip imports the 1,000 MNIST PNGs in one zip into an image project.
func TestMNISTZip(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p := e.project(`<View><Image name="image" value="$image"/><Choices name="digit" toName="image">` +
		`<Choice value="0"/><Choice value="1"/><Choice value="2"/><Choice value="3"/><Choice value="4"/>` +
		`<Choice value="5"/><Choice value="6"/><Choice value="7"/><Choice value="8"/><Choice value="9"/></Choices></View>`)
	zipPath := filepath.Join(t.TempDir(), "mnist.zip")
	zf, _ := os.Create(zipPath)
	zw := zip.NewWriter(zf)
	pngs := fixture.Glob(t, "image/mnist_png/*.png")
	for _, f := range pngs {
		w, _ := zw.Create("mnist/" + filepath.Base(f))
		b, _ := os.ReadFile(f)
		w.Write(b)
	}
	zw.Close()
	zf.Close()
	rep, err := e.im.Run(context.Background(), p, []ingest.File{onDisk(t, zipPath)}, ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(pngs) != 1000 || rep.TasksCreated+rep.Duplicates != 1000 || rep.TasksCreated < 990 {
		t.Fatalf("MNIST zip: %+v from %d files", rep, len(pngs))
	}
	var n28 int64
	e.st.Pool.QueryRow(context.Background(), `SELECT count(*) FROM media m JOIN project_media pm USING (hash) WHERE pm.project_id = $1 AND m.width = 28 AND m.height = 28 AND m.mime = 'image/png'`, p.ID).Scan(&n28)
	if n28 != rep.TasksCreated {
		t.Fatalf("%d media rows of 28×28 PNG, want %d", n28, rep.TasksCreated)
	}
}

// TestFSDD imports testdata's 180 spoken-digit WAVs one by one into an audio project.
func TestFSDD(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p := e.project(`<View><Audio name="audio" value="$audio"/><Choices name="digit" toName="audio"><Choice value="0"/><Choice value="1"/></Choices></View>`)
	wavs := fixture.Glob(t, "audio/fsdd/*.wav")
	files := make([]ingest.File, len(wavs))
	for i, w := range wavs {
		files[i] = onDisk(t, w)
	}
	rep, err := e.im.Run(context.Background(), p, files, ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(wavs) != 180 || rep.TasksCreated != 180 {
		t.Fatalf("FSDD: %+v from %d files", rep, len(wavs))
	}
	var minDur, maxDur float64
	var withPeaks int64
	e.st.Pool.QueryRow(context.Background(), `SELECT min(duration), max(duration), count(*) FILTER (WHERE jsonb_array_length(peaks->'peaks'->0) > 0)
		FROM media JOIN project_media USING (hash) WHERE project_id = $1`, p.ID).Scan(&minDur, &maxDur, &withPeaks)
	if minDur < 0.1 || maxDur > 2.5 || withPeaks != 180 {
		t.Fatalf("durations %.2f–%.2f s, %d with peaks", minDur, maxDur, withPeaks)
	}
}

// TestBadInput checks a bad record stops the import with its file and line and
// writes nothing, unless invalid records are to be skipped.
func TestBadInput(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p := e.project(classConfig)
	good := `{"text": "one"}` + "\n" + `{"text": "two"}` + "\n"
	tests := []struct {
		name    string
		file    ingest.File
		wantErr string
	}{
		{"malformed JSON line", e.file("a.jsonl", good+`{"text": "three"`+"\n"+`{"text": "four"}`+"\n"), "a.jsonl line 3"},
		{"missing data key", e.file("b.jsonl", good+`{"body": "no text key"}`+"\n"), `b.jsonl line 3: the task lacks the data key "text"`},
		{"unknown label", e.file("c.json", `[{"text":"x"},
 {"data": {"text": "y"}, "annotations": [{"result": [{"from_name": "label", "to_name": "text", "type": "choices", "value": {"choices": ["eggs"]}}]}]}]`), "c.json line 2: annotation 1:"},
		{"csv row of the wrong width", e.file("d.csv", "text,extra\nhello,1\nbroken\n"), "d.csv line 3"},
		{"unknown file type", e.file("e.xlsx", "PK..."), "e.xlsx: unsupported file type"},
		{"image in a text project", e.file("f.png", string(pngBytes(t))), "f.png: the project's label config has no <Image>"},
	}
	for _, tt := range tests {
		_, err := e.im.Run(context.Background(), p, []ingest.File{e.file("ok.jsonl", `{"text": "fine"}`+"\n"), tt.file}, ingest.Options{})
		var pr *ingest.Problem
		if !errors.As(err, &pr) || !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("%s: error %v, want a Problem containing %q", tt.name, err, tt.wantErr)
		}
		if n := e.count("tasks", p.ID); n != 0 {
			t.Fatalf("%s: %d tasks written by a refused import", tt.name, n)
		}
	}
	// Skipping invalid records imports the rest and lists what was skipped.
	rep, err := e.im.Run(context.Background(), p, []ingest.File{tests[0].file, tests[1].file, tests[4].file}, ingest.Options{SkipInvalid: true})
	if err != nil {
		t.Fatal(err)
	}
	if rep.TasksCreated != 3 || rep.Duplicates != 2 || rep.SkippedCount != 3 || len(rep.Skipped) != 3 {
		t.Fatalf("skip_invalid: %+v; want one, two, four created, two duplicates, three skipped", rep)
	}
	if rep.Skipped[0].File != "a.jsonl" || rep.Skipped[0].Line != 3 {
		t.Errorf("first skipped record: %+v", rep.Skipped[0])
	}
}

// TestMediaRefusals checks renamed files and unsafe zips are refused.
func TestMediaRefusals(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p := e.project(`<View><Image name="image" value="$image"/><Choices name="c" toName="image"><Choice value="a"/></Choices></View>`)
	wav, _ := os.ReadFile(fixture.Path(t, "audio/fsdd/0_george_5.wav"))
	html := e.file("cat.png", "<html><script>alert(1)</script></html>")
	slip := filepath.Join(t.TempDir(), "slip.zip")
	zf, _ := os.Create(slip)
	zw := zip.NewWriter(zf)
	w, _ := zw.Create("../../etc/evil.png")
	w.Write(pngBytes(t))
	zw.Close()
	zf.Close()
	for _, f := range []ingest.File{e.file("sound.png", string(wav)), html, onDisk(t, slip)} {
		_, err := e.im.Run(context.Background(), p, []ingest.File{f}, ingest.Options{})
		if err == nil {
			t.Errorf("%s was imported", f.Name)
		} else if !strings.Contains(err.Error(), f.Name) {
			t.Errorf("%s: error %q does not name the file", f.Name, err)
		}
	}
	if n := e.count("tasks", p.ID); n != 0 {
		t.Fatalf("%d tasks from refused files", n)
	}
}

func pngBytes(t *testing.T) []byte {
	b, err := os.ReadFile(fixture.Path(t, "image/mnist_png/0_0000.png"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestConcurrentImportsSmallPool runs more imports at once than the pool has
// connections, each long enough for several COPY batches with annotations to
// link: an import uses one connection only, so none waits for another's, and
// each ends with its tasks and their annotations linked to the right ids.
func TestConcurrentImportsSmallPool(t *testing.T) {
	e := newEnv(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	st, err := store.Open(ctx, storetest.URLOf(e.st)+"&pool_max_conns=2")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	im := &ingest.Importer{Store: st, Blobs: e.im.Blobs}
	const imports, n = 4, 12_000 // two COPY batches each (5,000 ids, then 10,000)
	errs := make(chan error, imports)
	projects := make([]store.Project, imports)
	for i := range imports {
		projects[i] = e.project(classConfig)
		var b strings.Builder
		for j := range n {
			fmt.Fprintf(&b, `{"data":{"text":"import %d task %d"},"annotations":[{"result":[{"from_name":"label","to_name":"text","type":"choices","value":{"choices":["%s"]}}]}]}`+"\n", i, j, []string{"ham", "spam"}[j%2])
		}
		f := e.file(fmt.Sprintf("import%d.jsonl", i), b.String())
		go func() {
			_, err := im.Run(ctx, projects[i], []ingest.File{f}, ingest.Options{UserID: e.usr.ID})
			errs <- err
		}()
	}
	for range imports {
		if err := <-errs; err != nil {
			t.Fatalf("import: %v (a deadline here means imports starved the pool)", err)
		}
	}
	for i, p := range projects {
		if got := e.count("tasks", p.ID); got != n {
			t.Errorf("import %d: %d tasks, want %d", i, got, n)
		}
		// Each annotation sits on its own task: the text's number picks the label.
		var wrong int
		e.st.Pool.QueryRow(ctx, `SELECT count(*) FROM annotations a JOIN tasks t ON t.id = a.task_id
			WHERE a.project_id = $1 AND (split_part(t.data->>'text', ' ', 4)::int % 2 = 0) <> (a.result->0->'value'->'choices'->>0 = 'ham')`, p.ID).Scan(&wrong)
		if got := e.count("annotations", p.ID); got != n || wrong != 0 {
			t.Errorf("import %d: %d annotations, %d on the wrong task", i, got, wrong)
		}
	}
}

// panickyBlobs is a blob store whose Put panics, as a bug on the media path would.
type panickyBlobs struct{ media.Blobs }

func (panickyBlobs) Put(context.Context, io.Reader) (media.Blob, error) {
	panic("a bug in the blob store")
}

// TestImportPanicIsAnError checks a panic while the files are read (in the
// producer's goroutine, where no HTTP middleware would catch it) ends the
// import with an error and nothing imported, instead of ending the process.
func TestImportPanicIsAnError(t *testing.T) {
	e := newEnv(t)
	p := e.project(`<View><Image name="image" value="$image"/><Choices name="c" toName="image"><Choice value="a"/></Choices></View>`)
	im := &ingest.Importer{Store: e.st, Blobs: panickyBlobs{e.im.Blobs}}
	files := []ingest.File{e.file("tasks.jsonl", `{"image": "https://example.org/a.png"}`+"\n"), e.file("b.png", string(pngBytes(t)))}
	_, err := im.Run(context.Background(), p, files, ingest.Options{UserID: e.usr.ID})
	if err == nil || !strings.Contains(err.Error(), "internal error: a bug in the blob store") {
		t.Fatalf("import: %v, want the panic as an error", err)
	}
	if n := e.count("tasks", p.ID); n != 0 {
		t.Errorf("%d tasks imported, want none", n)
	}
}
