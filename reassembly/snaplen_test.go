package reassembly_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"testing"

	"github.com/ctishark/ctishark/reassembly"
	. "github.com/ctishark/ctishark/reassembly/ctitest"
)

// TestPcapRecordBound: as tshark does, a pcap record longer than the
// header's snap length is read up to 256 KiB (libpcap's MAXIMUM_SNAPLEN;
// writers such as dpkt do not cut to what they declare), and a longer one
// stops reading as corrupt.
func TestPcapRecordBound(t *testing.T) {
	capture := func(n int) []byte {
		var buf bytes.Buffer
		w, _ := NewPcapWriter(&buf, 1)
		w.WritePacket(t0, make([]byte, n), n)
		w.WritePacket(t0, make([]byte, 60), 60)
		b := buf.Bytes()
		binary.LittleEndian.PutUint32(b[16:20], 65535) // the header's snap length
		return b
	}
	read := func(b []byte) ([]int, error) {
		src, err := reassembly.OpenReader(bytes.NewReader(b))
		if err != nil {
			return nil, err
		}
		var lens []int
		for {
			p, err := src.ReadPacket()
			if err == io.EOF {
				return lens, nil
			}
			if err != nil {
				return lens, err
			}
			lens = append(lens, len(p.Data))
		}
	}
	lens, err := read(capture(70000))
	if err != nil || len(lens) != 2 || lens[0] != 70000 || lens[1] != 60 {
		t.Errorf("70000-byte record under a 65535 snap length: lengths %v, error %v", lens, err)
	}
	lens, err = read(capture(262145))
	if err == nil || len(lens) != 0 || errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("262145-byte record: lengths %v, error %v; want a corrupt-capture error before any packet", lens, err)
	}
}
