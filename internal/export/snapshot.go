package export

import (
	"errors"
	"fmt"
	"io"

	"concord/internal/format"
)

// Convert rewrites an export written as JSON (a snapshot) into opts.Format, as
// Label Studio converts a snapshot when it is downloaded in another format.
// Media values are written as they are in the snapshot.
func Convert(w io.Writer, snapshot io.Reader, opts Options) (Stats, error) {
	var st Stats
	cv := newConverter(opts)
	fw, err := format.NewWriter(opts.Format, w, formatOptions(opts, cv))
	if err != nil {
		return st, err
	}
	rd, err := format.NewReader(format.JSON, snapshot, format.Options{})
	if err != nil {
		return st, err
	}
	for {
		t, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return st, fmt.Errorf("convert: the snapshot: %w", err)
		}
		if err := fw.Write(t); err != nil {
			return st, fmt.Errorf("convert: %w", err)
		}
		st.Tasks++
		st.Annotations += int64(len(t.Annotations))
	}
	if err := fw.Close(); err != nil {
		return st, fmt.Errorf("convert: %w", err)
	}
	return st, nil
}
