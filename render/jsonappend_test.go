package render

import (
	"net/netip"
	"testing"
	"time"

	"github.com/ctishark/ctishark/dissect"
	"github.com/ctishark/ctishark/dissect/record/recordtest"
)

// appendUTCNano writes what AppendFormat writes with the JSON views'
// layout, whatever the zone, across the years, the nanoseconds and the
// fallback outside 0..9999.
func TestAppendUTCNanoMatchesAppendFormat(t *testing.T) {
	const layout = "2006-01-02T15:04:05.000000000Z07:00"
	zone := time.FixedZone("X", -5*3600-30*60)
	times := []time.Time{
		time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC),
		time.Date(2026, 12, 31, 23, 59, 59, 999999999, time.UTC),
		time.Date(1970, 1, 1, 0, 0, 0, 1, time.UTC),
		time.Date(2000, 2, 29, 12, 34, 56, 123456789, zone),
		time.Date(9999, 12, 31, 23, 59, 59, 5, time.UTC),
		time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Unix(1<<33, 42),
	}
	for _, tm := range times {
		want := tm.UTC().AppendFormat(nil, layout)
		if got := appendUTCNano([]byte("x"), tm); string(got) != "x"+string(want) {
			t.Errorf("%v: got %s, want %s", tm, got[1:], want)
		}
	}
}

// plainPrefix finds the same first byte to escape as a byte-by-byte scan,
// for every byte value at every position of a word and across words.
func TestPlainPrefixMatchesByteScan(t *testing.T) {
	naive := func(s string) int {
		i := 0
		for i < len(s) && jsonPlain[s[i]] {
			i++
		}
		return i
	}
	base := []byte("cti.AgentID-0123456789abcdefghij")
	for n := 0; n <= len(base); n++ {
		for pos := 0; pos < n; pos++ {
			for c := 0; c < 256; c++ {
				s := append([]byte(nil), base[:n]...)
				s[pos] = byte(c)
				if got, want := plainPrefix(string(s)), naive(string(s)); got != want {
					t.Fatalf("%q: plainPrefix %d, byte scan %d", s, got, want)
				}
			}
		}
	}
}

// The fragments made once per definition write what the key-by-key code
// writes: every field of some records, in both styles, with and without
// secrets, rendered through the cache and without one.
func TestFieldFragmentsMatchKeyByKey(t *testing.T) {
	recs := benchRecords(t)
	for _, m := range []*dissect.Message{
		recordtest.Build(t, "AGENT_STATE_EVENT", map[string]dissect.Value{"AgentState": recordtest.U(3), "EventReasonCode": recordtest.U(65535), "numCSQs": recordtest.U(2)},
			"CSQID", recordtest.U(7), "CSQID", recordtest.U(8), "AgentID", recordtest.S("a\"b\\c\n\x01é")),
		recordtest.Build(t, "CALL_DELIVERED_EVENT", map[string]dissect.Value{"EventCause": recordtest.U(12345), "AlertingDeviceType": recordtest.U(1 << 20)}),
	} {
		recs = append(recs, mkrec(m, 9, 0))
	}
	hits := 0
	for _, st := range []style{compactStyle, prettyStyle} {
		// One memo per style, as a renderer has: each record twice, so
		// the second rendering of each field is the memo's copy.
		memo := new(jsonMemo)
		for _, sec := range []bool{false, true} {
			for _, r := range append(recs, recs...) {
				cur := st.fk.defs().cursor(r.Msg)
				for i := range r.Msg.Fields {
					f := &r.Msg.Fields[i]
					probe := cur
					if probe.find(f.Def) != nil {
						hits++
					}
					got := string(appendField(nil, f, r.Msg.Frame, sec, st.fk, &cur, memo))
					want := string(appendField(nil, f, r.Msg.Frame, sec, st.fk, &fragCursor{}, nil))
					if got != want {
						t.Errorf("%s %s: fragments\n%s\nkey by key\n%s", r.Msg.Name(), f.Name, got, want)
					}
				}
			}
		}
	}
	if hits == 0 {
		t.Error("no field took the fragments")
	}
}

// enumDisplay names what Table.Lookup names, for every table and value
// near the ones it holds.
func TestEnumDisplayMatchesLookup(t *testing.T) {
	for _, c := range dissect.Catalogs() {
		for _, tb := range c.Enums() {
			k := &fieldKeys{}
			c := &defCache{k: k, enums: map[*dissect.Table]*enumFrags{tb: {}}}
			e := c.field(&dissect.FieldDef{Enum: tb}).enum
			for _, nv := range tb.Values {
				for _, v := range []uint32{nv.Value - 1, nv.Value, nv.Value + 1} {
					want, _ := tb.Lookup(v)
					if want != "" {
						want = string(appendString(nil, want))
					}
					if got := enumDisplay(tb, e, v); got != want {
						t.Fatalf("%s %d: %q, Lookup %q", tb.Name, v, got, want)
					}
				}
			}
		}
	}
}

// appendEndpoint writes what appendString(endpoint(a)) writes.
func TestAppendEndpointMatchesString(t *testing.T) {
	for _, s := range []string{"10.0.0.5:42027", "0.0.0.0:0", "255.255.255.255:65535", "[::1]:80", "[::ffff:10.0.0.1]:5", "[fe80::1%eth\"0]:7"} {
		a := netip.MustParseAddrPort(s)
		if got, want := string(appendEndpoint(nil, a)), string(appendString(nil, endpoint(a))); got != want {
			t.Errorf("%s: %s, want %s", s, got, want)
		}
	}
	if got := string(appendEndpoint(nil, netip.AddrPort{})); got != `""` {
		t.Errorf("unset: %s", got)
	}
}

// quoteAppended escapes text appended raw as appendString escapes it.
func TestQuoteAppendedMatchesAppendString(t *testing.T) {
	for _, s := range []string{"", "plain text, 8+ bytes long", "a\"b", "tab\there", "é\u2028x\xff", "0123456789\x01"} {
		b := append([]byte("{"), '"')
		b = quoteAppended(append(b, s...), 2)
		if got, want := string(b), "{"+string(appendString(nil, s)); got != want {
			t.Errorf("%q: %s, want %s", s, got, want)
		}
	}
}

// Records rendered on several goroutines at once share the fragments
// (made on first use) safely: run with -race.
func TestAppendJSONConcurrent(t *testing.T) {
	recs := benchRecords(t)
	want := string(AppendJSON(nil, recs[0], false))
	done := make(chan string)
	for range 4 {
		go func() {
			var b []byte
			memo := new(jsonMemo)
			for _, r := range recs {
				b = appendRecord(b[:0], r, false, prettyStyle, memo)
			}
			done <- string(AppendJSON(nil, recs[0], false))
		}()
	}
	for range 4 {
		if got := <-done; got != want {
			t.Errorf("got %s, want %s", got, want)
		}
	}
}
