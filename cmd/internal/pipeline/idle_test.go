package pipeline

import (
	"bytes"
	"slices"
	"testing"
	"time"

	"github.com/ctishark/ctishark/cmd/internal/testutil"
	"github.com/ctishark/ctishark/reassembly"
	"github.com/ctishark/ctishark/reassembly/ctitest"
)

// idleSource replays a capture and reports reassembly.ErrIdle (a quiet
// live interface) before packet number idleBefore.
type idleSource struct {
	src        *reassembly.Source
	idleBefore int
	next       *reassembly.Packet
	idled      bool
}

func (s *idleSource) ReadPacket() (reassembly.Packet, error) {
	if s.next == nil {
		p, err := s.src.ReadPacket()
		if err != nil {
			return p, err
		}
		s.next = &p
	}
	if s.next.Num == s.idleBefore && !s.idled {
		s.idled = true
		return reassembly.Packet{}, reassembly.ErrIdle
	}
	p := *s.next
	s.next = nil
	return p, nil
}

// On an idle tick the pipeline lets time pass: a frame stuck behind a
// hole on a quiet connection comes out then, before the next connection's
// messages, instead of at the end.
func TestIdleTickReleasesHeldFrames(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC) // long before the wall clock
	a := ctitest.NewConv("10.0.0.1:50000", "10.0.0.5:42027", 100, 900, t0)
	a.Handshake()
	a.Send(false, testutil.Encode(t, "HEARTBEAT_CONF", 1))
	a.Send(false, testutil.Encode(t, "HEARTBEAT_CONF", 2)) // lost
	a.Send(false, testutil.Encode(t, "HEARTBEAT_CONF", 3)) // held behind the hole
	segs := slices.Delete(a.Segs, 4, 5)
	b := ctitest.NewConv("10.0.0.2:50001", "10.0.0.5:42027", 100, 900, a.T)
	b.Handshake()
	b.Send(false, testutil.Encode(t, "HEARTBEAT_CONF", 4))
	segs = append(segs, b.Segs...)
	capture := ctitest.Pcap(ctitest.Ethernet, segs)
	order := func(idle bool) []uint64 {
		src, err := reassembly.OpenReader(bytes.NewReader(capture))
		if err != nil {
			t.Fatal(err)
		}
		var ps PacketSource = src
		if idle {
			ps = &idleSource{src: src, idleBefore: 6} // before b's SYN
		}
		var ids []uint64
		err = New(Options{}).Read(ps, func(r *Record) error {
			if r.Msg != nil {
				id, _ := r.Msg.Uint("InvokeID")
				ids = append(ids, id)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return ids
	}
	if got := order(true); !slices.Equal(got, []uint64{1, 3, 4}) {
		t.Errorf("with an idle tick: %v, want [1 3 4]", got)
	}
	if got := order(false); !slices.Equal(got, []uint64{1, 4, 3}) {
		t.Errorf("without one the held frame waits for the end: %v, want [1 4 3]", got)
	}
}
