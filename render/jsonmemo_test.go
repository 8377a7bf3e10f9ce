package render

import (
	"net/netip"
	"testing"
	"time"

	"github.com/ctishark/ctishark/dissect"
	"github.com/ctishark/ctishark/dissect/record"
)

// Each key of a memo's pieces is what the piece shows: records that
// differ in one of them only, one after the other on the memo's same
// slot, render as they do afresh. Real captures seldom exercise these
// (fewer connections than the memo's slots, sessions that change with
// notes), so they are made here: connections that share a slot with
// other endpoints, a session that changes without a note, records in
// the same second and in the next, and a field's value and offset.
func TestJSONMemoKeysAreWhatThePiecesShow(t *testing.T) {
	base := benchRecords(t)
	var recs []*record.Record
	add := func(edit func(r *record.Record)) {
		for _, b := range base {
			r := *b
			edit(&r)
			recs = append(recs, &r)
		}
	}
	add(func(r *record.Record) {})
	add(func(r *record.Record) { // the same slot, other endpoints
		r.Frame.Stream = memoStreams
		r.Frame.Src = netip.MustParseAddrPort("10.9.9.9:40000")
	})
	add(func(r *record.Record) {
		r.Frame.Stream = memoStreams
		r.Frame.Dst = netip.MustParseAddrPort("[2001:db8::5]:42027")
	})
	add(func(r *record.Record) { r.Frame.Dir = record.ServerToClient })
	add(func(r *record.Record) { r.Session.Version = 14 })
	add(func(r *record.Record) { r.Session.Layout = dissect.Layout(0) })
	add(func(r *record.Record) { r.Session.LayoutSource = dissect.LayoutSource(0) })
	add(func(r *record.Record) { r.Session.Mode = dissect.ClientMode(0) })
	add(func(r *record.Record) { r.Session.Dialect = dissect.DialectUCCE })
	add(func(r *record.Record) { r.Frame.Time = r.Frame.Time.Add(999 * time.Millisecond) })
	add(func(r *record.Record) { r.Frame.Time = r.Frame.Time.Add(time.Second) })
	add(func(r *record.Record) { r.Frame.Time = r.Frame.Time.AddDate(1, 0, 0) })
	add(func(r *record.Record) { // a fixed field's bytes changed in place, and one moved
		m := *r.Msg
		m.Frame = append([]byte(nil), m.Frame...)
		m.Fields = append([]dissect.Field(nil), m.Fields...)
		f := &m.Fields[0]
		m.Frame[f.Offset+f.Size-1] ^= 1
		f.Value.Num ^= 1
		if len(m.Fields) > 1 {
			m.Fields[1].Offset++
		}
		r.Msg = &m
	})
	add(func(r *record.Record) {})
	for _, st := range []style{compactStyle, prettyStyle} {
		for _, sec := range []bool{false, true} {
			memo := new(jsonMemo)
			for i, r := range append(recs, recs...) {
				got := string(appendRecord(nil, r, sec, st, memo))
				want := string(appendRecord(nil, r, sec, st, nil))
				if got != want {
					t.Fatalf("record %d (secrets %v): through the memo\n%s\nfresh\n%s", i, sec, got, want)
				}
			}
		}
	}
}
