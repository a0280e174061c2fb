package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestAudioRegionExport transcribes a region drawn in the workspace and exports
// the project as AUDIO_CSV and AUDIO_JSONL (issue 23, item 1): the workspace links
// a transcription to its region by id only, and both exports keep it; the file
// column is the uploaded file's name, not its SHA-256.
func TestAudioRegionExport(t *testing.T) {
	t.Parallel()
	w := newWorkspace(t, preset(t, "speech-segments"), importFiles(t, fsdd+"3_theo_5.wav"))
	w.waitShown(w.tasks[0])
	w.waitWaveform()
	w.transcribeRegion(0.2, 0.6, "three")
	w.do("submit", 5*time.Second, ctrlEnter())
	w.waitAnnotations(1)

	mgr, err := w.e.store.UserByEmail(context.Background(), "manager@x.org")
	if err != nil {
		t.Fatal(err)
	}
	tok := w.e.token(mgr)
	code, _, csv := w.e.fetch(tok, fmt.Sprintf("/api/projects/%d/export?exportType=AUDIO_CSV", w.p.ID))
	rows := strings.Split(strings.TrimSpace(string(csv)), "\n")
	if code != 200 || len(rows) != 2 || rows[0] != "file,start,end,label,transcription" {
		t.Fatalf("AUDIO_CSV: %d\n%s", code, csv)
	}
	cols := strings.Split(rows[1], ",")
	if len(cols) != 5 || cols[0] != "3_theo_5.wav" || cols[3] != "Speech" || cols[4] != "three" {
		t.Errorf("AUDIO_CSV row %q: want file 3_theo_5.wav, label Speech, transcription three", rows[1])
	}
	code, _, jsonl := w.e.fetch(tok, fmt.Sprintf("/api/projects/%d/export?exportType=AUDIO_JSONL", w.p.ID))
	var row struct{ File, Label, Transcription string }
	if err := json.Unmarshal([]byte(strings.TrimSpace(string(jsonl))), &row); code != 200 || err != nil {
		t.Fatalf("AUDIO_JSONL: %d %v\n%s", code, err, jsonl)
	}
	if row.File != "3_theo_5.wav" || row.Label != "Speech" || row.Transcription != "three" {
		t.Errorf("AUDIO_JSONL row %+v: want file 3_theo_5.wav, label Speech, transcription three", row)
	}
}
