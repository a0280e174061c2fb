package labeling

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// Result items as Label Studio exports them, one per result type.
var lsResults = []struct {
	name string
	json string
	want Result
}{
	{
		name: "choices",
		json: `{"id":"bZgXWYwoWg","type":"choices","value":{"choices":["Positive"]},"origin":"manual","to_name":"text","from_name":"sentiment"}`,
		want: Result{ID: "bZgXWYwoWg", FromName: "sentiment", ToName: "text", Type: "choices",
			Value: Value{Choices: []string{"Positive"}}, Extra: map[string]json.RawMessage{"origin": json.RawMessage(`"manual"`)}},
	},
	{
		name: "text span",
		json: `{"value":{"start":0,"end":9,"text":"Barcelona","labels":["LOC"]},"id":"EHeOb3uNhG","from_name":"label","to_name":"text","type":"labels","origin":"manual"}`,
		want: Result{ID: "EHeOb3uNhG", FromName: "label", ToName: "text", Type: "labels",
			Value: Value{Start: new(0.0), End: new(9.0), Text: "Barcelona", Labels: []string{"LOC"}},
			Extra: map[string]json.RawMessage{"origin": json.RawMessage(`"manual"`)}},
	},
	{
		name: "rectangle",
		json: `{"original_width":2242,"original_height":2802,"image_rotation":0,"value":{"x":18.43,"y":10.95,"width":59.51,"height":38.54,"rotation":0,"rectanglelabels":["Airplane"]},"id":"cxPv4Ly2Ho","from_name":"label","to_name":"image","type":"rectanglelabels","origin":"manual"}`,
		want: Result{ID: "cxPv4Ly2Ho", FromName: "label", ToName: "image", Type: "rectanglelabels", OriginalWidth: 2242, OriginalHeight: 2802,
			Value: Value{X: 18.43, Y: 10.95, Width: 59.51, Height: 38.54, RectangleLabels: []string{"Airplane"}},
			Extra: map[string]json.RawMessage{"image_rotation": json.RawMessage(`0`), "origin": json.RawMessage(`"manual"`)}},
	},
	{
		name: "audio region",
		json: `{"original_length":18.81,"value":{"start":3.0915,"end":6.1,"channel":0,"labels":["Speech"]},"id":"wavesurfer_4b8lmc5to","from_name":"label","to_name":"audio","type":"labels","origin":"manual"}`,
		want: Result{ID: "wavesurfer_4b8lmc5to", FromName: "label", ToName: "audio", Type: "labels",
			Value: Value{Start: new(3.0915), End: new(6.1), Labels: []string{"Speech"}, Extra: map[string]json.RawMessage{"channel": json.RawMessage(`0`)}},
			Extra: map[string]json.RawMessage{"original_length": json.RawMessage(`18.81`), "origin": json.RawMessage(`"manual"`)}},
	},
	{
		name: "per-region transcription",
		json: `{"original_length":18.81,"value":{"start":3.0915,"end":6.1,"channel":0,"text":["hello there"]},"id":"wavesurfer_4b8lmc5to","from_name":"transcription","to_name":"audio","type":"textarea","origin":"manual"}`,
		want: Result{ID: "wavesurfer_4b8lmc5to", FromName: "transcription", ToName: "audio", Type: "textarea",
			Value: Value{Start: new(3.0915), End: new(6.1), Texts: []string{"hello there"}, Extra: map[string]json.RawMessage{"channel": json.RawMessage(`0`)}},
			Extra: map[string]json.RawMessage{"original_length": json.RawMessage(`18.81`), "origin": json.RawMessage(`"manual"`)}},
	},
	{
		name: "rating",
		json: `{"value":{"rating":4},"id":"jZ2x_0sY5q","from_name":"rating","to_name":"text","type":"rating","origin":"manual"}`,
		want: Result{ID: "jZ2x_0sY5q", FromName: "rating", ToName: "text", Type: "rating", Value: Value{Rating: 4},
			Extra: map[string]json.RawMessage{"origin": json.RawMessage(`"manual"`)}},
	},
	{
		name: "prediction with score and no id",
		json: `{"from_name":"sentiment","to_name":"text","type":"choices","value":{"choices":["Negative","Neutral"]},"score":0.87}`,
		want: Result{FromName: "sentiment", ToName: "text", Type: "choices", Value: Value{Choices: []string{"Negative", "Neutral"}},
			Extra: map[string]json.RawMessage{"score": json.RawMessage(`0.87`)}},
	},
	{
		name: "span with emoji and unicode escapes",
		json: `{"id":"a1","from_name":"label","to_name":"text","type":"labels","value":{"start":2,"end":4,"text":"\ud83d\ude00","labels":["PER"]}}`,
		want: Result{ID: "a1", FromName: "label", ToName: "text", Type: "labels",
			Value: Value{Start: new(2.0), End: new(4.0), Text: "😀", Labels: []string{"PER"}}},
	},
}

func TestResultJSONRoundTrip(t *testing.T) {
	for _, tc := range lsResults {
		t.Run(tc.name, func(t *testing.T) {
			var r Result
			if err := json.Unmarshal([]byte(tc.json), &r); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(r, tc.want) {
				t.Errorf("Unmarshal:\n got %+v\nwant %+v", r, tc.want)
			}
			out, err := json.Marshal(r)
			if err != nil {
				t.Fatal(err)
			}
			if !sameJSON(t, out, []byte(tc.json)) {
				t.Errorf("Marshal:\n got %s\nwant %s", out, tc.json)
			}
		})
	}
}

// sameJSON reports whether two JSON documents hold the same data, ignoring key order.
func sameJSON(t *testing.T, a, b []byte) bool {
	t.Helper()
	var x, y any
	if err := json.Unmarshal(a, &x); err != nil {
		t.Fatalf("%s: %v", a, err)
	}
	if err := json.Unmarshal(b, &y); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	return reflect.DeepEqual(x, y)
}

func TestResultMarshal(t *testing.T) {
	for _, tc := range []struct {
		name string
		r    Result
		want string
	}{
		{"span at 0 keeps start", Result{ID: "r1", FromName: "label", ToName: "text", Type: TypeLabels,
			Value: Value{Start: new(0.0), End: new(5.0), Text: "Hello", Labels: []string{"PER"}}},
			`{"id":"r1","from_name":"label","to_name":"text","type":"labels","value":{"start":0,"end":5,"text":"Hello","labels":["PER"]}}`},
		{"box at the corner keeps x and y", Result{FromName: "label", ToName: "image", Type: TypeRectangleLabels, OriginalWidth: 640, OriginalHeight: 480,
			Value: Value{Width: 50, Height: 25.5, RectangleLabels: []string{"Car"}}},
			`{"from_name":"label","to_name":"image","type":"rectanglelabels","value":{"x":0,"y":0,"width":50,"height":25.5,"rotation":0,"rectanglelabels":["Car"]},"original_width":640,"original_height":480}`},
		{"audio seconds", Result{ID: "w", FromName: "seg", ToName: "audio", Type: TypeLabels,
			Value: Value{Start: new(0.25), End: new(1.5), Labels: []string{"Speech"}}},
			`{"id":"w","from_name":"seg","to_name":"audio","type":"labels","value":{"start":0.25,"end":1.5,"labels":["Speech"]}}`},
		{"textarea list", Result{FromName: "t", ToName: "text", Type: TypeTextArea, Value: Value{Texts: []string{"a", "b"}}},
			`{"from_name":"t","to_name":"text","type":"textarea","value":{"text":["a","b"]}}`},
		{"empty textarea list stays a list", Result{FromName: "t", ToName: "text", Type: TypeTextArea, Value: Value{Texts: []string{}}},
			`{"from_name":"t","to_name":"text","type":"textarea","value":{"text":[]}}`},
		{"texts win over text", Result{FromName: "t", ToName: "text", Type: TypeTextArea, Value: Value{Text: "x", Texts: []string{"y"}}},
			`{"from_name":"t","to_name":"text","type":"textarea","value":{"text":["y"]}}`},
		{"empty value", Result{FromName: "a", ToName: "b", Type: "c"},
			`{"from_name":"a","to_name":"b","type":"c","value":{}}`},
		{"extras sorted, known keys not repeated, html escaped", Result{FromName: "a", ToName: "b", Type: "c",
			Value: Value{Rating: 3, Extra: map[string]json.RawMessage{"rating": json.RawMessage(`9`), "z": json.RawMessage(`"<b>"`)}},
			Extra: map[string]json.RawMessage{"type": json.RawMessage(`"x"`), "b": json.RawMessage(`[1, 2]`), "a": nil}},
			`{"from_name":"a","to_name":"b","type":"c","value":{"rating":3,"z":"\u003cb\u003e"},"a":null,"b":[1,2]}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := json.Marshal(tc.r)
			if err != nil {
				t.Fatal(err)
			}
			if string(out) != tc.want {
				t.Errorf("Marshal:\n got %s\nwant %s", out, tc.want)
			}
			var back Result
			if err := json.Unmarshal(out, &back); err != nil {
				t.Fatal(err)
			}
			again, _ := json.Marshal(back)
			if string(again) != string(out) {
				t.Errorf("second round trip:\n got %s\nwant %s", again, out)
			}
		})
	}
	if _, err := json.Marshal(Result{Value: Value{Extra: map[string]json.RawMessage{"bad": json.RawMessage(`{`)}}}); err == nil {
		t.Error("Marshal of invalid extra JSON gave no error")
	}
}

func TestResultUnmarshalLenient(t *testing.T) {
	for _, tc := range []struct {
		name, json string
		want       Result
	}{
		{"numeric id", `{"id":12,"from_name":"a","to_name":"b","type":"rating","value":{"rating":2}}`,
			Result{ID: "12", FromName: "a", ToName: "b", Type: "rating", Value: Value{Rating: 2}}},
		{"sizes and rating written as floats", `{"original_width":800.0,"original_height":6e2,"value":{"rating":3.0}}`,
			Result{OriginalWidth: 800, OriginalHeight: 600, Value: Value{Rating: 3}}},
		{"nulls", `{"id":null,"from_name":null,"value":{"start":null,"end":null,"text":null,"choices":null,"x":null}}`,
			Result{}},
		{"null value", `{"value":null}`, Result{}},
		{"extra whitespace is compacted", `{"meta": { "a" : [1, 2] } }`,
			Result{Extra: map[string]json.RawMessage{"meta": json.RawMessage(`{"a":[1,2]}`)}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var r Result
			if err := json.Unmarshal([]byte(tc.json), &r); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(r, tc.want) {
				t.Errorf("Unmarshal:\n got %+v\nwant %+v", r, tc.want)
			}
		})
	}
}

func TestResultUnmarshalErrors(t *testing.T) {
	for _, tc := range []struct{ name, json, err string }{
		{"not an object", `[1]`, "cannot unmarshal"},
		{"value not an object", `{"value":5}`, `"value"`},
		{"text a number", `{"value":{"text":5}}`, `"text": must be a string or a list of strings`},
		{"text list of numbers", `{"value":{"text":[5]}}`, `"text"`},
		{"fractional rating", `{"value":{"rating":2.5}}`, "not a whole number"},
		{"fractional width", `{"original_width":2.5}`, "not a whole number"},
		{"start a string", `{"value":{"start":"0"}}`, `"start"`},
		{"labels a string", `{"value":{"labels":"PER"}}`, `"labels"`},
		{"from_name a number", `{"from_name":1}`, `"from_name"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var r Result
			err := json.Unmarshal([]byte(tc.json), &r)
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("Unmarshal(%s) = %v, want an error with %q", tc.json, err, tc.err)
			}
		})
	}
}

func TestResultListRoundTrip(t *testing.T) {
	var parts []string
	for _, tc := range lsResults {
		parts = append(parts, tc.json)
	}
	doc := "[" + strings.Join(parts, ",") + "]"
	var rs []Result
	if err := json.Unmarshal([]byte(doc), &rs); err != nil {
		t.Fatal(err)
	}
	out, err := json.Marshal(rs)
	if err != nil {
		t.Fatal(err)
	}
	if !sameJSON(t, out, []byte(doc)) {
		t.Errorf("list round trip:\n got %s\nwant %s", out, doc)
	}
}
