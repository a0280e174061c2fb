package labeling

// ObjectType says what kind of data an object shows.
type ObjectType string

// The object types a config may contain.
const (
	ObjectText  ObjectType = "text"
	ObjectImage ObjectType = "image"
	ObjectAudio ObjectType = "audio"
)

// The control types, spelled as Label Studio spells a result's type.
const (
	TypeChoices         = "choices"
	TypeLabels          = "labels"
	TypeRectangleLabels = "rectanglelabels"
	TypeTextArea        = "textarea"
	TypeRating          = "rating"
	TypeNumber          = "number"
)

// The values of a Choices control's choice attribute.
const (
	ChoiceSingle      = "single"
	ChoiceSingleRadio = "single-radio"
	ChoiceMultiple    = "multiple"
)

// DefaultMaxRating is a Rating control's maxRating when the config gives none.
const DefaultMaxRating = 5

// MaxLabels is the most Choice and Label tags a label config may hold, over
// all its controls; a config with more is refused. Parsing takes time linear
// in the config's size.
const MaxLabels = 5000

// Config is a parsed and validated label config.
type Config struct {
	Headers  []string  // Header texts, in document order
	Objects  []Object  // Text, Image and Audio tags, in document order
	Controls []Control // Choices, Labels, RectangleLabels, TextArea and Rating tags, in document order
}

// Object is a tag that shows task data: a Text, an Image or an Audio.
type Object struct {
	Name  string
	Type  ObjectType
	Value string // the task data key, without the leading $
	Line  int    // where the tag starts in the config
}

// Control is a tag that produces results about an object.
type Control struct {
	Name        string
	Type        string // TypeChoices, TypeLabels, TypeRectangleLabels, TypeTextArea or TypeRating
	ToName      string // the object's name
	Choice      string // for Choices: ChoiceSingle, ChoiceSingleRadio or ChoiceMultiple
	Required    bool
	PerRegion   bool     // for TextArea: one text per region of the object
	MaxRating   int      // for Rating
	Min, Max    *float64 // for Number: the bounds, when given
	Placeholder string   // for TextArea
	Header      string   // the text of the nearest Header before it, if no other control came between: its question
	Labels      []Label
	Line        int // where the tag starts in the config
}

// Label is one Choice of a Choices control or one Label of a Labels or RectangleLabels control.
type Label struct {
	Value      string
	Hotkey     string
	Background string
}

// Object returns the object with the given name.
func (c *Config) Object(name string) (Object, bool) {
	for _, o := range c.Objects {
		if o.Name == name {
			return o, true
		}
	}
	return Object{}, false
}

// Control returns the control with the given name.
func (c *Config) Control(name string) (Control, bool) {
	for _, ctl := range c.Controls {
		if ctl.Name == name {
			return ctl, true
		}
	}
	return Control{}, false
}

// ControlsFor returns the controls whose toName is the given object, in document order.
func (c *Config) ControlsFor(object string) []Control {
	var out []Control
	for _, ctl := range c.Controls {
		if ctl.ToName == object {
			out = append(out, ctl)
		}
	}
	return out
}

// DataKeys returns the task data keys the objects read, each once, in document order.
func (c *Config) DataKeys() []string {
	var keys []string
	seen := make(map[string]bool)
	for _, o := range c.Objects {
		if !seen[o.Value] {
			seen[o.Value] = true
			keys = append(keys, o.Value)
		}
	}
	return keys
}

// Label returns the control's label or choice with the given value.
func (ctl Control) Label(value string) (Label, bool) {
	for _, l := range ctl.Labels {
		if l.Value == value {
			return l, true
		}
	}
	return Label{}, false
}

// Values returns the values of the control's labels or choices, in order.
func (ctl Control) Values() []string {
	out := make([]string, len(ctl.Labels))
	for i, l := range ctl.Labels {
		out[i] = l.Value
	}
	return out
}

// Multiple reports whether the control accepts more than one choice in a result.
func (ctl Control) Multiple() bool {
	return ctl.Type == TypeChoices && ctl.Choice == ChoiceMultiple
}
