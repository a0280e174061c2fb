package classifier

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"concord/internal/labeling"
)

const sentiment = `<View><Text name="text" value="$text"/>
<Choices name="sentiment" toName="text"><Choice value="Positive"/><Choice value="Negative"/></Choices></View>`

func spec(t *testing.T, config string) Spec {
	t.Helper()
	cfg, err := labeling.ParseConfig(config)
	if err != nil {
		t.Fatal(err)
	}
	s, ok := For(cfg)
	if !ok {
		t.Fatalf("no model for %s", config)
	}
	return s
}

func choice(labels ...string) json.RawMessage {
	b, _ := json.Marshal([]labeling.Result{{FromName: "sentiment", ToName: "text", Type: labeling.TypeChoices,
		Value: labeling.Value{Choices: labels}}})
	return b
}

func TestFor(t *testing.T) {
	for config, want := range map[string]string{
		sentiment: KindText,
		`<View><Text name="t" value="$text"/><Labels name="ner" toName="t"><Label value="PER"/></Labels></View>`:    KindSpans,
		`<View><Image name="i" value="$image"/><Choices name="c" toName="i"><Choice value="7"/></Choices></View>`:   KindImage,
		`<View><Audio name="a" value="$audio"/><Choices name="c" toName="a"><Choice value="yes"/></Choices></View>`: KindAudio,
		`<View><Audio name="a" value="$audio"/><Labels name="l" toName="a"><Label value="speech"/></Labels></View>`: KindRegions,
	} {
		if got := spec(t, config).Kind; got != want {
			t.Errorf("For(%s) = %q, want %q", config, got, want)
		}
	}
	cfg, _ := labeling.ParseConfig(`<View><Text name="t" value="$text"/><TextArea name="a" toName="t"/></View>`)
	if s, ok := For(cfg); ok {
		t.Errorf("a text area gets model %q, want none", s.Kind)
	}
}

// TestExampleTarget: the majority of the annotations, ties to the newest (the
// first given); the ground truth alone when there is one.
func TestExampleTarget(t *testing.T) {
	s := spec(t, sentiment)
	data := json.RawMessage(`{"text":"fine"}`)
	for _, c := range []struct {
		results []json.RawMessage
		gt      bool
		want    string
	}{
		{[]json.RawMessage{choice("Negative"), choice("Positive"), choice("Positive")}, false, "Positive"},
		{[]json.RawMessage{choice("Negative"), choice("Positive")}, false, "Negative"},
		{[]json.RawMessage{choice("Negative"), choice("Positive"), choice("Positive")}, true, "Negative"},
	} {
		ex, ok := s.Example(context.Background(), nil, data, c.results, c.gt)
		if !ok || len(ex.t.labels) != 1 || ex.t.labels[0] != c.want || ex.in.text != "fine" {
			t.Errorf("Example(%s, gt=%v) = %+v %v, want %s", c.results, c.gt, ex, ok, c.want)
		}
	}
	if _, ok := s.Example(context.Background(), nil, data, []json.RawMessage{json.RawMessage(`[]`)}, false); ok {
		t.Error("an annotation with no answer makes an example")
	}
}

// TestTrainPredictLoad: a model trained on two clearly separated classes
// predicts them as result items of the control, and the same after a round
// trip through its stored form.
func TestTrainPredictLoad(t *testing.T) {
	s := spec(t, sentiment)
	ctx := context.Background()
	var exs []Example
	for i := range 40 {
		text, label := fmt.Sprintf("great lovely wonderful day %d", i), "Positive"
		if i%2 == 1 {
			text, label = fmt.Sprintf("awful terrible horrible day %d", i), "Negative"
		}
		ex, ok := s.Example(ctx, nil, json.RawMessage(fmt.Sprintf(`{"text":%q}`, text)), []json.RawMessage{choice(label)}, false)
		if !ok {
			t.Fatal("no example")
		}
		exs = append(exs, ex)
	}
	m, err := s.Train(exs)
	if err != nil {
		t.Fatal(err)
	}
	b, err := m.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	loaded, err := s.Load(b)
	if err != nil {
		t.Fatal(err)
	}
	for _, mm := range []Model{m, loaded} {
		res, score, err := s.Predict(ctx, nil, mm, json.RawMessage(`{"text":"what a wonderful lovely day"}`))
		var rs []labeling.Result
		if err != nil || json.Unmarshal(res, &rs) != nil || len(rs) != 1 || rs[0].FromName != "sentiment" || rs[0].ToName != "text" ||
			len(rs[0].Value.Choices) != 1 || rs[0].Value.Choices[0] != "Positive" || score <= 0.5 || score > 1 {
			t.Errorf("Predict = %s %v %v, want Positive with confidence above 0.5", res, score, err)
		}
	}
	if got := s.Evaluate(m, exs[:10]); got["accuracy"] != 1.0 {
		t.Errorf("Evaluate on training examples: %v, want accuracy 1", got)
	}
}
