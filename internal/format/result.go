package format

import (
	"encoding/json"
	"fmt"
	"strings"
)

// resultItem is the part of a Label Studio result item the writers read.
type resultItem struct {
	ID             string      `json:"id"`
	FromName       string      `json:"from_name"`
	ToName         string      `json:"to_name"`
	Type           string      `json:"type"`
	OriginalWidth  float64     `json:"original_width"`
	OriginalHeight float64     `json:"original_height"`
	Value          resultValue `json:"value"`
}

type resultValue struct {
	Start           *float64        `json:"start"`
	End             *float64        `json:"end"`
	Text            json.RawMessage `json:"text"` // a string on spans, a list on textareas
	Labels          []string        `json:"labels"`
	Choices         []string        `json:"choices"`
	RectangleLabels []string        `json:"rectanglelabels"`
	X               float64         `json:"x"`
	Y               float64         `json:"y"`
	Width           float64         `json:"width"`
	Height          float64         `json:"height"`
	Rotation        float64         `json:"rotation"`
	Raw             json.RawMessage `json:"-"`
}

// parseResults decodes result items; an item that is not a result is an error.
func parseResults(rs []json.RawMessage) ([]resultItem, error) {
	items := make([]resultItem, 0, len(rs))
	for i, r := range rs {
		var it resultItem
		if err := json.Unmarshal(r, &it); err != nil {
			return nil, fmt.Errorf("result[%d]: %w", i, jsonMsg(err))
		}
		var v struct {
			Value json.RawMessage `json:"value"`
		}
		json.Unmarshal(r, &v) // cannot fail after the line above
		it.Value.Raw = v.Value
		items = append(items, it)
	}
	return items, nil
}

// labels returns the class names an item carries, whatever its type.
func (it resultItem) labels() []string {
	switch {
	case len(it.Value.RectangleLabels) > 0:
		return it.Value.RectangleLabels
	case len(it.Value.Labels) > 0:
		return it.Value.Labels
	}
	return it.Value.Choices
}

// texts returns a textarea item's texts.
func (it resultItem) texts() []string {
	var list []string
	if json.Unmarshal(it.Value.Text, &list) == nil {
		return list
	}
	var s string
	if json.Unmarshal(it.Value.Text, &s) == nil {
		return []string{s}
	}
	return nil
}

// chosenAnnotation returns the annotation exported for one-label-per-task
// formats: the first that was not cancelled. Callers that want consensus or
// ground truth put that annotation first (or alone) before writing.
func chosenAnnotation(t Task) *Annotation {
	for i := range t.Annotations {
		if !t.Annotations[i].WasCancelled {
			return &t.Annotations[i]
		}
	}
	return nil
}

// minValues groups an annotation's values by from_name in Label Studio's
// JSON_MIN style: a lone single-valued list becomes its value ("pos"), a lone
// value with one key becomes that key's value ({"choices": [...]} stays an
// object when it holds several), and several regions become a list of their
// value objects.
func minValues(items []resultItem) (map[string]any, error) {
	byName := map[string][]map[string]any{}
	var order []string
	for _, it := range items {
		if it.FromName == "" || len(it.Value.Raw) == 0 {
			continue
		}
		v, err := decodeData(it.Value.Raw)
		if err != nil {
			return nil, fmt.Errorf("result %q: value: %w", it.ID, err)
		}
		if _, ok := byName[it.FromName]; !ok {
			order = append(order, it.FromName)
		}
		byName[it.FromName] = append(byName[it.FromName], v)
	}
	out := make(map[string]any, len(order))
	for _, name := range order {
		vs := byName[name]
		if len(vs) == 1 && len(vs[0]) == 1 {
			for k, v := range vs[0] {
				if list, ok := v.([]any); ok && len(list) != 1 {
					out[name] = map[string]any{k: list}
				} else if ok {
					out[name] = list[0]
				} else {
					out[name] = v
				}
			}
			continue
		}
		list := make([]any, len(vs))
		for i, v := range vs {
			list[i] = v
		}
		out[name] = list
	}
	return out, nil
}

// cell renders a value for a CSV or TSV cell: strings as they are, anything else as JSON.
func cell(v any) (string, error) {
	switch v := v.(type) {
	case nil:
		return "", nil
	case string:
		return v, nil
	case json.Number:
		return v.String(), nil
	}
	b, err := marshalNoEscape(v)
	return string(b), err
}

// fileBase returns the last element of a path or URL, without query or fragment.
func fileBase(s string) string {
	if i := strings.IndexAny(s, "?#"); i >= 0 {
		s = s[:i]
	}
	s = strings.TrimRight(s, "/")
	if i := strings.LastIndexAny(s, `/\`); i >= 0 {
		s = s[i+1:]
	}
	return s
}
