package labeling

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestNumberControl parses a Number control, validates its results against
// min and max, and round-trips Label Studio's result type "number" {number}.
func TestNumberControl(t *testing.T) {
	cfg, err := ParseConfig(`<View><Text name="text" value="$text"/><Number name="age" toName="text" min="0" max="120" step="1"/></View>`)
	if err != nil {
		t.Fatal(err)
	}
	ctl, _ := cfg.Control("age")
	if ctl.Type != TypeNumber || ctl.Min == nil || *ctl.Min != 0 || ctl.Max == nil || *ctl.Max != 120 {
		t.Fatalf("control %+v", ctl)
	}
	task := Task{Data: map[string]any{"text": "hello"}}
	var rs []Result
	if err := json.Unmarshal([]byte(`[{"from_name":"age","to_name":"text","type":"number","value":{"number":42.5}}]`), &rs); err != nil {
		t.Fatal(err)
	}
	if err := cfg.Validate(rs, task); err != nil {
		t.Fatalf("a number within bounds: %v", err)
	}
	out, _ := json.Marshal(rs[0].Value)
	if string(out) != `{"number":42.5}` {
		t.Fatalf("marshalled value %s", out)
	}
	for raw, want := range map[string]string{
		`{"number":121}`: "number 121 is above the maximum 120",
		`{"number":-1}`:  "number -1 is below the minimum 0",
		`{}`:             `no "number" in the value`,
	} {
		var v Value
		if err := json.Unmarshal([]byte(raw), &v); err != nil {
			t.Fatal(err)
		}
		err := cfg.Validate([]Result{{FromName: "age", ToName: "text", Type: "number", Value: v}}, task)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", raw, err, want)
		}
	}
	for cfgText, want := range map[string]string{
		`<View><Text name="t" value="$t"/><Number name="n" toName="t" min="a"/></View>`:         `min "a" must be a finite number`,
		`<View><Text name="t" value="$t"/><Number name="n" toName="t" min="5" max="1"/></View>`: "min 5 is above max 1",
		`<View><Text name="t" value="$t"/><Number name="n" toName="t" step="0"/></View>`:        `step "0" must be a finite number above 0`,
	} {
		if _, err := ParseConfig(cfgText); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", cfgText, err, want)
		}
	}
}
