package pipeline

import (
	"bytes"
	"testing"
	"time"

	"github.com/ctishark/ctishark/cmd/gen"
	"github.com/ctishark/ctishark/cmd/internal/testutil"
	"github.com/ctishark/ctishark/reassembly"
	"github.com/ctishark/ctishark/reassembly/ctitest"
)

func readAll(t *testing.T, capture []byte, opts Options) []*Record {
	t.Helper()
	src, err := reassembly.OpenReader(bytes.NewReader(capture))
	if err != nil {
		t.Fatal(err)
	}
	var out []*Record
	if err := New(opts).Read(src, func(r *Record) error { out = append(out, r); return nil }); err != nil {
		t.Fatal(err)
	}
	return out
}

// Every request of a generated capture names its answer, with the latency
// the generator wrote, and records still come out in capture order.
func TestLookaheadPairsGeneratedCapture(t *testing.T) {
	var buf bytes.Buffer
	res, err := gen.Generate(&buf, gen.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	recs := readAll(t, buf.Bytes(), Options{Lookahead: true})
	byPkt := map[int]*Record{}
	last := 0
	for _, r := range recs {
		if r.Msg == nil {
			continue
		}
		if r.Num != last+1 {
			t.Fatalf("record %d after %d: order broken", r.Num, last)
		}
		last = r.Num
		byPkt[r.Frame.Pkt] = r
		if r.Unanswered {
			t.Errorf("#%d %s flagged unanswered in a capture where everything is answered", r.Num, r.Msg.Def.Name)
		}
	}
	if last != res.NumMsgs {
		t.Fatalf("%d messages, generator wrote %d", last, res.NumMsgs)
	}
	paired := 0
	for _, pr := range res.Pairs {
		if pr.InvokeID == 0 {
			continue // CONFIG_REQUEST_KEY_EVENT answers without an InvokeID
		}
		q, a := byPkt[pr.RequestFrame], byPkt[pr.ResponseFrame]
		if q == nil || a == nil {
			t.Fatalf("pair %+v: frames not found", pr)
		}
		if q.Response == nil || q.Response.Num != a.Num || q.Response.Latency != pr.Latency {
			t.Errorf("%s #%d: Response = %+v, want #%d %v", pr.Request, q.Num, q.Response, a.Num, pr.Latency)
		}
		if a.Request == nil || a.Request.Num != q.Num || a.Request.Latency != pr.Latency {
			t.Errorf("%s #%d: Request = %+v, want #%d %v", pr.Response, a.Num, a.Request, q.Num, pr.Latency)
		}
		paired++
	}
	if paired < 50 {
		t.Fatalf("only %d pairs checked", paired)
	}
	// Without look-ahead only answers know their requests.
	for _, r := range readAll(t, buf.Bytes(), Options{}) {
		if r.Response != nil || r.Unanswered {
			t.Fatalf("#%d carries look-ahead data without look-ahead", r.Num)
		}
	}
}

// Requests that a closed connection (or the end of the capture) left
// unanswered are flagged; the records behind them are not lost.
func TestLookaheadUnanswered(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	a := ctitest.NewConv("10.0.0.1:50000", "10.0.0.5:42027", 100, 900, t0)
	a.Handshake()
	a.Send(true, testutil.Encode(t, "HEARTBEAT_REQ", 1))   // #1 answered by #2
	a.Send(false, testutil.Encode(t, "HEARTBEAT_CONF", 1)) // #2
	a.Send(true, testutil.Encode(t, "HEARTBEAT_REQ", 2))   // #3 never answered: FIN
	a.Send(false, testutil.Encode(t, "HEARTBEAT_CONF", 9)) // #4 answers nothing
	a.Fin(true)
	a.Fin(false)
	b := ctitest.NewConv("10.0.0.2:50001", "10.0.0.5:42027", 100, 900, t0.Add(time.Second))
	b.Handshake()
	b.Send(true, testutil.Encode(t, "HEARTBEAT_REQ", 3)) // #5 still open at the end
	segs := append(a.Segs, b.Segs...)
	recs := readAll(t, ctitest.Pcap(ctitest.Ethernet, segs), Options{Lookahead: true})
	want := []struct {
		num        int
		response   int
		unanswered bool
	}{{1, 2, false}, {2, 0, false}, {3, 0, true}, {4, 0, false}, {5, 0, true}}
	if len(recs) != len(want) {
		t.Fatalf("%d records, want %d", len(recs), len(want))
	}
	for i, w := range want {
		r := recs[i]
		got := 0
		if r.Response != nil {
			got = r.Response.Num
		}
		if r.Num != w.num || got != w.response || r.Unanswered != w.unanswered {
			t.Errorf("record %d: num %d response %d unanswered %v; want %+v", i, r.Num, got, r.Unanswered, w)
		}
	}
}

// A request that holds the queue past holdTime goes out flagged unanswered: not answered within holdTime
// is the one verdict every command reads (read -Y cti.unanswered, stats,
// check). The late answer still names it.
func TestLookaheadHoldTime(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	a := ctitest.NewConv("10.0.0.1:50000", "10.0.0.5:42027", 100, 900, t0)
	a.Handshake()
	req := a.Send(true, testutil.Encode(t, "HEARTBEAT_REQ", 1))
	sent := req.Time
	other := a.Send(false, testutil.Encode(t, "HEARTBEAT_CONF", 99)) // answers nothing, releases the queue
	other.Time = sent.Add(holdTime + time.Second)
	late := a.Send(false, testutil.Encode(t, "HEARTBEAT_CONF", 1))
	late.Time = sent.Add(holdTime + 5*time.Second)
	var order []int
	src, _ := reassembly.OpenReader(bytes.NewReader(ctitest.Pcap(ctitest.Ethernet, a.Segs)))
	var recs []*Record
	err := New(Options{Lookahead: true}).Read(src, func(r *Record) error {
		order = append(order, r.Num)
		recs = append(recs, r)
		return nil
	})
	if err != nil || len(recs) != 3 {
		t.Fatalf("%d records, err %v", len(recs), err)
	}
	if recs[0].Response != nil || !recs[0].Unanswered {
		t.Errorf("late-answered request: Response %+v Unanswered %v; want only Unanswered", recs[0].Response, recs[0].Unanswered)
	}
	if order[0] != 1 || order[1] != 2 {
		t.Errorf("order %v", order)
	}
	if q := recs[2].Request; q == nil || q.Num != 1 || q.Latency != holdTime+5*time.Second {
		t.Errorf("late answer: Request = %+v", q)
	}
}

// The filter sees paired records, and Count counts what it kept.
func TestFilterAndCount(t *testing.T) {
	var buf bytes.Buffer
	if _, err := gen.Generate(&buf, gen.DefaultConfig()); err != nil {
		t.Fatal(err)
	}
	isReq := func(r *Record) bool { return r.Msg != nil && r.Response != nil }
	recs := readAll(t, buf.Bytes(), Options{Lookahead: true, Filter: isReq, Count: 7})
	if len(recs) != 7 {
		t.Fatalf("%d records, want 7", len(recs))
	}
	for _, r := range recs {
		if !isReq(r) {
			t.Fatalf("#%d passed the filter without matching", r.Num)
		}
	}
	if recs[6].Num <= 7 {
		t.Errorf("numbers should count every message, got last #%d", recs[6].Num)
	}
}
