// Package labeling holds Concord's labeling interface: it parses the Label
// Studio–style XML label configs a project is set up with, defines the
// annotation result types in Label Studio's JSON shape, validates results
// against a config and a task, and converts between Go string offsets and the
// UTF-16 code-unit offsets that Label Studio and browsers use for text spans.
//
// # Supported configs
//
// The XML subset is exactly:
//
//   - layout: View (nestable), Header (value="..." or inner text);
//   - objects: Text, Image, Audio, each with name and value="$key", where key
//     names the task data field;
//   - controls: Choices with Choice children (choice="single", "single-radio"
//     or "multiple"; default single), Labels with Label children on a Text
//     (spans) or an Audio (time regions), RectangleLabels with Label children
//     on an Image, TextArea (one per task, or perRegion="true"), and Rating
//     (maxRating, default 5); Choices, TextArea and Rating fit any object.
//
// Controls take name, toName (exactly one object) and required; Choice and
// Label take value and hotkey, Label also background; TextArea takes
// placeholder. Besides these, a few presentational attributes that people
// routinely paste from Label Studio's templates are accepted and ignored:
// style (every tag), showInline (Choices, Labels, RectangleLabels), zoom and
// zoomControl (Image), rows and editable (TextArea). Attributes that would
// change what a result means are refused even though Label Studio knows
// them: alias (results would carry the alias instead of the value),
// granularity, perRegion on Choices, choice on Labels, valueType, and so on.
// Tag and attribute names match case-insensitively, as in Label Studio.
// Anything else is a *ConfigError naming the line, the tag and what is
// supported.
//
// # Results
//
// Result and Value marshal to and from Label Studio's result items, keeping
// fields this package does not model (such as an audio region's channel or
// a prediction's score) so that a round trip loses nothing.
//
// This package is pure: it imports nothing but the standard library and knows
// nothing of HTTP, SQL or templates.
package labeling
