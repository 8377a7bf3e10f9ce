package reassembly

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"math/rand"
	"testing"

	"github.com/gopacket/gopacket/pcapgo"
)

// pcapFile builds a classic pcap file with the given magic (written in
// its byte order, so it reads as the magic constant big-endian or
// swapped), snap length and records.
func pcapFile(magic uint32, big bool, snap uint32, recs [][]byte, frac uint32) []byte {
	var order binary.ByteOrder = binary.LittleEndian
	if big {
		order = binary.BigEndian
	}
	var b bytes.Buffer
	h := make([]byte, 24)
	order.PutUint32(h[0:], magic)
	order.PutUint16(h[4:], 2)
	order.PutUint16(h[6:], 4)
	order.PutUint32(h[16:], snap)
	order.PutUint32(h[20:], 1)
	b.Write(h)
	for i, r := range recs {
		rh := make([]byte, 16)
		order.PutUint32(rh[0:], uint32(1700000000+i))
		order.PutUint32(rh[4:], frac+uint32(i))
		order.PutUint32(rh[8:], uint32(len(r)))
		order.PutUint32(rh[12:], uint32(len(r)+i%3)) // some cut by the snap length
		b.Write(rh)
		b.Write(r)
	}
	return b.Bytes()
}

// sameAsPcapgo reads every record of file with pcapRecords, as the Source
// does, and with pcapgo, and fails on the first difference in bytes,
// time, original length or error.
func sameAsPcapgo(t *testing.T, name string, file []byte) {
	t.Helper()
	br := bufio.NewReaderSize(bytes.NewReader(file), readBufSize)
	pr, err := pcapgo.NewReader(br)
	ref, rerr := pcapgo.NewReader(bytes.NewReader(file))
	if (err == nil) != (rerr == nil) {
		t.Fatalf("%s: header: %v vs pcapgo's %v", name, err, rerr)
	}
	if err != nil {
		return
	}
	snap := min(max(pr.Snaplen(), minSnap), maxPacket)
	ref.SetSnaplen(snap)
	r := newPcapRecords(br, binary.BigEndian.Uint32(file[:4]), snap)
	for i := 0; ; i++ {
		data, ts, length, err := r.next()
		want, ci, werr := ref.ZeroCopyReadPacketData()
		if werr == io.EOF && ci.CaptureLength > 0 {
			// A file cut just after a record header: pcapgo says EOF, and
			// the Source, which meant to call that a truncation, let it
			// pass as the end because pcapgo's data slice was not empty.
			werr = io.ErrUnexpectedEOF
		}
		if (err == nil) != (werr == nil) || err != nil && err.Error() != werr.Error() {
			t.Fatalf("%s: record %d: error %v, pcapgo's %v", name, i, err, werr)
		}
		if err != nil {
			return
		}
		if !bytes.Equal(data, want) || !ts.Equal(ci.Timestamp) || ts.Location() != ci.Timestamp.Location() || length != ci.Length {
			t.Fatalf("%s: record %d: %d bytes at %v of %d, pcapgo's %d at %v of %d", name, i, len(data), ts, length, len(want), ci.Timestamp, ci.Length)
		}
	}
}

// TestPcapRecordsReadAsPcapgo holds the record reader to pcapgo's
// ZeroCopyReadPacketData, which it replaces: every byte order and time
// resolution, records of every size up to past the read buffer and past
// 256 KiB, a fraction that overflows 32 bits when scaled, lying lengths,
// and the file cut at every byte of its first records.
func TestPcapRecordsReadAsPcapgo(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	var recs [][]byte
	for _, n := range []int{0, 1, 54, 60, 1514, 9000, readBufSize - pcapRecordHeader, readBufSize - pcapRecordHeader + 1, 100 << 10, 300 << 10, 66} {
		r := make([]byte, n)
		rng.Read(r)
		recs = append(recs, r)
	}
	for _, mg := range []struct {
		magic uint32
		big   bool
	}{{0xa1b2c3d4, true}, {0xa1b2c3d4, false}, {0xa1b23c4d, true}, {0xa1b23c4d, false}} {
		for _, snap := range []uint32{0, 65535, 1 << 20} {
			for _, frac := range []uint32{0, 999999, 5000000} {
				file := pcapFile(mg.magic, mg.big, snap, recs, frac)
				sameAsPcapgo(t, "whole", file)
				// Cut everywhere in the first records and the header of the
				// big ones.
				for cut := 24; cut < 24+3*16+200; cut++ {
					sameAsPcapgo(t, "cut", file[:cut])
				}
				for _, cut := range []int{len(file) - 1, len(file) - 67, len(file) - 70, len(file) - (300 << 10)} {
					sameAsPcapgo(t, "cut late", file[:cut])
				}
			}
		}
	}
	// Lying lengths: past the snap length, past the original length.
	for _, l := range []uint32{300 << 10, 2 << 20, 0xffffffff} {
		file := pcapFile(0xa1b2c3d4, false, 65535, [][]byte{{1, 2, 3}}, 0)
		binary.LittleEndian.PutUint32(file[24+8:], l)
		sameAsPcapgo(t, "long", file)
	}
	file := pcapFile(0xa1b2c3d4, false, 65535, [][]byte{{1, 2, 3}}, 0)
	binary.LittleEndian.PutUint32(file[24+12:], 2)
	sameAsPcapgo(t, "short original", file)
}

// TestPcapRecordsDoNotCopy checks the point of the reader: a record that
// fits the read buffer is a slice of it, not a copy.
func TestPcapRecordsDoNotCopy(t *testing.T) {
	file := pcapFile(0xa1b2c3d4, false, 65535, [][]byte{bytes.Repeat([]byte{7}, 100), bytes.Repeat([]byte{8}, 100)}, 0)
	br := bufio.NewReaderSize(bytes.NewReader(file), readBufSize)
	if _, err := pcapgo.NewReader(br); err != nil {
		t.Fatal(err)
	}
	r := newPcapRecords(br, 0xd4c3b2a1, 65535)
	for i := range 2 {
		data, _, _, err := r.next()
		if err != nil {
			t.Fatal(err)
		}
		peek, _ := br.Peek(pcapRecordHeader + len(data))
		if &peek[pcapRecordHeader] != &data[0] {
			t.Fatalf("record %d was copied out of the read buffer", i)
		}
	}
	if _, _, _, err := r.next(); !errors.Is(err, io.EOF) {
		t.Fatalf("after the last record: %v, want io.EOF", err)
	}
}
