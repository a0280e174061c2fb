package ml

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"concord/internal/fixture"
)

// loadFSDD reads the Free Spoken Digit Dataset clips listed in dir's
// labels.csv and splits them by take: takes up to 7 train, takes 8–9 test
// (every speaker and digit in both). The tests read testdata's subset (takes
// 5, 6 and 8); only the benchmarks read the full set (takes 5–9, fixture.Shared).
func loadFSDD(t testing.TB, dir string) (train, test []AudioExample) {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, "labels.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows[1:] {
		samples, rate, err := readWAV(filepath.Join(dir, r[0]))
		if err != nil {
			t.Fatal(err)
		}
		take, err := strconv.Atoi(r[3])
		if err != nil {
			t.Fatal(err)
		}
		ex := AudioExample{Samples: samples, SampleRate: rate, Label: r[1]}
		if take <= 7 {
			train = append(train, ex)
		} else {
			test = append(test, ex)
		}
	}
	return train, test
}

func evalAudio(m *AudioModel, test []AudioExample) Report {
	var gold, pred []string
	for _, ex := range test {
		gold = append(gold, ex.Label)
		pred = append(pred, m.Predict(ex.Samples, ex.SampleRate)[0].Label)
	}
	return Evaluate(gold, pred)
}

// TestAudioFSDD trains on takes 5–7 (180 clips) and reports accuracy on
// takes 8–9 (120 clips).
func TestAudioFSDD(t *testing.T) {
	train, test := loadFSDD(t, fsddDir(t))
	m, err := TrainAudio(train, AudioOptions{})
	if err != nil {
		t.Fatal(err)
	}
	r := evalAudio(m, test)
	t.Logf("FSDD by take (train %d, test %d): accuracy %.4f, macro-F1 %.4f", len(train), len(test), r.Accuracy, r.MacroF1)
	if r.Accuracy < 0.8 {
		t.Errorf("accuracy %.4f < 0.8", r.Accuracy)
	}
}

// fsddDir is testdata's FSDD subset.
func fsddDir(t testing.TB) string { return fixture.Path(t, "audio/fsdd") }
