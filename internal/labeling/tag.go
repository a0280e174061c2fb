package labeling

import "strings"

// Tag is the XML tag that makes this control, e.g. "Choices", as Label Studio's
// parsed_label_config names it.
func (ctl Control) Tag() string { return controlTag(ctl.Type) }

// Tag is the XML tag that makes this object, e.g. "Text".
func (o Object) Tag() string { return strings.Trim(objectTag(o.Type), "<>") }
