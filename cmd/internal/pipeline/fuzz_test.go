package pipeline

import (
	"bytes"
	"os"
	"testing"
	"time"

	"github.com/ctishark/ctishark/dissect/filter"
	"github.com/ctishark/ctishark/reassembly"
	"github.com/ctishark/ctishark/reassembly/ctitest"
)

// FuzzPipeline feeds arbitrary capture bytes through reassembly, decoding,
// look-ahead pairing and a display filter: it must never panic or hang,
// messages must come out in increasing number, and pairing must point
// backwards (answers) or forwards (requests) consistently.
func FuzzPipeline(f *testing.F) {
	if b, err := os.ReadFile("../../../testdata/sample.pcap"); err == nil {
		f.Add(b[:min(len(b), 6000)])
	}
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	c := ctitest.NewConv("10.0.0.1:50000", "10.0.0.5:42027", 100, 900, t0)
	c.Handshake()
	c.Send(true, ctitest.Msg(5, 4))
	c.Send(false, ctitest.Msg(6, 4))
	c.SendSplit(false, ctitest.Cat(ctitest.Msg(30, 40), ctitest.Msg(4, 10)), 7, 30)
	c.Fin(true)
	f.Add(ctitest.Pcap(ctitest.Ethernet, c.Segs))
	f.Add(ctitest.PcapNG(ctitest.Ethernet, c.Segs))
	flt, err := filter.Compile(`cti.response_time >= 0 || cti.unanswered || cti.expert.severity >= warning || cti.event`)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		src, err := reassembly.OpenReader(bytes.NewReader(data))
		if err != nil {
			return
		}
		last := 0
		_ = New(Options{Lookahead: true, Filter: Matcher(flt)}).Read(src, func(r *Record) error {
			if r.Msg == nil {
				return nil
			}
			if r.Num <= last {
				t.Fatalf("message %d after %d", r.Num, last)
			}
			last = r.Num
			if q := r.Request; q != nil && q.Num >= r.Num {
				t.Fatalf("answer %d names a later request %d", r.Num, q.Num)
			}
			if q := r.Response; q != nil && q.Num <= r.Num {
				t.Fatalf("request %d names an earlier answer %d", r.Num, q.Num)
			}
			if r.Response != nil && r.Unanswered {
				t.Fatalf("request %d both answered and unanswered", r.Num)
			}
			return nil
		})
	})
}
