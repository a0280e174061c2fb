package agreement

import "concord/internal/labeling"

// ControlScore is how far one annotation's answer to a control agrees with a
// reference answer (ground truth), from 0 to 1: 1 or 0 for a single choice,
// a rating or a number (the same value or not); 1 − the MASI distance for a
// multiple choice; the F1 of matched regions or 1 − the symmetric CER for
// spans, boxes, regions and texts. ok is false when the reference does not
// answer the control; an annotation that does not answer it scores 0.
func ControlScore(c labeling.Control, got, want []labeling.Result) (score float64, ok bool) {
	if !answers(c, want) {
		return 0, false
	}
	if !answers(c, got) {
		return 0, true
	}
	switch ScaleOf(c) {
	case ScaleSet:
		a, _ := choiceSet(c, got)
		b, _ := choiceSet(c, want)
		return 1 - MASIDistance(a, b), true
	case ScaleNominal, ScaleNumeric:
		a, _, okA := classValue(c, got)
		b, _, okB := classValue(c, want)
		if okA && okB && a == b {
			return 1, true
		}
		return 0, true
	}
	return pairScore(c, got, want), true
}

// GoldScore is how far an annotation agrees with a task's ground truth: the
// mean [ControlScore] over the controls the ground truth answers (for a
// classification project, 1 when right and 0 when wrong). ok is false when
// the ground truth answers none of the controls.
func GoldScore(controls []labeling.Control, got, want []labeling.Result) (score float64, ok bool) {
	var sum float64
	n := 0
	for _, c := range controls {
		if s, ok := ControlScore(c, got, want); ok {
			sum += s
			n++
		}
	}
	if n == 0 {
		return 0, false
	}
	return sum / float64(n), true
}

// groundTruth returns a task's ground-truth annotation answering the control
// (the last, when several are marked).
func groundTruth(c labeling.Control, t Task) (Annotation, bool) {
	var gt Annotation
	found := false
	for _, a := range t.Annotations {
		if a.GroundTruth && answers(c, a.Results) {
			gt, found = a, true
		}
	}
	return gt, found
}

// scoreAgainstGroundTruth makes ground truth decide the agreement of its
// tasks: a task with a ground-truth answer to the control is scored as the
// mean [ControlScore] of its other annotations against it (one annotator is
// enough), instead of its annotators against each other. For spans, boxes,
// regions and texts it also gives each annotator's mean score against ground
// truth as gold accuracy (choices and numbers have theirs from exact matches).
func scoreAgainstGroundTruth(c labeling.Control, tasks []Task, coder map[int64]int, cr *ControlReport) {
	structured := cr.Scale == ScaleStructured
	sum, n := make([]float64, len(cr.Annotators)), make([]int, len(cr.Annotators))
	for _, t := range tasks {
		gt, ok := groundTruth(c, t)
		if !ok {
			continue
		}
		var tsum float64
		var tn int
		for _, a := range t.Annotations {
			if a.GroundTruth || !answers(c, a.Results) {
				continue
			}
			s, _ := ControlScore(c, a.Results, gt.Results)
			tsum += s
			tn++
			k := coder[a.Annotator]
			sum[k] += s
			n[k]++
		}
		if tn > 0 {
			cr.taskAgreement[t.ID] = tsum / float64(tn)
		} else {
			delete(cr.taskAgreement, t.ID)
		}
	}
	if !structured {
		return
	}
	for i := range cr.Annotators {
		cr.Annotators[i].GoldTasks = n[i]
		if n[i] > 0 {
			cr.Annotators[i].GoldAccuracy = ptr(sum[i] / float64(n[i]))
		}
	}
}
