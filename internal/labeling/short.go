package labeling

import (
	"encoding/json"
	"fmt"
	"strings"
)

// ExpandShortResult turns the short forms of a prediction's result that Label
// Studio accepts into full result items: a list is kept as it is; an object is
// the value of the first control whose type it names ({"choices": [...]});
// a string is one label of the first Choices control, or the text of the
// first TextArea.
func (c *Config) ExpandShortResult(raw json.RawMessage) ([]json.RawMessage, error) {
	raw = json.RawMessage(strings.TrimSpace(string(raw)))
	if len(raw) == 0 || string(raw) == "null" {
		return []json.RawMessage{}, nil
	}
	switch raw[0] {
	case '[':
		var items []json.RawMessage
		if err := json.Unmarshal(raw, &items); err != nil {
			return nil, fmt.Errorf("result: %v", err)
		}
		return items, nil
	case '{':
		var value map[string]json.RawMessage
		if err := json.Unmarshal(raw, &value); err != nil {
			return nil, fmt.Errorf("result: %v", err)
		}
		for _, ctl := range c.Controls {
			if _, ok := value[valueKey(ctl.Type)]; ok && !ctl.PerRegion {
				return c.item(ctl, raw)
			}
		}
		return nil, fmt.Errorf("result: the object names no control type of the label config (give the value of a control, e.g. {\"choices\": [...]}, or full result items)")
	case '"':
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, fmt.Errorf("result: %v", err)
		}
		for _, ctl := range c.Controls {
			switch {
			case ctl.Type == TypeChoices:
				v, _ := json.Marshal(map[string][]string{"choices": {s}})
				return c.item(ctl, v)
			case ctl.Type == TypeTextArea && !ctl.PerRegion:
				v, _ := json.Marshal(map[string][]string{"text": {s}})
				return c.item(ctl, v)
			}
		}
		return nil, fmt.Errorf("result: a bare label needs a Choices or TextArea control in the label config; give full result items instead")
	}
	return nil, fmt.Errorf("result: give a list of result items, a control's value object or a label")
}

// valueKey is the key of a control type's labels in a result's value.
func valueKey(controlType string) string {
	if controlType == TypeTextArea {
		return "text"
	}
	return controlType
}

// item is one result item of control ctl with the given value.
func (c *Config) item(ctl Control, value json.RawMessage) ([]json.RawMessage, error) {
	b, err := json.Marshal(map[string]any{"from_name": ctl.Name, "to_name": ctl.ToName, "type": ctl.Type, "value": value})
	return []json.RawMessage{b}, err
}
