package ml

import (
	"bufio"
	"compress/gzip"
	"image"
	"os"
	"strconv"
	"strings"
	"testing"

	"concord/internal/fixture"
)

// loadSMS reads the SMS Spam Collection (label TAB text, no header, no
// quoting) and drops repeated texts, keeping the first occurrence.
func loadSMS(t testing.TB) []TextExample {
	t.Helper()
	f, err := os.Open(fixture.Path(t, "text/sms_spam.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	seen := map[string]bool{}
	var out []TextExample
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		label, text, ok := strings.Cut(sc.Text(), "\t")
		if !ok || seen[text] {
			continue
		}
		seen[text] = true
		out = append(out, TextExample{Text: text, Labels: []string{label}})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// smsSplit is the documented SMS split: dedupe, then Split(n, 0.2, seed 1).
func smsSplit(t testing.TB) (train, test []TextExample) {
	all := loadSMS(t)
	tr, te := Split(len(all), 0.2, 1)
	for _, i := range tr {
		train = append(train, all[i])
	}
	for _, i := range te {
		test = append(test, all[i])
	}
	return train, test
}

// loadCoNLL reads a token<TAB>tag BIO file (whitespace-only lines separate
// sentences) and returns each sentence as a SpanExample whose text is the
// tokens joined by single spaces, with entity spans in UTF-16 offsets.
func loadCoNLL(t testing.TB, rel string) []SpanExample {
	t.Helper()
	f, err := os.Open(fixture.Path(t, rel))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []SpanExample
	var b strings.Builder
	var spans []Span
	pos := 0
	flush := func() {
		if b.Len() > 0 {
			out = append(out, SpanExample{Text: b.String(), Spans: spans})
		}
		b.Reset()
		spans, pos = nil, 0
	}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.TrimSpace(line) == "" {
			flush()
			continue
		}
		fields := strings.Fields(line)
		tok, tag := fields[0], fields[len(fields)-1]
		if b.Len() > 0 {
			b.WriteByte(' ')
			pos++
		}
		start := pos
		b.WriteString(tok)
		pos += UTF16Len(tok)
		switch {
		case strings.HasPrefix(tag, "B-"):
			spans = append(spans, Span{start, pos, tag[2:]})
		case strings.HasPrefix(tag, "I-") && len(spans) > 0 && spans[len(spans)-1].Label == tag[2:]:
			spans[len(spans)-1].End = pos
		case strings.HasPrefix(tag, "I-"):
			spans = append(spans, Span{start, pos, tag[2:]})
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	flush()
	return out
}

// loadMNIST reads an MNIST CSV (gzipped; label,p0..p783 with bytes 0–255) as
// 28×28 greyscale images, skipping the header row: testdata's
// mnist_2500.csv.gz for tests, the full mnist_10k.csv.gz for benchmarks.
func loadMNIST(t testing.TB, path string) []ImageExample {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	var out []ImageExample
	sc := bufio.NewScanner(zr)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		fields := strings.Split(sc.Text(), ",")
		if fields[0] == "label" {
			continue // header
		}
		if len(fields) != 785 {
			t.Fatalf("MNIST row with %d fields", len(fields))
		}
		img := image.NewGray(image.Rect(0, 0, 28, 28))
		for i, s := range fields[1:] {
			v, err := strconv.Atoi(s)
			if err != nil {
				t.Fatal(err)
			}
			img.Pix[i] = uint8(v)
		}
		out = append(out, ImageExample{Image: img, Label: fields[0]})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
