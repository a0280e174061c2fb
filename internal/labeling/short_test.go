package labeling

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestExpandShortResult(t *testing.T) {
	cfg, err := ParseConfig(`<View><Text name="text" value="$text"/><Labels name="ner" toName="text"><Label value="PER"/></Labels><Choices name="sentiment" toName="text"><Choice value="pos"/><Choice value="neg"/></Choices><TextArea name="note" toName="text"/></View>`)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ in, want, err string }{
		{`"neg"`, `[{"from_name":"sentiment","to_name":"text","type":"choices","value":{"choices":["neg"]}}]`, ""},
		{`{"choices": ["pos"]}`, `[{"from_name":"sentiment","to_name":"text","type":"choices","value":{"choices":["pos"]}}]`, ""},
		{`{"text": ["hi"]}`, `[{"from_name":"note","to_name":"text","type":"textarea","value":{"text":["hi"]}}]`, ""},
		{`{"textarea": ["hi"]}`, ``, "names no control type"},
		{`[{"from_name":"sentiment","to_name":"text","type":"choices","value":{"choices":["pos"]}}]`, `[{"from_name":"sentiment","to_name":"text","type":"choices","value":{"choices":["pos"]}}]`, ""},
		{`null`, `[]`, ""},
		{`42`, ``, "give a list"},
	} {
		got, err := cfg.ExpandShortResult(json.RawMessage(c.in))
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%s: error %v, want one saying %q", c.in, err, c.err)
			}
			continue
		}
		b, _ := json.Marshal(got)
		if err != nil || string(b) != c.want {
			t.Errorf("%s: got %s, %v; want %s", c.in, b, err, c.want)
		}
	}
	textOnly, _ := ParseConfig(`<View><Text name="text" value="$text"/><Labels name="ner" toName="text"><Label value="PER"/></Labels></View>`)
	if _, err := textOnly.ExpandShortResult(json.RawMessage(`"PER"`)); err == nil || !strings.Contains(err.Error(), "Choices or TextArea") {
		t.Errorf("a bare label without Choices: %v", err)
	}
}
