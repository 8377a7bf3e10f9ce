package reassembly

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"slices"
	"time"
)

// pcapRecords reads the records of a classic pcap file after pcapgo has
// read its file header. A record that fits the read buffer is returned
// as a slice of that buffer, so its bytes are not copied, and its header
// is read without pcapgo's interface calls per field: reading records
// through pcapgo (io.ReadFull of the header, then of the data) was 6% of
// a stats run's instructions. It checks and reports what pcapgo does, in
// pcapgo's words: captured length over the snap length, captured length
// over the original length, a record cut short by the end of the file.
type pcapRecords struct {
	br     *bufio.Reader
	big    bool   // big-endian file
	factor uint32 // nanoseconds per unit of the header's fraction
	snap   uint32 // the snap length in force (Source's bound on pcapgo's)
	maxCap int    // records longer than this are errors
	skip   int    // bytes of the record returned last, still in br
	large  []byte // room for records longer than br's buffer
}

// pcapRecordHeader is the size of a record header.
const pcapRecordHeader = 16

// newPcapRecords reads records from br, which pcapgo read the file header
// of; magic is that header's first four bytes, read big-endian.
func newPcapRecords(br *bufio.Reader, magic uint32, snap uint32) *pcapRecords {
	r := &pcapRecords{br: br, factor: 1000, snap: snap}
	switch magic {
	case 0xa1b2c3d4:
		r.big = true
	case 0xa1b23c4d:
		r.big, r.factor = true, 1
	case 0x4d3cb2a1:
		r.factor = 1
	}
	// pcapgo's bound: the snap length, but never below 256 KiB.
	r.maxCap = max(int(snap), 256<<10)
	return r
}

// u32 reads a header field in the file's byte order.
func (r *pcapRecords) u32(b []byte) uint32 {
	if r.big {
		return binary.BigEndian.Uint32(b)
	}
	return binary.LittleEndian.Uint32(b)
}

// next returns the next record's bytes (valid until the next call), its
// time and its original length. At the end of the file it returns
// io.EOF; a record cut short returns io.ErrUnexpectedEOF.
func (r *pcapRecords) next() (data []byte, t time.Time, length int, err error) {
	// Discarding bytes already peeked cannot fail.
	r.br.Discard(r.skip)
	r.skip = 0
	h, err := r.br.Peek(pcapRecordHeader)
	if err != nil {
		if len(h) == 0 {
			return nil, t, 0, err // the end, or the reader's own error
		}
		return nil, t, 0, cutShort(err)
	}
	// pcapgo multiplies in 32 bits; so do we, for the same time from a
	// corrupt fraction.
	t = time.Unix(int64(r.u32(h[0:4])), int64(r.u32(h[4:8])*r.factor)).UTC()
	capLen, length := int(r.u32(h[8:12])), int(r.u32(h[12:16]))
	if capLen > r.maxCap {
		return nil, t, 0, fmt.Errorf("capture length exceeds snap length: %d > %d", capLen, r.snap)
	}
	if capLen > length {
		return nil, t, 0, fmt.Errorf("capture length exceeds original packet length: %d > %d", capLen, length)
	}
	n := pcapRecordHeader + capLen
	if n <= r.br.Size() {
		b, err := r.br.Peek(n)
		if err != nil {
			return nil, t, 0, cutShort(err)
		}
		r.skip = n
		return b[pcapRecordHeader:], t, length, nil
	}
	r.br.Discard(pcapRecordHeader)
	data, err = r.readLarge(capLen)
	return data, t, length, err
}

// readLarge reads a record longer than the read buffer into r.large,
// growing it as the bytes arrive rather than by the length the file
// states.
func (r *pcapRecords) readLarge(n int) ([]byte, error) {
	buf := r.large[:0]
	for len(buf) < n {
		k := min(n-len(buf), r.br.Size())
		buf = slices.Grow(buf, k)
		m, err := io.ReadFull(r.br, buf[len(buf):len(buf)+k])
		buf = buf[:len(buf)+m]
		if err != nil {
			r.large = buf[:0]
			return nil, cutShort(err)
		}
	}
	r.large = buf[:0]
	return buf, nil
}

// cutShort is the error of a record the file ends inside of: the end of
// the file there is a truncation, not the capture's end.
func cutShort(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}
