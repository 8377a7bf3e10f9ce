package reassembly_test

import (
	"bytes"
	"encoding/binary"
	"slices"
	"testing"

	"github.com/ctishark/ctishark/reassembly"
	. "github.com/ctishark/ctishark/reassembly/ctitest"
)

// modified rewrites a little-endian classic pcap as Kuznetzov's modified
// pcap (magic 0xa1b2cd34, 8 more bytes per record header; big-endian when
// swap), per https://wiki.wireshark.org/Development/LibpcapFileFormat#modified-pcap.
func modified(classic []byte, bigEndian bool) []byte {
	var bo interface {
		binary.ByteOrder
		binary.AppendByteOrder
	} = binary.LittleEndian
	if bigEndian {
		bo = binary.BigEndian
	}
	le := binary.LittleEndian
	out := make([]byte, 24)
	bo.PutUint32(out[0:], 0xa1b2cd34)
	bo.PutUint16(out[4:], le.Uint16(classic[4:]))
	bo.PutUint16(out[6:], le.Uint16(classic[6:]))
	for _, o := range []int{8, 12, 16, 20} {
		bo.PutUint32(out[o:], le.Uint32(classic[o:]))
	}
	for b := classic[24:]; len(b) >= 16; {
		n := int(le.Uint32(b[8:]))
		for _, o := range []int{0, 4, 8, 12} {
			out = bo.AppendUint32(out, le.Uint32(b[o:]))
		}
		out = bo.AppendUint32(out, 2)      // ifindex
		out = bo.AppendUint16(out, 0x0800) // protocol
		out = append(out, 0, 0)            // packet type, padding
		out = append(out, b[16:16+n]...)
		b = b[16+n:]
	}
	return out
}

// The modified pcap variant reads like classic pcap, in both byte orders
// and gzip-compressed, and a truncated one says so.
func TestKuznetzovPcap(t *testing.T) {
	classic := Pcap(Ethernet, simpleConv(cli, srv))
	want := runBytes(t, classic, reassembly.Options{})
	if want.err != nil || len(want.framesOnly()) == 0 {
		t.Fatalf("classic: %v %q", want.err, want.framesOnly())
	}
	for name, b := range map[string][]byte{
		"little-endian": modified(classic, false),
		"big-endian":    modified(classic, true),
		"gzip":          Gzip(modified(classic, false)),
	} {
		t.Run(name, func(t *testing.T) {
			got := runBytes(t, b, reassembly.Options{})
			if got.err != nil || !slices.Equal(got.items, want.items) {
				t.Errorf("err %v, items\n%s\nwant\n%s", got.err, got, want)
			}
			src, _ := reassembly.OpenReader(bytes.NewReader(b))
			if f := src.Format(); f != "pcap-modified" && f != "pcap-modified.gz" {
				t.Errorf("format %q", f)
			}
		})
	}
	b := modified(classic, false)
	got := runBytes(t, b[:len(b)-5], reassembly.Options{})
	if got.err == nil || len(got.framesOnly()) == 0 {
		t.Errorf("truncated: err %v, frames %q; want the frames before and an error", got.err, got.framesOnly())
	}
}
