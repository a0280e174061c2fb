package format

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// TestFormulasNeutralised: every cell a spreadsheet would run (OWASP's
// leading characters, after spaces too) is written with an apostrophe in CSV,
// TSV and audio CSV, data, labels and header alike; numbers and other text
// are untouched; RawFormulas writes them as they are.
func TestFormulasNeutralised(t *testing.T) {
	for in, want := range map[string]string{
		"=HYPERLINK(\"http://x\")": "'=HYPERLINK(\"http://x\")", "+cmd|' /C calc'!A0": "'+cmd|' /C calc'!A0",
		"-2+3": "'-2+3", "@SUM(A1)": "'@SUM(A1)", "\t=1": "'\t=1", "\r=1": "'\r=1", "  =1": "'  =1",
		"-5": "-5", "+1.5e3": "+1.5e3", "plain": "plain", "": "", "a=b": "a=b",
	} {
		if got := NeutraliseFormula(in); got != want {
			t.Errorf("NeutraliseFormula(%q) = %q, want %q", in, got, want)
		}
	}
	task := Task{ID: 1, Data: map[string]any{"text": "=1+1", "=col": "@x"},
		Annotations: []Annotation{{Result: []json.RawMessage{json.RawMessage(`{"from_name":"label","to_name":"text","type":"textarea","value":{"text":["-cmd"]}}`)}}}}
	for _, kind := range []Kind{CSV, TSV} {
		for _, raw := range []bool{false, true} {
			var buf bytes.Buffer
			w, err := NewWriter(kind, &buf, Options{Columns: []string{"text", "=col"}, LabelColumns: []string{"label"}, RawFormulas: raw})
			if err != nil {
				t.Fatal(err)
			}
			if err := w.Write(task); err != nil {
				t.Fatal(err)
			}
			w.Close()
			out := buf.String()
			for _, cell := range []string{"=1+1", "=col", "@x", "-cmd"} {
				if got := strings.Contains(out, "'"+cell); got == raw {
					t.Errorf("%s raw=%v: %q neutralised %v in\n%s", kind, raw, cell, got, out)
				}
			}
		}
	}
}
