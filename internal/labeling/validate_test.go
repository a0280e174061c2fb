package labeling

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

const validateConfig = `<View>
  <Text name="text" value="$text"/>
  <Choices name="sentiment" toName="text" required="true">
    <Choice value="Positive"/><Choice value="Negative"/>
  </Choices>
  <Choices name="topic" toName="text" choice="multiple">
    <Choice value="Sport"/><Choice value="Politics"/>
  </Choices>
  <Labels name="ner" toName="text">
    <Label value="PER"/><Label value="LOC"/>
  </Labels>
  <TextArea name="comment" toName="text"/>
  <Rating name="stars" toName="text" maxRating="3"/>
  <Image name="image" value="$image"/>
  <RectangleLabels name="box" toName="image">
    <Label value="Car"/><Label value="Person"/>
  </RectangleLabels>
  <Audio name="audio" value="$audio"/>
  <Labels name="seg" toName="audio">
    <Label value="Speech"/><Label value="Noise"/>
  </Labels>
  <TextArea name="transcript" toName="audio" perRegion="true" required="true"/>
</View>`

// The task text mixes ASCII, an emoji (2 UTF-16 units), a combining mark and
// CJK. In UTF-16 units: "Ana " is 0-3, the emoji 4-5, " met " 6-10,
// "Jose\u0301" 11-15, " in " 16-19 and "東京" 20-21; the length is 22.
const validateText = "Ana 😀 met Jose\u0301 in 東京"

func validateTask() Task {
	return Task{
		Data:  map[string]any{"text": validateText, "image": "/media/a.png", "audio": "/media/a.wav"},
		Media: map[string]MediaInfo{"image": {Width: 200, Height: 100}, "audio": {Duration: 10}},
	}
}

// base is a valid result list for validateConfig: every required control answered.
func base() []Result {
	return []Result{
		{ID: "s", FromName: "sentiment", ToName: "text", Type: "choices", Value: Value{Choices: []string{"Positive"}}},
	}
}

func TestValidate(t *testing.T) {
	cfg, err := ParseConfig(validateConfig)
	if err != nil {
		t.Fatal(err)
	}
	span := func(start, end float64, text string, labels ...string) Result {
		return Result{ID: "sp", FromName: "ner", ToName: "text", Type: "labels", Value: Value{Start: &start, End: &end, Text: text, Labels: labels}}
	}
	box := func(x, y, w, h, rot float64, labels ...string) Result {
		return Result{ID: "b", FromName: "box", ToName: "image", Type: "rectanglelabels", Value: Value{X: x, Y: y, Width: w, Height: h, Rotation: rot, RectangleLabels: labels}}
	}
	region := func(id string, start, end float64, labels ...string) Result {
		return Result{ID: id, FromName: "seg", ToName: "audio", Type: "labels", Value: Value{Start: &start, End: &end, Labels: labels}}
	}
	transcript := func(id string, texts ...string) Result {
		return Result{ID: id, FromName: "transcript", ToName: "audio", Type: "textarea", Value: Value{Texts: texts}}
	}
	for _, tc := range []struct {
		name    string
		results []Result // added to base()
		task    *Task    // validateTask() when nil
		errs    []string // substrings of each problem, in order; none when valid
	}{
		{name: "base"},
		{name: "multiple topics", results: []Result{{FromName: "topic", ToName: "text", Type: "choices", Value: Value{Choices: []string{"Sport", "Politics"}}}}},
		{name: "span before the emoji", results: []Result{span(0, 3, "Ana", "PER")}},
		{name: "span of the emoji", results: []Result{span(4, 6, "😀", "LOC")}},
		{name: "span after the emoji counts it twice", results: []Result{span(11, 16, "Jose\u0301", "PER")}},
		{name: "span of CJK at the end", results: []Result{span(20, 22, "東京", "LOC")}},
		{name: "span without text", results: []Result{span(20, 22, "", "LOC")}},
		{name: "span with two labels", results: []Result{span(0, 3, "Ana", "PER", "LOC")}},
		{name: "box", results: []Result{box(10, 20, 90, 80, 0, "Car")}},
		{name: "box within rounding", results: []Result{box(50, 0, 50.00000001, 100, 0, "Car")}},
		{name: "rotated box inside", results: []Result{box(10, 10, 20, 20, 45, "Car")}},
		{name: "rotated box, image size unknown", results: []Result{box(90, 90, 50, 50, 30, "Car")},
			task: &Task{Data: validateTask().Data}},
		{name: "audio region and its transcript", results: []Result{region("r1", 0, 2.5, "Speech"), transcript("r1", "hello")}},
		{name: "audio region ends at the duration, within slack", results: []Result{region("r1", 9, 10.01, "Noise"), transcript("r1", "")}},
		{name: "audio duration unknown", results: []Result{region("r1", 9, 100, "Noise"), transcript("r1", "x")},
			task: &Task{Data: validateTask().Data}},
		{name: "rating", results: []Result{{FromName: "stars", ToName: "text", Type: "rating", Value: Value{Rating: 3}}}},
		{name: "comment", results: []Result{{FromName: "comment", ToName: "text", Type: "textarea", Value: Value{Texts: []string{"fine"}}}}},

		{name: "unknown control", results: []Result{{FromName: "nope", ToName: "text", Type: "choices"}},
			errs: []string{`result 1 ("nope"): from_name "nope" names no control (controls: sentiment, topic`}},
		{name: "wrong to_name", results: []Result{{FromName: "topic", ToName: "image", Type: "choices", Value: Value{Choices: []string{"Sport"}}}},
			errs: []string{`to_name "image" must be "text"`}},
		{name: "wrong type", results: []Result{{FromName: "topic", ToName: "text", Type: "labels", Value: Value{Choices: []string{"Sport"}}}},
			errs: []string{`type "labels" must be "choices" for <Choices name="topic">`}},
		{name: "unknown choice", results: []Result{{FromName: "topic", ToName: "text", Type: "choices", Value: Value{Choices: []string{"Cooking"}}}},
			errs: []string{`unknown choice "Cooking" (choices: Sport, Politics)`}},
		{name: "no choices", results: []Result{{FromName: "topic", ToName: "text", Type: "choices"}},
			errs: []string{`"choices" is empty`}},
		{name: "repeated choice", results: []Result{{FromName: "topic", ToName: "text", Type: "choices", Value: Value{Choices: []string{"Sport", "Sport"}}}},
			errs: []string{`choice "Sport" is given twice`}},
		{name: "two choices for a single control", results: []Result{{FromName: "sentiment", ToName: "text", Type: "choices", Value: Value{Choices: []string{"Positive", "Negative"}}}},
			errs: []string{`2 choices given, but "sentiment" takes one`}},
		{name: "unknown label", results: []Result{span(0, 3, "Ana", "ORG")}, errs: []string{`unknown label "ORG" (labels: PER, LOC)`}},
		{name: "no labels", results: []Result{span(0, 3, "Ana")}, errs: []string{`"labels" is empty`}},
		{name: "span splits the emoji", results: []Result{span(5, 8, "", "PER")}, errs: []string{"splits the surrogate pair of U+1F600"}},
		{name: "span past the end", results: []Result{span(20, 23, "", "PER")}, errs: []string{"end 23 is past the end of the text (length 22)"}},
		{name: "span negative", results: []Result{span(-1, 3, "", "PER")}, errs: []string{"start -1 is negative"}},
		{name: "span empty", results: []Result{span(3, 3, "", "PER")}, errs: []string{"start 3 must be before end 3"}},
		{name: "span fractional", results: []Result{span(0, 2.5, "", "PER")}, errs: []string{"offset 2.5 must be a whole number"}},
		{name: "span counted in runes", results: []Result{span(10, 15, "Jose\u0301", "PER")},
			errs: []string{`does not match the task's text " Jose" at [10, 15)`}},
		{name: "span counted in bytes", results: []Result{span(0, 7, "Ana 😀", "PER")}, errs: []string{"does not match"}},
		{name: "span without offsets", results: []Result{{FromName: "ner", ToName: "text", Type: "labels", Value: Value{Labels: []string{"PER"}}}},
			errs: []string{"a text span needs start and end"}},
		{name: "span, task has no text", results: []Result{span(0, 3, "Ana", "PER")},
			task: &Task{Data: map[string]any{"text": 42}}, errs: []string{`the task has no text under data key "text"`}},
		{name: "box past the right edge", results: []Result{box(60, 0, 41, 10, 0, "Car")}, errs: []string{"runs past the image"}},
		{name: "box past the bottom edge", results: []Result{box(0, 95, 10, 5.1, 0, "Car")}, errs: []string{"runs past the image"}},
		{name: "box negative corner", results: []Result{box(-1, 0, 10, 10, 0, "Car")}, errs: []string{"corner (-1, 0) is outside the image"}},
		{name: "box without size", results: []Result{box(1, 1, 0, 10, 0, "Car")}, errs: []string{"width 0 and height 10 must be positive"}},
		{name: "box with unknown label", results: []Result{box(1, 1, 10, 10, 0, "Bus")}, errs: []string{`unknown label "Bus" (rectanglelabels: Car, Person)`}},
		{name: "box with labels under the wrong key", results: []Result{{FromName: "box", ToName: "image", Type: "rectanglelabels",
			Value: Value{X: 1, Y: 1, Width: 10, Height: 10, Labels: []string{"Car"}}}}, errs: []string{`"rectanglelabels" is empty`}},
		{name: "rotated box out", results: []Result{box(90, 10, 20, 20, 45, "Car")}, errs: []string{"box rotated by 45° runs past the image (200x100 pixels)"}},
		{name: "rotated box out, size from the result", results: []Result{func() Result {
			r := box(10, 80, 10, 10, 90, "Car") // turned 90°, the 10 px width points down from y=8 px of 10
			r.OriginalWidth, r.OriginalHeight = 100, 10
			return r
		}()}, errs: []string{"box rotated by 90° runs past the image (100x10 pixels)"}},
		{name: "region past the end", results: []Result{region("r1", 9, 10.5, "Speech"), transcript("r1", "x")},
			errs: []string{"end 10.5 s is past the end of the audio (10 s)"}},
		{name: "region negative", results: []Result{region("r1", -0.5, 1, "Speech"), transcript("r1", "x")}, errs: []string{"start -0.5 s is negative"}},
		{name: "region reversed", results: []Result{region("r1", 2, 1, "Speech"), transcript("r1", "x")}, errs: []string{"start 2 s must be before end 1 s"}},
		{name: "region without label", results: []Result{region("r1", 1, 2), transcript("r1", "x")}, errs: []string{`"labels" is empty`}},
		{name: "transcript of no region", results: []Result{transcript("zz", "x")}, errs: []string{`id "zz" names no region on "audio"`}},
		{name: "transcript of a text span", results: []Result{span(0, 3, "Ana", "PER"), transcript("sp", "x")}, errs: []string{`id "sp" names no region on "audio"`}},
		{name: "transcript without id", results: []Result{transcript("", "x")}, errs: []string{"needs the id of its region"}},
		{name: "region missing its required transcript", results: []Result{region("r1", 1, 2, "Speech"), region("r2", 3, 4, "Speech"), transcript("r2", "x")},
			errs: []string{`result 1 ("seg"): region "r1" has no "transcript" result`}},
		{name: "textarea given a string", results: []Result{{FromName: "comment", ToName: "text", Type: "textarea", Value: Value{Text: "fine"}}},
			errs: []string{`"text" must be a list of strings`}},
		{name: "textarea empty", results: []Result{{FromName: "comment", ToName: "text", Type: "textarea"}}, errs: []string{"no text"}},
		{name: "rating too high", results: []Result{{FromName: "stars", ToName: "text", Type: "rating", Value: Value{Rating: 4}}}, errs: []string{"rating 4 is outside 1..3"}},
		{name: "rating zero", results: []Result{{FromName: "stars", ToName: "text", Type: "rating"}}, errs: []string{"rating 0 is outside 1..3"}},
		{name: "duplicate id in one control", results: []Result{span(0, 3, "Ana", "PER"), span(4, 6, "😀", "PER")},
			errs: []string{`result 2 ("ner"): id "sp" is used by another result of the same control`}},
		{name: "several problems, one per result", results: []Result{
			{FromName: "stars", ToName: "text", Type: "rating", Value: Value{Rating: 9}},
			span(0, 99, "", "PER"),
		}, errs: []string{`result 1 ("stars")`, `result 2 ("ner")`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			task := validateTask()
			if tc.task != nil {
				task = *tc.task
			}
			err := cfg.Validate(append(base(), tc.results...), task)
			checkProblems(t, err, tc.errs)
		})
	}
}

func TestValidateRequired(t *testing.T) {
	cfg, err := ParseConfig(validateConfig)
	if err != nil {
		t.Fatal(err)
	}
	err = cfg.Validate(nil, validateTask())
	checkProblems(t, err, []string{`control "sentiment": required, but no result gives it`})
	var re *ResultError
	if !errors.As(err, &re) || re.Index != -1 || re.FromName != "sentiment" {
		t.Errorf("errors.As found %+v", re)
	}
}

func TestValidatePresetsWithLabelStudioJSON(t *testing.T) {
	// Results as Label Studio writes them for the presets, including fields Concord does not model.
	for _, tc := range []struct {
		preset, results string
		task            Task
	}{
		{"sentiment", `[{"id":"a","from_name":"sentiment","to_name":"text","type":"choices","value":{"choices":["Neutral"]},"origin":"manual"}]`,
			Task{Data: map[string]any{"text": "meh"}}},
		{"ner", `[{"id":"a","from_name":"label","to_name":"text","type":"labels","value":{"start":8,"end":13,"text":"Paris","labels":["LOC"]}},
		          {"id":"b","from_name":"label","to_name":"text","type":"labels","value":{"start":0,"end":2,"text":"🇫","labels":["MISC"]}}]`,
			Task{Data: map[string]any{"text": "🇫🇷 in Paris"}}},
		{"object-boxes", `[{"original_width":640,"original_height":480,"image_rotation":0,"value":{"x":0,"y":0,"width":100,"height":100,"rotation":0,"rectanglelabels":["Person"]},"id":"c","from_name":"label","to_name":"image","type":"rectanglelabels","origin":"manual"}]`,
			Task{Data: map[string]any{"image": "x.png"}}},
		{"speech-segments", `[{"original_length":3.2,"value":{"start":0.5,"end":3.2,"channel":0,"labels":["Speech"]},"id":"w1","from_name":"label","to_name":"audio","type":"labels","origin":"manual"},
		                      {"original_length":3.2,"value":{"start":0.5,"end":3.2,"channel":0,"text":["zero"]},"id":"w1","from_name":"transcription","to_name":"audio","type":"textarea","origin":"manual"}]`,
			Task{Data: map[string]any{"audio": "0_jackson_0.wav"}, Media: map[string]MediaInfo{"audio": {Duration: 3.2}}}},
	} {
		t.Run(tc.preset, func(t *testing.T) {
			p, _ := PresetByName(tc.preset)
			cfg, err := ParseConfig(p.Config)
			if err != nil {
				t.Fatal(err)
			}
			var rs []Result
			if err := json.Unmarshal([]byte(tc.results), &rs); err != nil {
				t.Fatal(err)
			}
			if err := cfg.Validate(rs, tc.task); err != nil {
				t.Error(err)
			}
		})
	}
}

func TestResultErrorsString(t *testing.T) {
	one := &ResultError{Index: 0, FromName: "a", Msg: "bad"}
	two := &ResultError{Index: -1, FromName: "b", Msg: "required, but no result gives it"}
	for _, tc := range []struct {
		errs ResultErrors
		want string
	}{
		{ResultErrors{one}, `result 0 ("a"): bad`},
		{ResultErrors{one, two}, `result 0 ("a"): bad (and 1 more problem)`},
		{ResultErrors{one, two, two}, `result 0 ("a"): bad (and 2 more problems)`},
	} {
		if got := tc.errs.Error(); got != tc.want {
			t.Errorf("Error() = %q, want %q", got, tc.want)
		}
	}
	if got := two.Error(); got != `control "b": required, but no result gives it` {
		t.Errorf("Error() = %q", got)
	}
}

// checkProblems checks that err lists exactly the wanted problems, in order, each containing its substring.
func checkProblems(t *testing.T, err error, want []string) {
	t.Helper()
	if len(want) == 0 {
		if err != nil {
			t.Fatalf("Validate: %v", err)
		}
		return
	}
	var errs ResultErrors
	if !errors.As(err, &errs) {
		t.Fatalf("Validate = %v (%T), want ResultErrors", err, err)
	}
	if len(errs) != len(want) {
		t.Fatalf("Validate found %d problems, want %d: %v", len(errs), len(want), errs.Unwrap())
	}
	for i, e := range errs {
		if !strings.Contains(e.Error(), want[i]) {
			t.Errorf("problem %d = %q, want it to contain %q", i, e.Error(), want[i])
		}
	}
}
