package pipeline

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	"github.com/ctishark/ctishark/cmd/gen"
	"github.com/ctishark/ctishark/reassembly"
)

// nowSource replays a capture as a live capture that keeps up would see
// it: every packet stamped with the wall clock as it is read.
type nowSource struct {
	src  *reassembly.Source
	read int // packets read so far
}

func (s *nowSource) ReadPacket() (reassembly.Packet, error) {
	p, err := s.src.ReadPacket()
	if err == nil {
		s.read++
		p.Time = time.Now()
	}
	return p, err
}

// With MaxDelay, a live capture that is not behind gets each message
// handed on before the next packet is read, decoding goroutines or not;
// and the records are those of a pipeline without them.
func TestMaxDelayHandsOnAtOnceWhenCaughtUp(t *testing.T) {
	var buf bytes.Buffer
	if _, err := gen.Generate(&buf, gen.DefaultConfig()); err != nil {
		t.Fatal(err)
	}
	run := func(opts Options) (prints []string, late int) {
		rs, err := reassembly.OpenReader(bytes.NewReader(buf.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		src := &nowSource{src: rs}
		if err := New(opts).Read(src, func(r *Record) error {
			if r.Msg != nil {
				prints = append(prints, fmt.Sprint(r.Num, r.Frame.Pkt, r.Msg.Name(), r.Msg.Frame)) // stamps are the clock's: no times
				if r.Frame.Pkt != src.read {
					late++ // a later packet was read before this message came out
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		return prints, late
	}
	defer func(n int) { decoderCount = n }(decoderCount)
	decoderCount = 2
	want, _ := run(Options{Recycle: true})
	got, late := run(Options{Recycle: true, Parallel: true, MaxDelay: time.Hour})
	if late != 0 {
		t.Errorf("%d of %d messages came out after a later packet was read", late, len(got))
	}
	if len(got) != len(want) {
		t.Fatalf("%d messages, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("message %d: %s, want %s", i, got[i], want[i])
		}
	}
	_, batched := run(Options{Recycle: true, Parallel: true})
	if batched == 0 {
		t.Error("without MaxDelay no message waited for a batch: the test shows nothing")
	}
}
