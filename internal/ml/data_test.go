package ml

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// sharedData returns the path of a file under ../shared/data (relative to
// the module root), skipping the test when the folder is absent.
func sharedData(t testing.TB, rel string) string {
	t.Helper()
	p := filepath.Join("..", "..", "..", "shared", "data", rel)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("shared data not found (%s): %v", p, err)
	}
	return p
}

// loadSMS reads the SMS Spam Collection (label TAB text, no header, no
// quoting) and drops repeated texts, keeping the first occurrence.
func loadSMS(t testing.TB) []TextExample {
	t.Helper()
	f, err := os.Open(sharedData(t, "text/sms_spam.tsv"))
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
