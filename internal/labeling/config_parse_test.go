package labeling

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

const fullConfig = `<?xml version="1.0"?>
<!-- every supported tag -->
<View style="display: flex">
  <Header value="Read, look and listen"/>
  <Header>Then label</Header>
  <View>
    <Text name="text" value="$text"/>
    <Choices name="sentiment" toName="text" choice="single-radio" showInline="true" required="true">
      <Choice value="Positive" hotkey="p"/>
      <Choice value="Negative" hotkey="n" style="color: red"/>
    </Choices>
    <Labels name="entities" toName="text">
      <Label value="PER" hotkey="1" background="red"/>
      <Label value="ORG" background="#00ff00"/>
    </Labels>
  </View>
  <Image name="image" value="$image" zoom="true" zoomControl="true"/>
  <RectangleLabels name="boxes" toName="image">
    <Label value="Car" hotkey="c"/>
  </RectangleLabels>
  <Audio name="audio" value="$audio"/>
  <Labels name="segments" toName="audio">
    <Label value="Speech" hotkey="s"/>
  </Labels>
  <TextArea name="transcription" toName="audio" perRegion="true" rows="2" editable="true" placeholder="Say what you hear"/>
  <TextArea name="comment" toName="text" required="false"/>
  <Rating name="quality" toName="image" maxRating="10"/>
  <Rating name="stars" toName="audio"/>
  <Text name="title" value="$text"/>
</View>`

func TestParseConfigFull(t *testing.T) {
	c, err := ParseConfig(fullConfig)
	if err != nil {
		t.Fatal(err)
	}
	want := &Config{
		Headers: []string{"Read, look and listen", "Then label"},
		Objects: []Object{
			{Name: "text", Type: ObjectText, Value: "text", Line: 7},
			{Name: "image", Type: ObjectImage, Value: "image", Line: 17},
			{Name: "audio", Type: ObjectAudio, Value: "audio", Line: 21},
			{Name: "title", Type: ObjectText, Value: "text", Line: 29},
		},
		Controls: []Control{
			{Name: "sentiment", Type: TypeChoices, ToName: "text", Choice: ChoiceSingleRadio, Required: true, Header: "Then label", Line: 8,
				Labels: []Label{{Value: "Positive", Hotkey: "p"}, {Value: "Negative", Hotkey: "n"}}},
			{Name: "entities", Type: TypeLabels, ToName: "text", Line: 12,
				Labels: []Label{{Value: "PER", Hotkey: "1", Background: "red"}, {Value: "ORG", Background: "#00ff00"}}},
			{Name: "boxes", Type: TypeRectangleLabels, ToName: "image", Line: 18, Labels: []Label{{Value: "Car", Hotkey: "c"}}},
			{Name: "segments", Type: TypeLabels, ToName: "audio", Line: 22, Labels: []Label{{Value: "Speech", Hotkey: "s"}}},
			{Name: "transcription", Type: TypeTextArea, ToName: "audio", PerRegion: true, Placeholder: "Say what you hear", Line: 25},
			{Name: "comment", Type: TypeTextArea, ToName: "text", Line: 26},
			{Name: "quality", Type: TypeRating, ToName: "image", MaxRating: 10, Line: 27},
			{Name: "stars", Type: TypeRating, ToName: "audio", MaxRating: DefaultMaxRating, Line: 28},
		},
	}
	if !reflect.DeepEqual(c, want) {
		t.Errorf("ParseConfig:\n got %+v\nwant %+v", c, want)
	}
	if got, want := c.DataKeys(), []string{"text", "image", "audio"}; !reflect.DeepEqual(got, want) {
		t.Errorf("DataKeys() = %q, want %q", got, want)
	}
	if o, ok := c.Object("image"); !ok || o.Type != ObjectImage {
		t.Errorf("Object(image) = %+v, %v", o, ok)
	}
	if _, ok := c.Object("sentiment"); ok {
		t.Error("Object(sentiment) found a control")
	}
	if ctl, ok := c.Control("sentiment"); !ok || ctl.Multiple() || !reflect.DeepEqual(ctl.Values(), []string{"Positive", "Negative"}) {
		t.Errorf("Control(sentiment) = %+v, %v", ctl, ok)
	}
	if _, ok := c.Control("text"); ok {
		t.Error("Control(text) found an object")
	}
	var names []string
	for _, ctl := range c.ControlsFor("audio") {
		names = append(names, ctl.Name)
	}
	if want := []string{"segments", "transcription", "stars"}; !reflect.DeepEqual(names, want) {
		t.Errorf("ControlsFor(audio) = %q, want %q", names, want)
	}
	if l, ok := c.Controls[1].Label("PER"); !ok || l.Background != "red" {
		t.Errorf("Label(PER) = %+v, %v", l, ok)
	}
}

func TestParseConfigLenient(t *testing.T) {
	for _, tc := range []struct{ name, src string }{
		{"lower-case tags and attributes", `<view><text name="t" value="$t"/><choices name="c" toname="t" CHOICE="multiple"><choice value="a"/></choices></view>`},
		{"control before its object", `<View><Labels name="l" toName="t"><Label value="a"/></Labels><Text name="t" value="$t"/></View>`},
		{"TRUE in capitals", `<View><Text name="t" value="$t"/><Rating name="r" toName="t" required="TRUE"/></View>`},
		{"object without controls", `<View><Text name="a" value="$a"/><Image name="i" value="$img"/><Choices name="c" toName="i"><Choice value="x"/></Choices></View>`},
		{"processing instruction and comments", "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- c --><View><!-- c --><Text name=\"t\" value=\"$t\"/><TextArea name=\"x\" toName=\"t\"/></View>\n<!-- end -->"},
		{"entities in values", `<View><Text name="t" value="$t"/><Choices name="c" toName="t"><Choice value="A &amp; B"/><Choice value="&lt;none&gt;"/></Choices></View>`},
		{"unicode label values", `<View><Text name="t" value="$t"/><Labels name="l" toName="t"><Label value="人名" hotkey="ä"/><Label value="🙂"/></Labels></View>`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := ParseConfig(tc.src); err != nil {
				t.Fatal(err)
			}
		})
	}
	c, _ := ParseConfig(`<View><Text name="t" value="$t"/><Choices name="c" toName="t"><Choice value="A &amp; B"/></Choices></View>`)
	if got := c.Controls[0].Labels[0].Value; got != "A & B" {
		t.Errorf("entity value = %q", got)
	}
}

func TestParseConfigErrors(t *testing.T) {
	const text = `<Text name="t" value="$t"/>`
	for _, tc := range []struct {
		name string
		src  string
		line int
		tag  string
		msg  string // a substring of Msg
	}{
		{"empty", "", 0, "", "empty config"},
		{"whitespace only", " \n ", 0, "", "empty config"},
		{"not XML", "hello", 1, "", "outside <View>"},
		{"unclosed", "<View>\n" + text + "\n", 3, "", "malformed XML"},
		{"mismatched", "<View>\n<Choices name=\"c\" toName=\"t\"><Choice value=\"a\"/>\n</View>", 3, "", "malformed XML"},
		{"unknown entity", `<View><Text name="t" value="&foo;"/></View>`, 1, "", "malformed XML"},
		{"doctype", "<!DOCTYPE x>\n<View/>", 1, "", "directives"},
		{"root not View", text, 1, "Text", "must start with <View>"},
		{"two roots", "<View>" + text + "<Rating name=\"r\" toName=\"t\"/></View>\n<View/>", 2, "View", "single root"},
		{"unsupported tag", "<View>\n" + text + "\n  <Foo/>\n</View>", 3, "Foo", "unsupported tag (supported: View, Header, Text, Image, Audio, Choices, Choice, Labels, Label, RectangleLabels, TextArea, Rating, Number)"},
		{"unsupported LS tag", "<View>\n<HyperText name=\"h\" value=\"$h\"/></View>", 2, "HyperText", "unsupported tag"},
		{"namespaced tag", `<View><x:Text xmlns:x="urn:x" name="t" value="$t"/></View>`, 1, "Text", "namespaces are not supported"},
		{"tag spanning lines reports its first line", "<View>\n" + text + "\n<Polygon\n name=\"p\"\n/></View>", 3, "Polygon", "unsupported tag"},
		{"unsupported attribute", "<View>\n<Text name=\"t\" value=\"$t\" granularity=\"word\"/></View>", 2, "Text", `unsupported attribute "granularity" (supported: name, value, style)`},
		{"alias refused", "<View>" + text + "<Choices name=\"c\" toName=\"t\">\n<Choice value=\"a\" alias=\"A\"/></Choices></View>", 2, "Choice", `unsupported attribute "alias"`},
		{"perRegion on Choices refused", "<View>" + text + "<Choices name=\"c\" toName=\"t\" perRegion=\"true\"><Choice value=\"a\"/></Choices></View>", 1, "Choices", `unsupported attribute "perRegion"`},
		{"xmlns refused", `<View xmlns="urn:x"></View>`, 1, "View", "namespaces are not supported"},
		{"xmlns prefix refused", `<View xmlns:x="urn:x"></View>`, 1, "View", `unsupported attribute "xmlns:x"`},
		{"attribute twice in two cases", `<View>` + text + `<Choices name="c" toName="t" choice="single" Choice="multiple"><Choice value="a"/></Choices></View>`, 1, "Choices", "given twice"},
		{"Choice outside Choices", "<View>\n" + text + "\n<Choice value=\"a\"/></View>", 3, "Choice", "not allowed inside <View> (allowed: View, Header"},
		{"Label inside Choices", "<View>" + text + "<Choices name=\"c\" toName=\"t\">\n<Label value=\"a\"/></Choices></View>", 2, "Label", "not allowed inside <Choices> (allowed: Choice)"},
		{"child of an object", "<View><Text name=\"t\" value=\"$t\">\n<Header value=\"h\"/></Text></View>", 2, "Header", "not allowed inside <Text>, which takes no tags"},
		{"stray text", "<View>\n" + text + "\n  hello\n</View>", 2, "View", `unexpected text "hello"`},
		{"text inside Choices", "<View>" + text + "<Choices name=\"c\" toName=\"t\">x<Choice value=\"a\"/></Choices></View>", 1, "Choices", "unexpected text"},
		{"no objects", "<View><Header value=\"h\"/></View>", 0, "", "no object tag"},
		{"no controls", "<View>" + text + "</View>", 0, "", "no control tag"},
		{"missing name", "<View>\n<Text value=\"$t\"/></View>", 2, "Text", `missing attribute "name"`},
		{"empty name", "<View>\n<Text name=\" \" value=\"$t\"/></View>", 2, "Text", `attribute "name" is empty`},
		{"missing value", "<View>\n<Image name=\"i\"/></View>", 2, "Image", `missing attribute "value"`},
		{"value without $", "<View>\n<Image name=\"i\" value=\"image\"/></View>", 2, "Image", `must name a task data key, like "$image"`},
		{"value only $", "<View>\n<Audio name=\"a\" value=\"$\"/></View>", 2, "Audio", "must name a task data key"},
		{"duplicate names", "<View>\n" + text + "\n<Choices name=\"t\" toName=\"t\"><Choice value=\"a\"/></Choices></View>", 3, "Choices", `name "t" is already used on line 2`},
		{"missing toName", "<View>" + text + "\n<Rating name=\"r\"/></View>", 2, "Rating", `missing attribute "toName"`},
		{"unknown toName", "<View>" + text + "\n<Rating name=\"r\" toName=\"x\"/></View>", 2, "Rating", `toName "x" names no object (objects: t)`},
		{"two toNames", "<View>" + text + "\n<Rating name=\"r\" toName=\"t,u\"/></View>", 2, "Rating", "exactly one object"},
		{"toName names a control", "<View>" + text + "<Rating name=\"r\" toName=\"t\"/>\n<Rating name=\"s\" toName=\"r\"/></View>", 2, "Rating", `toName "r" names no object`},
		{"Labels on Image", "<View><Image name=\"i\" value=\"$i\"/>\n<Labels name=\"l\" toName=\"i\"><Label value=\"a\"/></Labels></View>", 2, "Labels", "<Labels> needs a <Text> or an <Audio>"},
		{"RectangleLabels on Text", "<View>" + text + "\n<RectangleLabels name=\"l\" toName=\"t\"><Label value=\"a\"/></RectangleLabels></View>", 2, "RectangleLabels", "<RectangleLabels> needs an <Image>"},
		{"RectangleLabels on Audio", "<View><Audio name=\"a\" value=\"$a\"/>\n<RectangleLabels name=\"l\" toName=\"a\"><Label value=\"x\"/></RectangleLabels></View>", 2, "RectangleLabels", "needs an <Image>"},
		{"perRegion without regions", "<View>" + text + "\n<TextArea name=\"x\" toName=\"t\" perRegion=\"true\"/></View>", 2, "TextArea", "perRegion needs a <Labels> or <RectangleLabels>"},
		{"empty Choices", "<View>" + text + "\n<Choices name=\"c\" toName=\"t\">\n</Choices></View>", 2, "Choices", "needs at least one <Choice>"},
		{"empty Labels", "<View>" + text + "\n<Labels name=\"c\" toName=\"t\"/></View>", 2, "Labels", "needs at least one <Label>"},
		{"duplicate label", "<View>" + text + "<Labels name=\"l\" toName=\"t\"><Label value=\"a\"/>\n<Label value=\"a\"/></Labels></View>", 2, "Label", `value "a" appears twice in <Labels name="l">`},
		{"label without value", "<View>" + text + "<Labels name=\"l\" toName=\"t\">\n<Label hotkey=\"a\"/></Labels></View>", 2, "Label", `missing attribute "value"`},
		{"duplicate hotkey across controls", "<View>" + text + "<Labels name=\"l\" toName=\"t\"><Label value=\"a\" hotkey=\"x\"/></Labels>\n<Choices name=\"c\" toName=\"t\"><Choice value=\"b\" hotkey=\"X\"/></Choices></View>", 2, "Choice", `hotkey "X" is already used on line 1`},
		{"empty hotkey", "<View>" + text + "<Labels name=\"l\" toName=\"t\"><Label value=\"a\" hotkey=\"\"/></Labels></View>", 1, "Label", "hotkey is empty"},
		{"bad choice", "<View>" + text + "\n<Choices name=\"c\" toName=\"t\" choice=\"many\"><Choice value=\"a\"/></Choices></View>", 2, "Choices", `choice "many" must be "single", "single-radio" or "multiple"`},
		{"maxRating zero", "<View>" + text + "\n<Rating name=\"r\" toName=\"t\" maxRating=\"0\"/></View>", 2, "Rating", "maxRating \"0\" must be a positive whole number"},
		{"maxRating word", "<View>" + text + "\n<Rating name=\"r\" toName=\"t\" maxRating=\"ten\"/></View>", 2, "Rating", "positive whole number"},
		{"maxRating fraction", "<View>" + text + "\n<Rating name=\"r\" toName=\"t\" maxRating=\"2.5\"/></View>", 2, "Rating", "positive whole number"},
		{"bad boolean", "<View>" + text + "\n<Rating name=\"r\" toName=\"t\" required=\"yes\"/></View>", 2, "Rating", `required "yes" must be "true" or "false"`},
		{"maxRating on TextArea", "<View>" + text + "\n<TextArea name=\"r\" toName=\"t\" maxRating=\"3\"/></View>", 2, "TextArea", `unsupported attribute "maxRating"`},
		{"Rating with children", "<View>" + text + "<Rating name=\"r\" toName=\"t\">\n<Choice value=\"a\"/></Rating></View>", 2, "Choice", "which takes no tags"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := ParseConfig(tc.src)
			if err == nil {
				t.Fatalf("ParseConfig = %+v, want an error", c)
			}
			var ce *ConfigError
			if !errors.As(err, &ce) {
				t.Fatalf("error %T %v is not a *ConfigError", err, err)
			}
			if ce.Line != tc.line || ce.Tag != tc.tag || !strings.Contains(ce.Msg, tc.msg) {
				t.Errorf("got line %d tag %q msg %q\nwant line %d tag %q msg containing %q", ce.Line, ce.Tag, ce.Msg, tc.line, tc.tag, tc.msg)
			}
		})
	}
}

func TestConfigErrorString(t *testing.T) {
	for _, tc := range []struct {
		err  ConfigError
		want string
	}{
		{ConfigError{Line: 3, Tag: "Foo", Msg: "unsupported tag"}, "line 3: <Foo>: unsupported tag"},
		{ConfigError{Line: 3, Msg: "malformed XML: x"}, "line 3: malformed XML: x"},
		{ConfigError{Msg: "empty config"}, "empty config"},
	} {
		if got := tc.err.Error(); got != tc.want {
			t.Errorf("Error() = %q, want %q", got, tc.want)
		}
	}
}

// TestHeaderCaptionsNextControl checks that a Header is the question of the next
// control, even past an object, and of no control after that.
func TestHeaderCaptionsNextControl(t *testing.T) {
	c, err := ParseConfig(`<View>
  <Header value="What is said?"/>
  <Audio name="audio" value="$audio"/>
  <Labels name="label" toName="audio"><Label value="Speech"/></Labels>
  <TextArea name="transcription" toName="audio" perRegion="true"/>
  <Header>How sure are you?</Header>
  <Rating name="sure" toName="audio"/>
</View>`)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, ctl := range c.Controls {
		got = append(got, ctl.Name+"="+ctl.Header)
	}
	if want := []string{"label=What is said?", "transcription=", "sure=How sure are you?"}; strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("captions %q, want %q", got, want)
	}
}

// labelsConfig is a valid config whose one Choices control has n choices.
func labelsConfig(n int) string {
	var b strings.Builder
	b.WriteString(`<View><Text name="text" value="$text"/><Choices name="c" toName="text">`)
	for i := range n {
		fmt.Fprintf(&b, "\n<Choice value=\"label %d\"/>", i)
	}
	b.WriteString("\n</Choices></View>")
	return b.String()
}

// TestParseConfigMaxLabels checks that MaxLabels labels parse and one more is
// refused, naming the limit and the line of the first label past it.
func TestParseConfigMaxLabels(t *testing.T) {
	cfg, err := ParseConfig(labelsConfig(MaxLabels))
	if err != nil {
		t.Fatal(err)
	}
	if got := len(cfg.Controls[0].Labels); got != MaxLabels {
		t.Fatalf("%d labels, want %d", got, MaxLabels)
	}
	_, err = ParseConfig(labelsConfig(MaxLabels + 1))
	var ce *ConfigError
	if !errors.As(err, &ce) {
		t.Fatalf("%d labels: got %v, want a ConfigError", MaxLabels+1, err)
	}
	if !strings.Contains(ce.Error(), "at most 5000") || ce.Line != MaxLabels+2 {
		t.Errorf("got %q on line %d, want the limit named on line %d", ce.Error(), ce.Line, MaxLabels+2)
	}
}

// BenchmarkParseConfigLabels parses configs of 500 and 5,000 labels: the time
// per label should not grow with their number (it grew linearly when each
// label was checked against every label before it).
func BenchmarkParseConfigLabels(b *testing.B) {
	for _, n := range []int{500, MaxLabels} {
		src := labelsConfig(n)
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for b.Loop() {
				if _, err := ParseConfig(src); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/label")
		})
	}
}
