package labeling

// Preset is a ready-made label config a manager can start a project from.
type Preset struct {
	Name   string // a stable identifier, like "ner"
	Title  string // a human title, like "Named entities"
	Config string // the XML label config
}

// Presets are the ready-made configs, one per kind of project Concord labels out of the box.
var Presets = []Preset{
	{Name: "sentiment", Title: "Text sentiment", Config: `<View>
  <Header value="What is the sentiment of this text?"/>
  <Text name="text" value="$text"/>
  <Choices name="sentiment" toName="text" choice="single" showInline="true" required="true">
    <Choice value="Positive" hotkey="1"/>
    <Choice value="Negative" hotkey="2"/>
    <Choice value="Neutral" hotkey="3"/>
  </Choices>
</View>`},
	{Name: "topic", Title: "Text topics", Config: `<View>
  <Header value="Which topics does this text cover?"/>
  <Text name="text" value="$text"/>
  <Choices name="topic" toName="text" choice="multiple" required="true">
    <Choice value="Politics" hotkey="1"/>
    <Choice value="Business" hotkey="2"/>
    <Choice value="Technology" hotkey="3"/>
    <Choice value="Science" hotkey="4"/>
    <Choice value="Health" hotkey="5"/>
    <Choice value="Sports" hotkey="6"/>
    <Choice value="Entertainment" hotkey="7"/>
    <Choice value="Other" hotkey="8"/>
  </Choices>
</View>`},
	{Name: "ner", Title: "Named entities", Config: `<View>
  <Labels name="label" toName="text">
    <Label value="PER" hotkey="1" background="#e53935"/>
    <Label value="ORG" hotkey="2" background="#fb8c00"/>
    <Label value="LOC" hotkey="3" background="#1e88e5"/>
    <Label value="MISC" hotkey="4" background="#43a047"/>
  </Labels>
  <Text name="text" value="$text"/>
</View>`},
	{Name: "image-classes", Title: "Image classes", Config: `<View>
  <Image name="image" value="$image"/>
  <Choices name="class" toName="image" choice="single" showInline="true" required="true">
    <Choice value="Cat" hotkey="1"/>
    <Choice value="Dog" hotkey="2"/>
    <Choice value="Bird" hotkey="3"/>
    <Choice value="Other" hotkey="4"/>
  </Choices>
</View>`},
	{Name: "object-boxes", Title: "Object boxes", Config: `<View>
  <RectangleLabels name="label" toName="image">
    <Label value="Person" hotkey="1" background="#e53935"/>
    <Label value="Vehicle" hotkey="2" background="#1e88e5"/>
    <Label value="Animal" hotkey="3" background="#43a047"/>
    <Label value="Other" hotkey="4" background="#8e24aa"/>
  </RectangleLabels>
  <Image name="image" value="$image"/>
</View>`},
	{Name: "audio-classes", Title: "Audio classes", Config: `<View>
  <Audio name="audio" value="$audio"/>
  <Choices name="class" toName="audio" choice="single" showInline="true" required="true">
    <Choice value="Speech" hotkey="1"/>
    <Choice value="Music" hotkey="2"/>
    <Choice value="Noise" hotkey="3"/>
    <Choice value="Silence" hotkey="4"/>
  </Choices>
</View>`},
	{Name: "speech-segments", Title: "Speech segments with transcription", Config: `<View>
  <Labels name="label" toName="audio">
    <Label value="Speech" hotkey="1" background="#1e88e5"/>
    <Label value="Noise" hotkey="2" background="#fb8c00"/>
  </Labels>
  <Audio name="audio" value="$audio"/>
  <TextArea name="transcription" toName="audio" perRegion="true"
            rows="2" editable="true" placeholder="What is said in this segment?"/>
</View>`},
}

// PresetByName returns the preset with the given name.
func PresetByName(name string) (Preset, bool) {
	for _, p := range Presets {
		if p.Name == name {
			return p, true
		}
	}
	return Preset{}, false
}
