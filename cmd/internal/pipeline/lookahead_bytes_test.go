package pipeline

import (
	"bytes"
	"encoding/binary"
	"runtime"
	"runtime/metrics"
	"testing"
	"time"

	"github.com/ctishark/ctishark/cmd/internal/testutil"
	"github.com/ctishark/ctishark/dissect"
	"github.com/ctishark/ctishark/dissect/record"
	"github.com/ctishark/ctishark/reassembly"
	"github.com/ctishark/ctishark/reassembly/ctitest"
)

// hugeFrames is a HEARTBEAT_REQ its server never answers, then n frames of
// 32 KiB whose floating part is ~16k empty records: each decodes into a
// tree of megabytes, which the look-ahead would hold behind the request.
func hugeFrames(t testing.TB, n int) []byte {
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	c := ctitest.NewConv("10.0.0.1:50000", "10.0.0.5:42027", 100, 900, t0)
	c.Handshake()
	c.Send(true, testutil.Encode(t, "HEARTBEAT_REQ", 7)) // #1, never answered
	def := dissect.LookupName("CALL_CLEARED_EVENT")
	fixed := make([]byte, def.FixedSize())
	body := append(fixed, make([]byte, 32700-len(fixed))...) // 1+1 records: tag 0, length 0
	frame := binary.BigEndian.AppendUint32(nil, uint32(len(body)))
	frame = binary.BigEndian.AppendUint32(frame, def.ID)
	frame = append(frame, body...)
	for range n {
		c.SendSplit(false, frame, 1400)
		c.T = c.T.Add(time.Millisecond)
	}
	c.Fin(true)
	return ctitest.Pcap(ctitest.Ethernet, c.Segs)
}

func liveHeap() uint64 {
	runtime.GC()
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// The look-ahead holds records by their bytes, not their count: 300 huge
// frames behind an unanswered request used to take ~3 GB (1,000 ran out
// of memory). The request leaves early, Released, and its late verdict
// says it went unanswered. With decoding goroutines and an asynchronous
// callback (as read runs), what is out for decoding and what is batched
// for the callback are bounded in bytes too: counted in messages only,
// they took 1.3 GB here.
func TestLookaheadBoundedInBytes(t *testing.T) {
	if testing.Short() {
		t.Skip("decodes 300 frames of 16k fields")
	}
	capture := hugeFrames(t, 300)
	for _, parallel := range []bool{false, true} {
		src, err := reassembly.OpenReader(bytes.NewReader(capture))
		if err != nil {
			t.Fatal(err)
		}
		var verdicts []record.Verdict
		opts := Options{Lookahead: true, Parallel: parallel, Async: parallel, Limits: Limits{Lookahead: 16 << 20}, OnVerdict: func(v record.Verdict) { verdicts = append(verdicts, v) }}
		base := liveHeap()
		var peak uint64
		n := 0
		var first *Record
		err = New(opts).Read(src, func(r *Record) error {
			if first == nil {
				first = r
			}
			if n++; n%25 == 0 {
				peak = max(peak, liveHeap())
			}
			return nil // records are dropped as a streaming view does
		})
		if err != nil {
			t.Fatal(err)
		}
		if n != 301 {
			t.Fatalf("parallel %v: %d records, want 301", parallel, n)
		}
		if grown := int64(peak) - int64(base); grown > 96<<20 {
			t.Errorf("parallel %v: live heap grew by %d MiB holding records behind an unanswered request (bound 16 MiB)", parallel, grown>>20)
		}
		if first.Msg.Name() != "HEARTBEAT_REQ" || !first.Released || first.Unanswered || first.Response != nil {
			t.Errorf("parallel %v: the request went out as %+v", parallel, first)
		}
		if len(verdicts) != 1 || verdicts[0].Num != 1 || !verdicts[0].Unanswered || verdicts[0].Type != "HEARTBEAT_REQ" {
			t.Errorf("parallel %v: late verdicts %+v", parallel, verdicts)
		}
	}
}

// A released request answered later gets an "answered" verdict with its
// latency; the answer still names it.
func TestReleasedRequestAnsweredLater(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	c := ctitest.NewConv("10.0.0.1:50000", "10.0.0.5:42027", 100, 900, t0)
	c.Handshake()
	c.Send(true, testutil.Encode(t, "HEARTBEAT_REQ", 7)) // #1
	for range maxHeld + 10 {
		c.Send(false, testutil.Encode(t, "HEARTBEAT_CONF", 1)) // answers nothing
	}
	c.T = c.T.Add(2 * time.Second)
	c.Send(false, testutil.Encode(t, "HEARTBEAT_CONF", 7)) // the answer, after the queue's bound
	var verdicts []record.Verdict
	recs := readAll(t, ctitest.Pcap(ctitest.Ethernet, c.Segs), Options{Lookahead: true, OnVerdict: func(v record.Verdict) { verdicts = append(verdicts, v) }})
	req, ans := recs[0], recs[len(recs)-1]
	if !req.Released || req.Response != nil || req.Unanswered {
		t.Errorf("request %+v", req)
	}
	if ans.Request == nil || ans.Request.Num != 1 {
		t.Errorf("the answer does not name its request: %+v", ans.Request)
	}
	if len(verdicts) != 1 || verdicts[0].Response == nil || verdicts[0].Response.Num != ans.Num || verdicts[0].Unanswered {
		t.Fatalf("verdicts %+v", verdicts)
	}
	if got := verdicts[0].Response.Latency; got != ans.Request.Latency {
		t.Errorf("verdict latency %v, answer says %v", got, ans.Request.Latency)
	}
}

// What is out for decoding is bounded in frame bytes, not only in chunks:
// 32 KiB frames end a chunk each, and sixteen chunks of them out would be
// 512 KiB of frames (each decoding into megabytes of fields). Whenever a
// record is handed on, the chunks out hold at most maxOutBytes, and one
// chunk more (the one sent before the oldest was taken back).
func TestDecodingOutBoundedInFrameBytes(t *testing.T) {
	capture := hugeFrames(t, 40)
	src, err := reassembly.OpenReader(bytes.NewReader(capture))
	if err != nil {
		t.Fatal(err)
	}
	p := New(Options{Parallel: true})
	const frame = 32700 + 8
	most, n := 0, 0
	err = p.Read(src, func(r *Record) error {
		n++
		sum := 0
		for _, c := range p.par.out {
			sum += c.bytes
		}
		if sum != p.par.outBytes {
			t.Fatalf("record %d: chunks out hold %d frame bytes, counted %d", r.Num, sum, p.par.outBytes)
		}
		most = max(most, sum)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n != 41 {
		t.Fatalf("%d records, want 41", n)
	}
	if bound := maxOutBytes + chunkBytes + frame; most > bound {
		t.Errorf("%d frame bytes out for decoding, bound %d", most, bound)
	}
	if most < maxOutBytes/2 {
		t.Errorf("at most %d frame bytes out for decoding: the test no longer fills the chunks", most)
	}
}
