package reassembly

import (
	"bufio"
	"io"
)

// blockForwarder is the Read side of the readers that sit between a
// capture file and pcapgo and look at it block by block (ngGuard checks
// pcapng blocks, kuznetzovReader rewrites modified pcap records): it hands
// out the bytes next prepared (out), then passes rem bytes of r through
// unexamined, then calls next for the following block. An error from next
// is sticky; the file ending inside a block is io.ErrUnexpectedEOF.
type blockForwarder struct {
	r    *bufio.Reader
	out  []byte // prepared bytes of the current block still to hand out
	rem  int64  // bytes of the current block to pass through unexamined
	err  error
	next func() error
}

func (f *blockForwarder) Read(p []byte) (int, error) {
	for {
		if len(f.out) > 0 {
			n := copy(p, f.out)
			f.out = f.out[n:]
			return n, nil
		}
		if f.rem > 0 {
			n, err := f.r.Read(p[:min(int64(len(p)), f.rem)])
			f.rem -= int64(n)
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
				f.err = err
			}
			return n, err
		}
		if f.err != nil {
			return 0, f.err
		}
		if f.err = f.next(); f.err != nil {
			return 0, f.err
		}
	}
}
