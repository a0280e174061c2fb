package ingest

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"concord/internal/format"
	"concord/internal/labeling"
	"concord/internal/store"
)

// task checks one task and sends it on, or counts it as a duplicate; at
// carries where it came from, for the error.
func (p *producer) task(ctx context.Context, data map[string]any, anns []format.Annotation, preds []format.Prediction, mf *mediaFile, at *Problem) error {
	bad := func(format string, args ...any) error {
		at.Msg = fmt.Sprintf(format, args...)
		return p.refuse(ctx, at)
	}
	if len(data) == 0 {
		return bad("the task has no data")
	}
	if msg := p.missingKeys(data); msg != "" {
		return bad("%s", msg)
	}
	raw, hash, err := store.CanonicalData(data)
	if err != nil {
		return bad("the task's data cannot be stored: %v", err)
	}
	k := hashKey(hash)
	if _, dup := p.seen[k]; dup {
		p.duplicates++
		return nil
	}
	it := item{task: store.NewTask{Data: raw, DataHash: hash}, media: mf}
	if len(anns)+len(preds) > 0 && p.cfg == nil {
		return bad("the task has annotations or predictions, but the project has no label config to check them against: set one first")
	}
	for i, a := range anns {
		if err := p.checkResult(a.Result, data, !a.WasCancelled); err != nil {
			return bad("annotation %d: %v", i+1, err)
		}
		var email string
		var foreign int64
		if a.CompletedBy != nil {
			email, foreign = a.CompletedBy.Email, a.CompletedBy.ID
		}
		it.annotations = append(it.annotations, store.NewAnnotation{
			Annotator: email, AnnotatorID: foreign, Result: resultJSON(a.Result), WasCancelled: a.WasCancelled,
			GroundTruth: a.GroundTruth, LeadTime: a.LeadTime,
		})
	}
	for i, pr := range preds {
		if err := p.checkResult(pr.Result, data, true); err != nil {
			return bad("prediction %d: %v", i+1, err)
		}
		it.predictions = append(it.predictions, store.NewPrediction{ModelVersion: pr.ModelVersion, Score: pr.Score, Result: resultJSON(pr.Result)})
	}
	p.seen[k] = struct{}{}
	return p.send(ctx, it)
}

// missingKeys names the data keys the label config reads that the task lacks.
func (p *producer) missingKeys(data map[string]any) string {
	if p.cfg == nil {
		return ""
	}
	var missing []string
	for _, k := range p.cfg.DataKeys() {
		if _, ok := data[k]; !ok {
			missing = append(missing, fmt.Sprintf("%q", k))
		}
	}
	if len(missing) == 0 {
		return ""
	}
	have := make([]string, 0, len(data))
	for k := range data {
		have = append(have, fmt.Sprintf("%q", k))
	}
	sort.Strings(have)
	return fmt.Sprintf("the task lacks the data key %s that the label config reads (it has %s)", strings.Join(missing, ", "), strings.Join(have, ", "))
}

// checkResult validates result items against the config and the task, after
// pulling boxes a hair past the image's edge onto it (in place).
func (p *producer) checkResult(items []json.RawMessage, data map[string]any, validate bool) error {
	labeling.ClampBoxes(items)
	results := make([]labeling.Result, len(items))
	for i, raw := range items {
		if err := json.Unmarshal(raw, &results[i]); err != nil {
			return fmt.Errorf("result %d: %v", i+1, err)
		}
	}
	if !validate {
		return nil
	}
	return p.cfg.Validate(results, labeling.Task{Data: data})
}

func resultJSON(items []json.RawMessage) json.RawMessage {
	if items == nil {
		return json.RawMessage("[]")
	}
	b, _ := json.Marshal(items)
	return b
}
