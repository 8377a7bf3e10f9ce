package ladder

import (
	"net/netip"
	"reflect"
	"runtime"
	"runtime/metrics"
	"testing"

	"github.com/ctishark/ctishark/dissect/record"
)

// A compact builder (the JSON document's) draws the same arrows and lists
// the same endpoints as the ordinary one, for IPv4, IPv6 and 4in6
// clients on several streams, while keeping clients as small records.
func TestCompactBuilderMatches(t *testing.T) {
	var recs []*record.Record
	clients := []string{"", "[2001:db8::7]:50123", "[::ffff:10.1.2.3]:40000"}
	for s, cli := range clients {
		for _, r := range hostileRecords(t) {
			c := *r
			c.Frame.Stream = 2 * s // a stream number with no record between
			if cli != "" {
				a := netip.MustParseAddrPort(cli)
				if c.Frame.Dir == record.ClientToServer {
					c.Frame.Src = a
				} else {
					c.Frame.Dst = a
				}
			}
			recs = append(recs, &c)
		}
	}
	plain, compact := NewBuilder(false), NewCompactBuilder(false)
	for i, r := range recs {
		plain.Observe(r)
		compact.Observe(r)
		a, fa := plain.Arrow(r)
		b, fb := compact.Arrow(r)
		if !reflect.DeepEqual(a, b) || len(fa) != len(fb) {
			t.Fatalf("record %d: arrow %+v (%d fresh), compact %+v (%d fresh)", i, a, len(fa), b, len(fb))
		}
	}
	var got []Endpoint
	compact.EachEndpoint(func(e *Endpoint) error { got = append(got, *e); return nil })
	want := plain.Endpoints()
	if len(got) != len(want) || len(want) != 1+len(clients) {
		t.Fatalf("%d endpoints, want %d", len(got), len(want))
	}
	for i := range want {
		if !reflect.DeepEqual(got[i], *want[i]) {
			t.Errorf("endpoint %d: %+v, want %+v", i, got[i], *want[i])
		}
	}
}

// liveHeap is the heap's live objects after a collection.
func liveHeap() uint64 {
	runtime.GC()
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// A compact builder keeps a client session in a few tens of bytes: 200,000
// one-message connections (an Endpoint and a map entry each took ~180
// bytes, 137 MB at 800,000) stay under 64 bytes a connection.
func TestCompactBuilderMemory(t *testing.T) {
	r := hostileRecords(t)[2] // not an OPEN_REQ: no names to keep
	const n = 200_000
	b := NewCompactBuilder(false)
	base := liveHeap()
	for i := range n {
		c := *r
		c.Frame.Stream = i
		c.Frame.Src = netip.AddrPortFrom(netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)}), 50000)
		b.Observe(&c)
		b.Arrow(&c)
	}
	heap := liveHeap()
	heap -= min(base, heap)
	runtime.KeepAlive(b)
	t.Logf("%d bytes of live heap per connection", heap/n)
	if heap > 64*n {
		t.Errorf("%d connections hold %d MiB of live heap, want at most %d MiB (64 bytes each)", n, heap>>20, 64*n>>20)
	}
}
