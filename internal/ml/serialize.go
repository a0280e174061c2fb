package ml

import (
	"bytes"
	"encoding/binary"
	"encoding/gob"
	"errors"
	"fmt"
	"slices"
)

// ErrFormat is returned when bytes are not a model this version can read.
var ErrFormat = errors.New("ml: unreadable model")

// magic starts every serialised model; a kind byte and a big-endian
// uint16 format version follow, then the gob-encoded payload.
const magic = "CNCDML"

// Model kinds in the header.
const (
	kindText  byte = 1
	kindSpan  byte = 2
	kindImage byte = 3
	kindAudio byte = 4
)

// formatVersion is the payload version each kind writes and reads; bump it
// when the payload or the features change.
var formatVersion = map[byte]uint16{kindText: 1, kindSpan: 1, kindImage: 1, kindAudio: 1}

var kindName = map[byte]string{kindText: "text", kindSpan: "span", kindImage: "image", kindAudio: "audio"}

func encode(kind byte, payload any) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString(magic)
	buf.WriteByte(kind)
	var v [2]byte
	binary.BigEndian.PutUint16(v[:], formatVersion[kind])
	buf.Write(v[:])
	if err := gob.NewEncoder(&buf).Encode(payload); err != nil {
		return nil, fmt.Errorf("ml: encode %s model: %w", kindName[kind], err)
	}
	return buf.Bytes(), nil
}

func decode(data []byte, kind byte, payload any) error {
	h := len(magic) + 3
	if len(data) < h || string(data[:len(magic)]) != magic {
		return fmt.Errorf("%w: no Concord model header", ErrFormat)
	}
	if data[len(magic)] != kind {
		return fmt.Errorf("%w: a %s model, not a %s model", ErrFormat, kindOrNumber(data[len(magic)]), kindName[kind])
	}
	if v := binary.BigEndian.Uint16(data[len(magic)+1 : h]); v != formatVersion[kind] {
		return fmt.Errorf("%w: %s model format version %d, this build reads version %d", ErrFormat, kindName[kind], v, formatVersion[kind])
	}
	if err := gob.NewDecoder(bytes.NewReader(data[h:])).Decode(payload); err != nil {
		return fmt.Errorf("%w: %s model payload: %v", ErrFormat, kindName[kind], err)
	}
	return nil
}

func kindOrNumber(k byte) string {
	if n, ok := kindName[k]; ok {
		return n
	}
	return fmt.Sprintf("kind-%d", k)
}

type textV1 struct {
	Labels  []string
	Multi   bool
	Bits    int
	Buckets []uint32
	IDF     []float64
	W, B    []float64
}

// MarshalBinary encodes the model with a header naming its kind and format version.
func (m *TextModel) MarshalBinary() ([]byte, error) {
	return encode(kindText, textV1{m.labels, m.multi, m.bits, m.buckets, m.idf, m.w, m.b})
}

// UnmarshalBinary decodes a model written by MarshalBinary, rejecting
// other kinds and unknown format versions with ErrFormat.
func (m *TextModel) UnmarshalBinary(data []byte) error {
	var p textV1
	if err := decode(data, kindText, &p); err != nil {
		return err
	}
	K := len(p.Labels)
	if p.Bits < 1 || p.Bits > 26 || len(p.IDF) != len(p.Buckets) || len(p.W) != len(p.Buckets)*K || len(p.B) != K {
		return fmt.Errorf("%w: inconsistent text model", ErrFormat)
	}
	for _, b := range p.Buckets {
		if b >= 1<<p.Bits {
			return fmt.Errorf("%w: text model bucket out of range", ErrFormat)
		}
	}
	*m = TextModel{labels: p.Labels, multi: p.Multi, bits: p.Bits, buckets: p.Buckets, idf: p.IDF, w: p.W, b: p.B}
	m.index()
	return nil
}

type spanV1 struct {
	Labels []string
	Keys   []uint64  // feature hashes, ascending
	W      []float64 // rows in Keys order
	Trans  []float64
}

// MarshalBinary encodes the model with a header naming its kind and format
// version; features are written in hash order, so equal models give equal bytes.
func (m *SpanModel) MarshalBinary() ([]byte, error) {
	T := m.ts.size()
	keys := make([]uint64, 0, len(m.feats))
	for k := range m.feats {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	w := make([]float64, 0, len(keys)*T)
	for _, k := range keys {
		r := int(m.feats[k])
		w = append(w, m.w[r*T:(r+1)*T]...)
	}
	return encode(kindSpan, spanV1{m.ts.labels, keys, w, m.trans})
}

// UnmarshalBinary decodes a model written by MarshalBinary, rejecting
// other kinds and unknown format versions with ErrFormat.
func (m *SpanModel) UnmarshalBinary(data []byte) error {
	var p spanV1
	if err := decode(data, kindSpan, &p); err != nil {
		return err
	}
	ts := newTagSet(p.Labels)
	T := ts.size()
	if len(p.Labels) == 0 || len(p.W) != len(p.Keys)*T || len(p.Trans) != (T+1)*T {
		return fmt.Errorf("%w: inconsistent span model", ErrFormat)
	}
	feats := make(map[uint64]int32, len(p.Keys))
	for i, k := range p.Keys {
		feats[k] = int32(i)
	}
	*m = SpanModel{ts: ts, feats: feats, w: p.W, trans: p.Trans}
	return nil
}

func (d *denseModel) check(kind byte) error {
	D, K := len(d.Mean), len(d.Labels)
	if K < 2 || len(d.Std) != D || len(d.W) != D*K || len(d.B) != K {
		return fmt.Errorf("%w: inconsistent %s model", ErrFormat, kindName[kind])
	}
	return nil
}

// MarshalBinary encodes the model with a header naming its kind and format version.
func (m *ImageModel) MarshalBinary() ([]byte, error) { return encode(kindImage, m.m) }

// UnmarshalBinary decodes a model written by MarshalBinary, rejecting
// other kinds and unknown format versions with ErrFormat.
func (m *ImageModel) UnmarshalBinary(data []byte) error {
	var d denseModel
	if err := decode(data, kindImage, &d); err != nil {
		return err
	}
	if err := d.check(kindImage); err != nil {
		return err
	}
	if len(d.Mean) != imageFeatureLen {
		return fmt.Errorf("%w: image model for %d features, this build makes %d", ErrFormat, len(d.Mean), imageFeatureLen)
	}
	m.m = &d
	return nil
}

// MarshalBinary encodes the model with a header naming its kind and format version.
func (m *AudioModel) MarshalBinary() ([]byte, error) { return encode(kindAudio, m.m) }

// UnmarshalBinary decodes a model written by MarshalBinary, rejecting
// other kinds and unknown format versions with ErrFormat.
func (m *AudioModel) UnmarshalBinary(data []byte) error {
	var d denseModel
	if err := decode(data, kindAudio, &d); err != nil {
		return err
	}
	if err := d.check(kindAudio); err != nil {
		return err
	}
	if len(d.Mean) != audioFeatureLen {
		return fmt.Errorf("%w: audio model for %d features, this build makes %d", ErrFormat, len(d.Mean), audioFeatureLen)
	}
	m.m = &d
	return nil
}
