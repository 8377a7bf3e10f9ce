package dissect

import (
	"math/rand/v2"
	"reflect"
	"testing"
)

// likelyFrames are frames of every catalog message at several versions
// and in every layout, whole and bent the ways that make a floating part
// read less than perfectly: cut short, a record dropped (a required
// field missing), bytes changed at random (unknown tags, lengths that do
// not fit, records running past the end), trailing bytes.
func likelyFrames(t *testing.T) [][]byte {
	rng := rand.New(rand.NewPCG(7, 13))
	var frames [][]byte
	for _, v := range []int{9, 13, 18} {
		for _, l := range Layouts {
			enc := encodedFrames(t, v, l)
			for _, def := range Messages() { // catalog order: the same frames every run
				b, ok := enc[def]
				if !ok || !def.IDKnown {
					continue
				}
				frames = append(frames, b, b[:len(b)*2/3], append(append([]byte{}, b...), 0xde, 0xad))
				if fixed := def.FixedSize(); len(b) > HeaderLen+fixed {
					if _, n, ok := l.readHeader(b[HeaderLen+fixed:]); ok && HeaderLen+fixed+l.HeaderLen()+n <= len(b) {
						// The first floating record left out, BodyLength to match.
						cut := append(append([]byte{}, b[:HeaderLen+fixed]...), b[HeaderLen+fixed+l.HeaderLen()+n:]...)
						putUint32(cut[0:4], uint32(len(cut)-HeaderLen))
						frames = append(frames, cut)
					}
				}
				for range 4 {
					bent := append([]byte{}, b...)
					bent[HeaderLen+rng.IntN(len(b)-HeaderLen)] = byte(rng.Uint32())
					frames = append(frames, bent)
				}
			}
		}
	}
	return frames
}

func putUint32(b []byte, v uint32) {
	b[0], b[1], b[2], b[3] = byte(v>>24), byte(v>>16), byte(v>>8), byte(v)
}

// likelyContexts are settled sessions (forced, or from the version) of
// each layout, of an older, the usual and a newer version, decoding whole
// or with a Keep.
func likelyContexts() []Context {
	some := func(fd *FieldDef) bool {
		return fd.Name == "AgentID" || fd.Name == "ANI" || fd.Type == TypeSTRING && fd.Tag%3 == 0
	}
	var out []Context
	for _, l := range Layouts {
		for _, v := range []int{9, 18} {
			out = append(out, Context{Version: v, Layout: l, Source: SourceForced, OpenReqExtra: -1})
		}
		out = append(out, Context{Version: 13, Layout: l, Source: SourceVersion, OpenReqExtra: -1})
		for _, k := range []*Keep{nil, NewKeep(some), NewCheckedKeep(some)} {
			out = append(out, Context{Version: 13, Layout: l, Source: SourceForced, OpenReqExtra: -1, Keep: k})
		}
	}
	return out
}

// A reused message is decoded in the likely shape in one pass when its
// floating part reads perfectly in it, and after the shape scan when not:
// the guess must hold exactly when the scan would have found it, and the
// message must be the scan's either way.
func TestLikelyShapeMatchesScan(t *testing.T) {
	frames := likelyFrames(t)
	held, failed := 0, 0
	for ci, ctx := range likelyContexts() {
		reused := &Message{}
		for i, f := range frames {
			want := Decode(f, ctx)
			reused.fieldRoom(maxReusedSlab) // room for the likely shape
			got := decodeInto(reused, f, ctx, nil)
			w, g := *want, *got
			w.slab, g.slab = nil, nil
			w.kidRoom, g.kidRoom = nil, nil // room kept for reuse, not content
			if !reflect.DeepEqual(w, g) {
				t.Fatalf("context %d, frame %d (%s, %d bytes): the one-pass decode differs from the scan's\nwant %+v\n got %+v", ci, i, want.Name(), len(f), w, g)
			}

			// The guess holds exactly when readAs takes the likeliest
			// fixed part with a perfect reading under the settled layout.
			def, body, ok := likelyBody(f, ctx)
			if !ok || def.Name == "OPEN_REQ" {
				continue // OPEN_REQ, stating its own version, is always scanned
			}
			m := (&Message{}).reset(f, ctx.Version)
			m.fieldRoom(maxReusedSlab)
			var hdr [2]Field
			m.Def = def
			guess := decodeLikely(m, &hdr, def, f[:HeaderLen+len(body)], ctx)
			var opts [maxFixedOptions]fixedOption
			n := fixedOptions(def, ctx, &opts)
			rd := readAs(def, body, opts[:n], ctx.Layout, ctx.Version)
			if rd.scan.records > maxReusedSlab-2-opts[0].n {
				continue // more fields than the room: the guess gives up for that
			}
			perfect := rd.ok && rd.opt == opts[0] && rd.size < len(body) && rd.scan.perfect()
			if guess != perfect {
				t.Fatalf("context %d, frame %d (%s): the likely shape held: %v; the scan found it perfect: %v", ci, i, def.Name, guess, perfect)
			}
			if guess {
				held++
			} else {
				failed++
			}
		}
	}
	t.Logf("likely shapes held %d times, failed %d", held, failed)
	if held < 1000 || failed < 1000 {
		t.Fatalf("likely shapes held %d times and failed %d: both need exercising", held, failed)
	}
}

// likelyBody is f's definition and body (cut to BodyLength) when f is a
// catalog message with a layout.
func likelyBody(f []byte, ctx Context) (*MessageDef, []byte, bool) {
	if len(f) < HeaderLen {
		return nil, nil, false
	}
	m := Decode(f, ctx)
	if m.Def == nil || m.Def.Opaque || m.Def.ID != uint32(be32(f[4:8])) {
		return nil, nil, false
	}
	body := f[HeaderLen:]
	if n := be32(f[0:4]); n < uint32(len(body)) {
		body = body[:n]
	}
	return m.Def, body, true
}

func be32(b []byte) uint32 {
	return uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
}
