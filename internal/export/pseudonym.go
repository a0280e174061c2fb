package export

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"strconv"
)

// pseudonyms names annotators for one export: annotator-1, annotator-2… in
// order of first appearance, or, with a key, annotator-<12 hex digits of
// HMAC-SHA256(key, id)> (stable across exports that share the key).
type pseudonyms struct {
	key   []byte
	names map[int64]string
}

func (p *pseudonyms) name(id int64) string {
	if n, ok := p.names[id]; ok {
		return n
	}
	if p.names == nil {
		p.names = map[int64]string{}
	}
	var n string
	if len(p.key) > 0 {
		m := hmac.New(sha256.New, p.key)
		m.Write(binary.BigEndian.AppendUint64(nil, uint64(id)))
		n = "annotator-" + hex.EncodeToString(m.Sum(nil))[:12]
	} else {
		n = "annotator-" + strconv.Itoa(len(p.names)+1)
	}
	p.names[id] = n
	return n
}
