package view

import (
	"fmt"
	"html"
	"strings"
	"time"

	"github.com/a-h/templ"

	"concord/internal/store"
)

// ReviewQueueData is the review queue page's model.
type ReviewQueueData struct {
	Project          store.Project
	State, Label     string
	Annotator        int64
	From, To         string // dates as typed, 2006-01-02
	Labels           []string
	Annotators       []Person
	Rows             []ReviewRow
	Page             int
	PrevURL, NextURL string
}

// ReviewRow is one task of the review queue.
type ReviewRow struct {
	TaskID      int64
	Preview     string
	Agreement   string
	Annotations int
	State       string
	LastAt      time.Time
}

// ReviewTaskData is the side-by-side view of one task's annotations.
type ReviewTaskData struct {
	Project     store.Project
	TaskID      int64
	Agreement   string
	Error       string
	Annotations []ReviewAnn
	Objects     []ReviewObject
	Choices     []ChoiceTable
	Others      []OtherRow
	Fix         *FixForm
	QueueURL    string
	NextURL     string // the next task waiting for review, "" when none
}

// ReviewAnn is one annotation's card: who, its state, and the verdict forms.
type ReviewAnn struct {
	ID          int64
	N           int
	Class       string
	Email       string
	State       string
	Comment     string
	GroundTruth bool
	Cancelled   bool
	When        time.Time
	LeadTime    float64
}

// Tag is the annotation's short name on the drawings.
func (a ReviewAnn) Tag() string { return fmt.Sprintf("A%d", a.N) }

// ReviewObject is one Text, Image or Audio of the config with every annotation's marks.
type ReviewObject struct {
	Name, Type string
	Text       *TextView
	Image      *ImageView
	Audio      *AudioView
}

// TextView is a text cut at every span edge, and the spans listed.
type TextView struct {
	Segments []Segment
	Spans    []SpanLine
}

// Segment is a piece of the text and the spans covering all of it, outermost first.
type Segment struct {
	Text    string
	Layers  []Layer
	Differs bool
}

// Layer is one annotation's span over a segment; Tag is set where the span ends.
type Layer struct {
	N     int
	Class string
	Lane  string
	Tag   string
}

// SpanLine is a span in the list under the text.
type SpanLine struct {
	N                   int
	Class, Email, Label string
	Text                string
	Start, End          int
	Differs             bool
}

// ImageView is an image in its own pixel units with every box over it.
type ImageView struct {
	Src   string
	W, H  float64
	Known bool // the size is the image's own; else boxes are drawn on a stretched square
	Boxes []BoxMark
}

// BoxMark is one box, in image pixels.
type BoxMark struct {
	N                   int
	Class, Email, Label string
	X, Y, W, H          float64
	Pct                 string
	Differs             bool
}

// AudioView is an audio file's regions, one lane per annotation.
type AudioView struct {
	Src, Peaks string
	Duration   float64
	Lanes      []Lane
	Regions    []RegionMark
}

// Lane is one annotation's row on the timeline.
type Lane struct {
	N            int
	Class, Email string
	Y            float64
}

// RegionMark is one audio region, in seconds.
type RegionMark struct {
	N                   int
	Class, Email, Label string
	Start, End          float64
	Differs             bool
	Lane                int
}

// ChoiceTable is annotator × choice for one Choices control.
type ChoiceTable struct {
	Control  string
	Labels   []string
	Rows     []ChoiceRow
	Majority string
}

// ChoiceRow is one annotation's choices; Differs when it is not the majority's answer.
type ChoiceRow struct {
	N            int
	Class, Email string
	Marks        []bool
	Differs      bool
}

// OtherRow is a text or rating answer.
type OtherRow struct {
	N                            int
	Class, Email, Control, Value string
}

// FixForm is the reviewer's editor for "fix and accept", started from one annotation.
type FixForm struct {
	BaseID    int64
	BaseTag   string
	BaseEmail string
	Choices   []FixChoice
	Regions   []FixRegion
}

// FixChoice is a Choices control with the base annotation's answer checked.
type FixChoice struct {
	Control  string
	Multiple bool
	Options  []FixOption
}

// FixOption is one choice.
type FixOption struct {
	Value   string
	Checked bool
}

// FixRegion is one region to keep, relabel, move or remove; New rows add one.
type FixRegion struct {
	Index   int
	Kind    string // span, box or audio
	Object  string
	Control string
	ID      string
	Label   string
	Labels  []string
	Nums    []FixNum
	HasText bool
	Text    string
	New     bool
}

// FixNum is one coordinate field of a region.
type FixNum struct {
	Name, Label, Value, Step string
}

func (r FixRegion) field(name string) string { return fmt.Sprintf("r%d.%s", r.Index, name) }

func (r FixRegion) fieldID(name string) string { return fmt.Sprintf("fix-r%d-%s", r.Index, name) }

// textHTML writes the text with its layered spans exactly: no white space may
// be added between the pieces, whose concatenation is the task's text.
func textHTML(tv *TextView) templ.Component {
	var b strings.Builder
	for _, s := range tv.Segments {
		if s.Differs {
			b.WriteString(`<span class="df">`)
		}
		for _, l := range s.Layers {
			cls := "u " + l.Class + " " + l.Lane
			if l.Tag != "" {
				cls += " end"
			}
			fmt.Fprintf(&b, `<span class="%s" data-l="%s">`, cls, html.EscapeString(l.Tag))
		}
		b.WriteString(html.EscapeString(s.Text))
		b.WriteString(strings.Repeat("</span>", len(s.Layers)))
		if s.Differs {
			b.WriteString(`</span>`)
		}
	}
	return templ.Raw(b.String())
}

func sec(v float64) string { return fmt.Sprintf("%.2f s", v) }
