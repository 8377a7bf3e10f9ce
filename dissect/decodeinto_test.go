package dissect

import (
	"reflect"
	"testing"
)

// DecodeInto must decode exactly as Decode, whatever the reused message
// held before: a bigger or smaller message, children, expert items, a
// malformed frame. Two messages are reused in turn over every catalog
// message, cut and uncut, and each result is held against a fresh Decode
// by a second session fed the same frames.
func TestDecodeIntoMatchesDecode(t *testing.T) {
	var frames [][]byte
	enc := encodedFrames(t, 13, Layout11)
	for _, def := range Messages() { // catalog order: the same sequence every run
		b, ok := enc[def]
		if !ok || !def.IDKnown {
			continue
		}
		frames = append(frames, b, b[:len(b)*2/3], b[:HeaderLen+1], append(append([]byte{}, b...), 0xde, 0xad))
	}
	fresh := NewSession(Options{})
	reused := NewSession(Options{})
	var pool [2]*Message
	reuses := 0
	for i, f := range frames {
		want := fresh.Decode(append([]byte(nil), f...))
		prev := pool[i%2]
		got := reused.DecodeInto(prev, append([]byte(nil), f...))
		if prev != nil {
			if got != prev {
				t.Fatalf("frame %d: DecodeInto did not reuse its message", i)
			}
			reuses++
		}
		pool[i%2] = got
		w, g := *want, *got
		w.slab, g.slab = nil, nil
		w.kidRoom, g.kidRoom = nil, nil // room kept for reuse, not content
		if !reflect.DeepEqual(w, g) {
			t.Fatalf("frame %d (%s, %d bytes): DecodeInto differs from Decode\nwant %+v\n got %+v", i, want.Name(), len(f), w, g)
		}
	}
	if reuses < 100 {
		t.Fatalf("only %d reuses exercised", reuses)
	}
}

// A message that once held a huge field list does not keep it for reuse.
func TestDecodeIntoBoundsKeptRoom(t *testing.T) {
	m := &Message{}
	m.fieldRoom(maxReusedSlab + 1)
	if m.slab != nil {
		t.Fatalf("kept room for %d fields, bound is %d", cap(m.slab), maxReusedSlab)
	}
	m.fieldRoom(10)
	if cap(m.slab) != 10 {
		t.Fatalf("room for 10 fields not kept: cap %d", cap(m.slab))
	}
	room := m.fieldRoom(8)
	if cap(room) != 8 || len(room) != 2 || cap(m.slab) != 10 {
		t.Fatalf("reused room: len %d cap %d, kept cap %d; want 2, 8, 10", len(room), cap(room), cap(m.slab))
	}
}
