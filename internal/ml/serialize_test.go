package ml

import (
	"bytes"
	"encoding"
	"errors"
	"image"
	"slices"
	"testing"
)

// roundTrip marshals a, unmarshals into b and marshals b again, expecting
// the same bytes.
func roundTrip(t *testing.T, a encoding.BinaryMarshaler, b encoding.BinaryUnmarshaler) []byte {
	t.Helper()
	data, err := a.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	if err := b.UnmarshalBinary(data); err != nil {
		t.Fatal(err)
	}
	again, err := b.(encoding.BinaryMarshaler).MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(data, again) {
		t.Error("re-encoding a decoded model gives different bytes")
	}
	return data
}

func TestSerializeText(t *testing.T) {
	for _, multi := range []bool{false, true} {
		train := synthMulti(200, 1)
		if !multi {
			train, _ = smsSplit(t)
			train = train[:300]
		}
		a, err := TrainText(train, TextOptions{Multi: multi})
		if err != nil {
			t.Fatal(err)
		}
		var b TextModel
		roundTrip(t, a, &b)
		for _, ex := range synthMulti(50, 9) {
			if pa, pb := a.Predict(ex.Text), b.Predict(ex.Text); !slices.Equal(pa, pb) {
				t.Fatalf("multi=%v: %v vs %v", multi, pa, pb)
			}
		}
	}
}

func TestSerializeSpans(t *testing.T) {
	a, err := TrainSpans(synthSpans(100, 1), SpanOptions{Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	var b SpanModel
	roundTrip(t, a, &b)
	for _, ex := range synthSpans(30, 2) {
		if pa, pb := a.Predict(ex.Text), b.Predict(ex.Text); !slices.Equal(pa, pb) {
			t.Fatalf("%v vs %v", pa, pb)
		}
	}
}

func TestSerializeImage(t *testing.T) {
	train, test := mnistTestdata(t)
	a, err := TrainImage(every(train, 10), ImageOptions{MaxIter: 30})
	if err != nil {
		t.Fatal(err)
	}
	var b ImageModel
	roundTrip(t, a, &b)
	for _, ex := range test[:50] {
		if pa, pb := a.Predict(ex.Image), b.Predict(ex.Image); !slices.Equal(pa, pb) {
			t.Fatalf("%v vs %v", pa, pb)
		}
	}
	if n := len(ImageFeatures(image.NewGray(image.Rect(0, 0, 5, 9)))); n != imageFeatureLen {
		t.Errorf("ImageFeatures has %d values, imageFeatureLen says %d", n, imageFeatureLen)
	}
}

func TestSerializeAudio(t *testing.T) {
	train, test := loadFSDD(t, fsddDir(t))
	a, err := TrainAudio(train, AudioOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var b AudioModel
	roundTrip(t, a, &b)
	for _, ex := range test[:30] {
		if pa, pb := a.Predict(ex.Samples, ex.SampleRate), b.Predict(ex.Samples, ex.SampleRate); !slices.Equal(pa, pb) {
			t.Fatalf("%v vs %v", pa, pb)
		}
	}
	if n := len(AudioFeatures(make([]float32, 10), 44100)); n != audioFeatureLen {
		t.Errorf("AudioFeatures has %d values, audioFeatureLen says %d", n, audioFeatureLen)
	}
}

func TestSerializeRejects(t *testing.T) {
	a, err := TrainText(synthMulti(50, 1), TextOptions{Multi: true})
	if err != nil {
		t.Fatal(err)
	}
	data, _ := a.MarshalBinary()
	future := slices.Clone(data)
	future[len(magic)+2] = 99 // format version 99
	var tm TextModel
	var sm SpanModel
	for name, c := range map[string]struct {
		data []byte
		into encoding.BinaryUnmarshaler
	}{
		"empty":       {nil, &tm},
		"garbage":     {[]byte("hello, world"), &tm},
		"future":      {future, &tm},
		"wrong kind":  {data, &sm},
		"truncated":   {data[:len(data)/2], &tm},
		"header only": {data[:len(magic)+3], &tm},
	} {
		err := c.into.UnmarshalBinary(c.data)
		if !errors.Is(err, ErrFormat) {
			t.Errorf("%s: err %v, want ErrFormat", name, err)
		}
		if name == "future" {
			t.Logf("future version: %v", err)
		}
	}
}
