package reassembly

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
)

// Alexey Kuznetzov's "modified" pcap (magic 0xa1b2cd34, libpcap's
// KUZNETZOV_TCPDUMP_MAGIC) has the classic file header, microsecond
// timestamps, and 8 more bytes after each record header: interface index
// (4), protocol (2), packet type (1) and padding (1). tshark reads it;
// pcapgo does not know the magic, so kuznetzovReader rewrites the stream
// into classic pcap on the fly. Layout:
// https://wiki.wireshark.org/Development/LibpcapFileFormat#modified-pcap

const (
	kuznetzovMagic   = 0xa1b2cd34
	kuznetzovSwapped = 0x34cdb2a1
	kuznetzovExtra   = 8
)

type kuznetzovReader struct {
	blockForwarder // out: a rewritten header; rem: its packet bytes
	bo             binary.ByteOrder
	hdr            bool // the file header went out
}

func newKuznetzovReader(r *bufio.Reader, bigEndian bool) *kuznetzovReader {
	k := &kuznetzovReader{bo: binary.LittleEndian}
	if bigEndian {
		k.bo = binary.BigEndian
	}
	k.blockForwarder = blockForwarder{r: r, next: k.next}
	return k
}

// next sets up the file header, or the next record header without its
// extra bytes.
func (k *kuznetzovReader) next() error {
	if !k.hdr {
		h := make([]byte, 24)
		if _, err := io.ReadFull(k.r, h); err != nil {
			return io.ErrUnexpectedEOF
		}
		k.bo.PutUint32(h[0:4], 0xa1b2c3d4) // classic, same byte order
		k.out, k.hdr = h, true
		return nil
	}
	h := make([]byte, 16+kuznetzovExtra)
	n, err := io.ReadFull(k.r, h)
	if n == 0 && err == io.EOF {
		return io.EOF
	}
	if err != nil {
		return io.ErrUnexpectedEOF
	}
	caplen := k.bo.Uint32(h[8:12])
	if caplen > maxPacket {
		return fmt.Errorf("modified pcap: record of %d bytes", caplen)
	}
	k.out, k.rem = h[:16], int64(caplen)
	return nil
}
