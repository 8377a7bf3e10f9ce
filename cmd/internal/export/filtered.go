package export

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/ctishark/ctishark/cmd/internal/pipeline"
	"github.com/ctishark/ctishark/reassembly"
)

// Stats says what Filtered wrote.
type Stats struct {
	Messages int // messages kept by the pipeline (its filter and count)
	Packets  int // capture packets written
	Inputs   int // inputs that opened as captures
}

// Filtered writes the capture packets that carried the messages the
// pipeline hands out (every segment of each, in capture order) to w.
// Without a filter (popts.Filter nil) they are copied unchanged. With one,
// the TCP sequence and acknowledgement numbers of the kept packets are
// renumbered so that each direction's kept segments are contiguous (see
// renumber.go): read back, the file shows the kept messages in order,
// without the gaps the left-out packets would otherwise leave. Each input
// is read twice: once through the pipeline to learn which packet numbers
// carried matching messages, once raw to copy those packets. Standard input, a FIFO or any other input that is not a
// regular file cannot be read twice, so it is first spooled to a
// temporary file. Inputs that cannot be read are reported through
// in.OnError and make failed true; the others are still written.
func Filtered(w Writer, in pipeline.Inputs, popts pipeline.Options) (st Stats, failed bool, err error) {
	var torn tornFrames
	if match := popts.Filter; match != nil {
		popts.Filter = func(r *pipeline.Record) bool {
			if match(r) {
				return true
			}
			if r.Msg != nil {
				torn.add(r.Frame.Pkts)
			}
			return false
		}
	}
	p := pipeline.New(popts)
	report := func(name string, e error) {
		failed = true
		if in.OnError != nil {
			in.OnError(name, e)
		}
	}
	for _, name := range in.Names {
		if p.Done() {
			break
		}
		path, display := name, name
		if name == "-" {
			display = "standard input"
		}
		r, done, oerr := oneShot(name, in.Stdin)
		if oerr != nil {
			report(display, pipeline.NewFileError(display, oerr))
			continue
		}
		if r != nil {
			tmp, terr := spool(r)
			done()
			if terr != nil {
				report(display, fmt.Errorf("%s: %w", display, terr))
				continue
			}
			defer os.Remove(tmp)
			path = tmp
		}
		var keep Set
		torn = tornFrames{}
		src, oerr := reassembly.OpenFile(path)
		if oerr != nil {
			report(display, pipeline.NewFileError(display, oerr))
			continue
		}
		st.Inputs++
		rerr := p.Read(src, func(r *pipeline.Record) error {
			if r.Msg != nil {
				st.Messages++
				keep.Add(r.Frame.Pkts...)
			}
			return nil
		})
		src.Close()
		in.Warn(p, display)
		if rerr != nil {
			// Packets before the damage are still written below.
			report(display, fmt.Errorf("%s: %w", display, rerr))
		}
		if keep.Len() == 0 {
			continue
		}
		src, oerr = reassembly.OpenFile(path)
		if oerr != nil {
			report(display, pipeline.NewFileError(display, oerr))
			continue
		}
		popts.Limits.ApplySource(src)
		var see func(*reassembly.Packet, bool) *reassembly.Packet
		if popts.Filter != nil && !torn.lost {
			see = newRenumber(torn.pinned(&keep)).see
		}
		n, cerr := copyPackets(w, src, &keep, see)
		src.Close()
		st.Packets += n
		var we *WriteError
		switch {
		case errors.As(cerr, &we):
			return st, failed, we.Err
		case cerr != nil && rerr == nil:
			report(display, fmt.Errorf("%s: %w", display, cerr))
		}
	}
	return st, failed, nil
}

// oneShot opens the inputs that can be read only once (standard input,
// FIFOs, character devices) so they can be spooled, and says how to close
// them; r is nil for a regular file, which is read in place.
func oneShot(name string, stdin io.Reader) (r io.Reader, done func(), err error) {
	if name == "-" {
		return stdin, func() {}, nil
	}
	fi, err := os.Stat(name)
	if err != nil || fi.Mode().IsRegular() {
		return nil, nil, err
	}
	if fi.IsDir() {
		return nil, nil, errors.New("is a directory")
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, nil, err
	}
	return f, func() { f.Close() }, nil
}

// spool copies r to a temporary file and returns its name.
func spool(r io.Reader) (string, error) {
	f, err := os.CreateTemp("", "ctishark-stdin-*.pcap")
	if err != nil {
		return "", err
	}
	_, err = io.Copy(f, r)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return "", err
	}
	return f.Name(), nil
}
