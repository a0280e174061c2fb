package labeling

import "strings"

// tagSpec describes one supported tag: how it is spelled, which attributes it
// takes and which tags may appear inside it.
type tagSpec struct {
	name     string
	attrs    []string // attribute names as Label Studio spells them
	children []string // tag names allowed directly inside
	object   ObjectType
	control  string // the control's result type
}

// Supported lists every tag a config may use, in the order error messages name them.
var supportedTags = []string{
	"View", "Header", "Text", "Image", "Audio",
	"Choices", "Choice", "Labels", "Label", "RectangleLabels", "TextArea", "Rating", "Number",
}

var viewChildren = []string{
	"View", "Header", "Text", "Image", "Audio",
	"Choices", "Labels", "RectangleLabels", "TextArea", "Rating", "Number",
}

var tagSpecs = map[string]*tagSpec{
	"view":            {name: "View", attrs: []string{"style"}, children: viewChildren},
	"header":          {name: "Header", attrs: []string{"value", "style"}},
	"text":            {name: "Text", attrs: []string{"name", "value", "style"}, object: ObjectText},
	"image":           {name: "Image", attrs: []string{"name", "value", "style", "zoom", "zoomControl"}, object: ObjectImage},
	"audio":           {name: "Audio", attrs: []string{"name", "value", "style"}, object: ObjectAudio},
	"choices":         {name: "Choices", attrs: []string{"name", "toName", "choice", "required", "showInline", "style"}, children: []string{"Choice"}, control: TypeChoices},
	"choice":          {name: "Choice", attrs: []string{"value", "hotkey", "style"}},
	"labels":          {name: "Labels", attrs: []string{"name", "toName", "required", "showInline", "style"}, children: []string{"Label"}, control: TypeLabels},
	"rectanglelabels": {name: "RectangleLabels", attrs: []string{"name", "toName", "required", "showInline", "style"}, children: []string{"Label"}, control: TypeRectangleLabels},
	"label":           {name: "Label", attrs: []string{"value", "hotkey", "background", "style"}},
	"textarea":        {name: "TextArea", attrs: []string{"name", "toName", "required", "placeholder", "perRegion", "rows", "editable", "style"}, control: TypeTextArea},
	"rating":          {name: "Rating", attrs: []string{"name", "toName", "required", "maxRating", "style"}, control: TypeRating},
	"number":          {name: "Number", attrs: []string{"name", "toName", "required", "min", "max", "step", "style"}, control: TypeNumber},
}

// lookupTag finds a tag's spec, ignoring case as Label Studio does.
func lookupTag(name string) *tagSpec {
	return tagSpecs[strings.ToLower(name)]
}

// canonicalAttr returns the spec's spelling of an attribute, or "" when the tag does not take it.
func (s *tagSpec) canonicalAttr(name string) string {
	for _, a := range s.attrs {
		if strings.EqualFold(a, name) {
			return a
		}
	}
	return ""
}

// allows reports whether child may appear directly inside the tag.
func (s *tagSpec) allows(child string) bool {
	for _, c := range s.children {
		if c == child {
			return true
		}
	}
	return false
}

// fits reports whether a control of type control may point at an object of type object.
func fits(control string, object ObjectType) bool {
	switch control {
	case TypeLabels:
		return object == ObjectText || object == ObjectAudio
	case TypeRectangleLabels:
		return object == ObjectImage
	}
	return true
}
