package dissect

import "testing"

// benchFrame is a realistic frame of each message class, with the context
// of the session it belongs to.
func benchFrames(b *testing.B) map[Class][]byte {
	full := func(name string) []byte {
		out, err := Encode(fullMessage(b, LookupName(name), 13, Layout11), Layout11)
		if err != nil {
			b.Fatal(err)
		}
		return out
	}
	return map[Class][]byte{
		ClassSession:     hx(b, openReqV13),
		ClassFailure:     hx(b, "00000014 00000001 00000007 00000003 070a626164206669656c6400"),
		ClassConfig:      hx(b, configAgentV13),
		ClassAgent:       full("AGENT_STATE_EVENT"),
		ClassCallEvent:   full("CALL_DELIVERED_EVENT"),
		ClassCallControl: full("ANSWER_CALL_REQ"),
	}
}

func BenchmarkSummarize(b *testing.B) {
	frames := benchFrames(b)
	ctx := ctxFor(13)
	for _, c := range Classes {
		frame := frames[c]
		b.Run(c.String(), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(frame)))
			var s Summary
			for b.Loop() {
				Summarize(frame, ctx, &s)
			}
			if s.Malformed {
				b.Fatal("benchmark frame is malformed")
			}
		})
	}
}

func BenchmarkDecode(b *testing.B) {
	frames := benchFrames(b)
	ctx := ctxFor(13)
	for _, c := range Classes {
		frame := frames[c]
		b.Run(c.String(), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(frame)))
			var m *Message
			for b.Loop() {
				m = Decode(frame, ctx)
			}
			if m.Worst() >= SeverityWarning {
				b.Fatalf("benchmark frame decodes with %q", expertCodes(m))
			}
		})
	}
}

// BenchmarkDecodeInto decodes as the pipeline does: into recycled
// messages, a ring of them in flight (so the fields written are not all
// in cache), one session per class.
func BenchmarkDecodeInto(b *testing.B) {
	frames := benchFrames(b)
	for _, c := range Classes {
		frame := frames[c]
		b.Run(c.String(), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(frame)))
			s := NewSession(Options{Version: 13, Layout: Layout11})
			var ring [512]*Message
			i := 0
			for b.Loop() {
				ring[i%len(ring)] = s.DecodeInto(ring[i%len(ring)], frame)
				i++
			}
			if m := ring[0]; m.Worst() >= SeverityWarning {
				b.Fatalf("benchmark frame decodes with %q", expertCodes(m))
			}
		})
	}
}
