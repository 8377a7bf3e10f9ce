package export

import (
	"errors"
	"io"

	"github.com/ctishark/ctishark/reassembly"
)

// Copy reads src from where it stands and writes the packets whose numbers
// are in keep to w, unchanged (bytes, original length, timestamp, link
// type). It stops after the highest kept packet. It returns the number of
// packets written and the first read error, or the first write error as
// a *WriteError (the output is broken; reading on is pointless).
func Copy(w Writer, src *reassembly.Source, keep *Set) (int, error) {
	return copyPackets(w, src, keep, nil)
}

// copyPackets is Copy with every packet read (kept or not) shown to see,
// when set, which returns what to write in place of a kept one.
func copyPackets(w Writer, src *reassembly.Source, keep *Set, see func(p *reassembly.Packet, kept bool) *reassembly.Packet) (int, error) {
	last := keep.Max()
	written := 0
	for written < keep.Len() {
		p, err := src.ReadPacket()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return written, nil
			}
			return written, err
		}
		if p.Num > last {
			break
		}
		kept := keep.Has(p.Num)
		out := &p
		if see != nil {
			out = see(&p, kept)
		}
		if kept {
			if err := w.WritePacket(out); err != nil {
				return written, &WriteError{err}
			}
			written++
		}
	}
	return written, nil
}

// WriteError is an error of the output, not of the capture read.
type WriteError struct{ Err error }

func (e *WriteError) Error() string { return e.Err.Error() }
func (e *WriteError) Unwrap() error { return e.Err }
