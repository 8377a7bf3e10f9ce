package dissect

import (
	"bytes"
	"encoding/binary"
	"reflect"
	"testing"
)

// fuzzContext maps a selector byte to a decode context: unknown session,
// UCCX sessions at versions 11, 13 and 18, a detected layout, each layout
// forced by the user, and UCCE sessions at versions 19 and 20.
func fuzzContext(sel byte) Context {
	switch sel % 10 {
	case 8:
		return ucceCtx(19, Layout11)
	case 9:
		return ucceCtx(20, Layout22)
	case 1:
		return ctxFor(13)
	case 2:
		return ctxFor(18)
	case 3:
		return NewSession(Options{Layout: Layout22}).Context()
	case 4:
		return NewSession(Options{Version: 13, Layout: Layout11}).Context()
	case 5:
		return NewSession(Options{Version: 18, Layout: Layout21}).Context()
	case 6:
		return ctxFor(11)
	case 7:
		return Context{Layout: Layout21, Source: SourceDetected, OpenReqExtra: 3}
	}
	return Context{OpenReqExtra: -1}
}

// seedFrames adds an encoded frame of every message at both layouts.
func seedFrames(f *testing.F, add func(frame []byte, sel byte)) {
	for i, tv := range testVersions {
		for _, def := range Messages() {
			b, err := Encode(fullMessage(f, def, tv.version, tv.layout), tv.layout)
			if err != nil {
				f.Fatal(err)
			}
			add(b, byte(i+1))
		}
	}
	// UCCE frames, with the selectors of fuzzContext's UCCE sessions.
	for _, u := range []struct {
		sel     byte
		version int
		layout  Layout
	}{{8, 19, Layout11}, {9, 20, Layout22}} {
		frames := encodedFramesOf(f, ucceCatalog, u.version, u.layout)
		for _, def := range ucceCatalog.Messages() {
			if b, ok := frames[def]; ok {
				add(b, u.sel)
			}
		}
	}
}

// checkDecode asserts the properties every decode must have, whatever the
// bytes: no panic, agreement with Summarize, fields inside the frame, and
// for frames without warnings, Encode(Decode(x)) == x.
func checkDecode(t *testing.T, data []byte, ctx Context, as *MessageDef) *Message {
	var m *Message
	if as != nil {
		m = DecodeAs(as, data, ctx)
	} else {
		m = Decode(data, ctx)
	}
	checkBounds(t, m)
	walkFields(m, func(f *Field) { _ = f.Text() })
	// The decoder counts only top-level items (countTopExpert): a child
	// with one would be missed by AllExpert's sizing and Worst.
	if all, top := countExpert(m.Header)+countExpert(m.Fields), countTopExpert(m.Header)+countTopExpert(m.Fields); all != top {
		t.Fatalf("children carry %d expert items; the decoder's count assumes none", all-top)
	}
	worst := m.Worst()

	var s Summary
	Summarize(data, ctx, &s)
	if len(data) >= HeaderLen && (s.TypeID != m.TypeID || s.BodyLength != m.BodyLength) {
		t.Fatalf("Summarize says type %d length %d, Decode type %d length %d", s.TypeID, s.BodyLength, m.TypeID, m.BodyLength)
	}
	if as == nil && s.Def == nil && m.Def != nil {
		// An unknown type ID whose body parses as a message whose ID the
		// guide lost: Decode says so with a warning, Summarize does not try.
		if m.Def.IDKnown || len(findExpert(m, ExpUnknownMessage)) == 0 {
			t.Fatalf("Summarize says unknown type, Decode %s with %v", m.Def, expertCodes(m))
		}
		as = m.Def
	}
	if as == nil {
		if s.Def != m.Def {
			t.Fatalf("Summarize says %v, Decode %v", s.Def, m.Def)
		}
		if worst == SeverityError && !s.Malformed {
			t.Fatalf("Decode reports errors %v but Summarize says the frame is well formed", expertCodes(m))
		}
		// A tag the message does not declare is a note now (its value is
		// decoded by the tag table), but still a frame that is not clean.
		if s.Malformed && m.Def != nil && worst < SeverityWarning && len(findExpert(m, ExpNotAllowed)) == 0 {
			t.Fatalf("Summarize says malformed, Decode reports only %v", expertCodes(m))
		}
		if m.Def != nil && len(findExpert(m, ExpFixedTruncated)) == 0 &&
			(s.Layout != m.Layout || s.LayoutSource != m.LayoutSource || s.FixedSize != m.FixedSize) {
			t.Fatalf("Summarize chose layout %s/%s fixed %d, Decode %s/%s fixed %d",
				s.Layout, s.LayoutSource, s.FixedSize, m.Layout, m.LayoutSource, m.FixedSize)
		}
		if s.Has&HasInvokeID != 0 {
			if v, ok := m.Uint("InvokeID"); !ok || uint32(v) != s.InvokeID {
				t.Fatalf("Summarize InvokeID %d, Decode %d (%v)", s.InvokeID, v, ok)
			}
		}
	}
	// Fields the message does not declare (decoded by the tag table, maybe
	// as guessed text) have no encoding of their own to compare.
	if m.Def != nil && worst < SeverityWarning && len(findExpert(m, ExpNotAllowed)) == 0 {
		again, err := Encode(m, m.Layout)
		if err != nil {
			t.Fatalf("re-encoding a clean decode: %v", err)
		}
		if !bytes.Equal(again, data) {
			t.Fatalf("Encode(Decode(x)) != x\n   x %x\n got %x\n%s", data, again, dumpFields(m))
		}
	}
	return m
}

func FuzzDecode(f *testing.F) {
	seedFrames(f, func(b []byte, sel byte) { f.Add(b, sel) })
	f.Add([]byte{}, byte(0))
	f.Add([]byte{0, 0, 0, 4, 0, 0, 0, 5, 0, 0, 0, 1}, byte(0))
	f.Fuzz(func(t *testing.T, data []byte, sel byte) {
		var as *MessageDef
		if sel >= 0x80 {
			as = LookupName("CONFIG_TERMINAL_EVENT")
		}
		checkDecode(t, data, fuzzContext(sel), as)
	})
}

// splitFrames cuts a byte stream into frames by their BodyLength; the last
// frame takes whatever is left.
func splitFrames(data []byte, fn func(frame []byte)) {
	for len(data) > 0 {
		n := len(data)
		if len(data) >= HeaderLen {
			if l := uint64(binary.BigEndian.Uint32(data)) + HeaderLen; l < uint64(n) {
				n = int(l)
			}
		}
		fn(data[:n])
		data = data[n:]
	}
}

func FuzzSession(f *testing.F) {
	// Short sessions keep the fuzzer fast (it minimizes every new input):
	// OPEN_REQ then a message of a few classes, and captures that start
	// after OPEN_REQ.
	for i, tv := range testVersions {
		frames := encodedFrames(f, tv.version, tv.layout)
		seq := func(names ...string) []byte {
			var out []byte
			for _, n := range names {
				out = append(out, frames[LookupName(n)]...)
			}
			return out
		}
		f.Add(seq("OPEN_REQ", "OPEN_CONF", "HEARTBEAT_REQ"), byte(0))
		f.Add(seq("OPEN_REQ", "CALL_HELD_EVENT", "FAILURE_EVENT"), byte(0))
		f.Add(seq("OPEN_REQ", "SET_AGENT_STATE_REQ", "CONFIG_KEY_EVENT"), byte(0))
		f.Add(seq("CALL_HELD_EVENT", "ANSWER_CALL_REQ"), byte(i+1))
		f.Add(seq("HEARTBEAT_REQ", "CLEAR_CALL_REQ", "END_CALL_EVENT"), byte(0))
	}
	f.Add(append(hx(f, setAgentStateV18), hx(f, callHeldV18)...), byte(0))
	f.Add(append(hx(f, configAgentV13), hx(f, callHeldV13)...), byte(0))
	f.Add(append(hx(f, openReqV13), hx(f, callHeldV18)...), byte(3))
	// UCCE: OPEN_REQ at 20 (or none), then shared and UCCE-only types.
	for _, v := range []int{19, 20} {
		l := Layout11
		if v >= 20 {
			l = Layout22
		}
		frames := encodedFramesOf(f, ucceCatalog, v, l)
		seq := func(names ...string) []byte {
			var out []byte
			for _, n := range names {
				out = append(out, frames[ucceCatalog.LookupName(n, v)]...)
			}
			return out
		}
		f.Add(seq("OPEN_REQ", "OPEN_CONF", "CALL_TRANSLATION_ROUTE_EVENT"), byte(0))
		f.Add(seq("AGENT_STATE_EVENT", "OPEN_CONF", "CALL_REACHED_NETWORK_EVENT"), byte(0))
		f.Add(seq("CONFIG_SKILL_GROUP_EVENT", "HEARTBEAT_REQ"), byte(4))
	}
	f.Fuzz(fuzzSession)
}

func fuzzSession(t *testing.T, data []byte, sel byte) {
	{
		opts := []Options{{}, {Version: 13}, {Version: 18}, {Layout: Layout22}, {Dialect: DialectUCCE}}[sel%5]
		dec, sum, into := NewSession(opts), NewSession(opts), NewSession(opts)
		var s Summary
		var pool [2]*Message
		n := 0
		splitFrames(data, func(frame []byte) {
			ctx := dec.Context()
			checkDecode(t, frame, ctx, nil)
			want := dec.Decode(frame)
			// Decoding into a recycled message (as the pipeline does) gives
			// the same message, whatever the recycled one held.
			got := into.DecodeInto(pool[n%2], frame)
			pool[n%2] = got
			n++
			w, g := *want, *got
			w.slab, g.slab, w.kidRoom, g.kidRoom = nil, nil, nil, nil
			if !reflect.DeepEqual(w, g) {
				t.Fatalf("DecodeInto differs from Decode on %x:\nwant %+v\n got %+v", frame, w, g)
			}
			sum.Summarize(frame, &s)
			if dec.Version != sum.Version || dec.Layout != sum.Layout || dec.LayoutSource != sum.LayoutSource ||
				dec.OpenReqExtra != sum.OpenReqExtra || dec.Mode != sum.Mode || dec.SawOpenReq != sum.SawOpenReq ||
				dec.SawOpenConf != sum.SawOpenConf || dec.ServicesRequested != sum.ServicesRequested ||
				dec.ServicesGranted != sum.ServicesGranted || dec.Dialect != sum.Dialect || dec.DialectWhy != sum.DialectWhy {
				t.Fatalf("sessions learned differently from %x:\nDecode    %+v\nSummarize %+v", frame, *dec, *sum)
			}
			if dec.Layout == LayoutUnknown && dec.LayoutSource != SourceNone {
				t.Fatalf("session layout unknown with source %s", dec.LayoutSource)
			}
		})
	}
}
