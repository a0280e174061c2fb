package agreement

import (
	"math"
	"testing"

	"concord/internal/labeling"
)

// TestMeasureGroundTruthDecides: a task with ground truth is scored as its
// annotators against it, for choices, multiple choice and boxes alike; the
// project's α leaves ground truth out; an annotator who shares no task has
// no agreement or reliability, only counts of zero.
func TestMeasureGroundTruthDecides(t *testing.T) {
	cfg, err := labeling.ParseConfig(`<View><Text name="text" value="$text"/><Image name="img" value="$img"/>
		<Choices name="c" toName="text"><Choice value="x"/><Choice value="y"/></Choices>
		<Choices name="m" toName="text" choice="multiple"><Choice value="p"/><Choice value="q"/></Choices>
		<RectangleLabels name="b" toName="img"><Label value="L"/></RectangleLabels></View>`)
	if err != nil {
		t.Fatal(err)
	}
	res := func(c string, m []string, boxX float64) []labeling.Result {
		return []labeling.Result{
			{FromName: "c", ToName: "text", Type: labeling.TypeChoices, Value: labeling.Value{Choices: []string{c}}},
			{FromName: "m", ToName: "text", Type: labeling.TypeChoices, Value: labeling.Value{Choices: m}},
			{FromName: "b", ToName: "img", Type: labeling.TypeRectangleLabels, Value: labeling.Value{X: boxX, Y: 10, Width: 20, Height: 20, RectangleLabels: []string{"L"}}},
		}
	}
	tasks := []Task{
		// Two annotators agree with each other (x, {p}, same box) but not with ground truth (y, {p,q}, another box).
		{ID: 1, Annotations: []Annotation{
			{ID: 1, Annotator: 1, Results: res("x", []string{"p"}, 10)},
			{ID: 2, Annotator: 2, Results: res("x", []string{"p"}, 10)},
			{ID: 3, Annotator: 9, GroundTruth: true, Results: res("y", []string{"p", "q"}, 60)},
		}},
		// No ground truth: 1 and 2 against each other.
		{ID: 2, Annotations: []Annotation{
			{ID: 4, Annotator: 1, Results: res("x", []string{"q"}, 10)},
			{ID: 5, Annotator: 2, Results: res("y", []string{"q"}, 10)},
		}},
		// Annotator 3 alone on a task.
		{ID: 3, Annotations: []Annotation{{ID: 6, Annotator: 3, Results: res("x", []string{"p"}, 10)}}},
	}
	rep := Measure(cfg.Controls, tasks)
	byName := map[string]ControlReport{}
	for _, c := range rep.Controls {
		byName[c.Control] = c
	}
	masiPPQ := 1 - MASIDistance(Set{"p"}, Set{"p", "q"})
	for _, c := range []struct {
		control string
		task    int64
		want    float64
	}{
		{"c", 1, 0}, {"c", 2, 0},
		{"m", 1, masiPPQ}, {"m", 2, 1},
		{"b", 1, 0}, {"b", 2, 1},
	} {
		got, ok := byName[c.control].taskAgreement[c.task]
		if !ok || math.Abs(got-c.want) > 1e-12 {
			t.Errorf("%s, task %d: agreement %v (%v), want %v", c.control, c.task, got, ok, c.want)
		}
	}
	if got := rep.TaskAgreement[1]; math.Abs(got-masiPPQ/3) > 1e-12 {
		t.Errorf("task 1 over all controls: %v, want %v", got, masiPPQ/3)
	}
	for _, a := range byName["c"].Annotators {
		switch a.UserID {
		case 1, 2:
			if a.GoldTasks != 1 || a.GoldAccuracy == nil || *a.GoldAccuracy != 0 || a.Compared != 2 {
				t.Errorf("annotator %d: %+v", a.UserID, a)
			}
		case 3:
			if a.WithOthers != nil || a.Reliability != nil || a.GoldAccuracy != nil || a.Compared != 0 || a.Annotations != 1 {
				t.Errorf("the lone annotator has figures: %+v", a)
			}
		}
	}
	for _, a := range byName["b"].Annotators {
		if (a.UserID == 1 || a.UserID == 2) && (a.GoldTasks != 1 || a.GoldAccuracy == nil || *a.GoldAccuracy != 0) {
			t.Errorf("boxes, annotator %d gold: %+v", a.UserID, a)
		}
	}
	// α nominal of c measures 1 and 2 among themselves (task 1: x x, task 2: x y), not against ground truth.
	r, _ := RatingsFromTable([][]int{{0, 0}, {0, 1}}, 2)
	want, _ := Alpha(r, Nominal)
	if got, _ := byName["c"].Project["krippendorff_alpha"].(float64); math.Abs(got-want) > 1e-12 {
		t.Errorf("α of c: %v, want %v", byName["c"].Project["krippendorff_alpha"], want)
	}
	if s, ok := GoldScore(cfg.Controls, res("y", []string{"p", "q"}, 60), res("y", []string{"p", "q"}, 60)); !ok || s != 1 {
		t.Errorf("GoldScore of the ground truth itself: %v %v", s, ok)
	}
	if s, ok := GoldScore(cfg.Controls, res("x", []string{"p"}, 10), res("y", []string{"p", "q"}, 60)); !ok || math.Abs(s-masiPPQ/3) > 1e-12 {
		t.Errorf("GoldScore: %v %v, want %v", s, ok, masiPPQ/3)
	}
}
