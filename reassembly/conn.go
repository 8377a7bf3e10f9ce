package reassembly

import (
	"encoding/binary"
	"net/netip"
)

// Direction of a frame or event relative to the CTI client and server.
type Direction uint8

// Directions.
const (
	ClientToServer Direction = iota
	ServerToClient
)

func (d Direction) String() string {
	if d == ClientToServer {
		return "client->server"
	}
	return "server->client"
}

// Values of Conn.DirKnownBy: how the client side was determined.
const (
	DirBySYN       = "syn"       // the SYN sender is the client
	DirByPort      = "port"      // the side not on a server port is the client
	DirByHeuristic = "heuristic" // the side that sent a client-only message is the client
	DirByGuess     = "guess"     // no evidence yet: the side with the higher port
)

// Conn is one CTI connection. The pointer stays valid (and unique to the
// connection) for the life of the Reassembler, so callers may use it as a
// map key or keep per-connection state in Context.
type Conn struct {
	Index          int // 0-based, in the order connections are recognised as CTI
	Client, Server netip.AddrPort
	DirKnownBy     string // DirBySYN, DirByPort, DirByHeuristic or DirByGuess
	Context        any    // opaque slot for the caller's per-connection state
}

// connState is where a connection is in its life.
type connState uint8

const (
	stUndecided connState = iota // heuristics still looking at the first bytes
	stCTI                        // framing
	stIgnored                    // not CTI: packets are dropped cheaply
	stClosed                     // tombstone: absorbs late retransmissions until idle
)

// connKey identifies a TCP connection independently of direction: side a is
// the endpoint that sorts first.
type connKey struct {
	a, b   [16]byte
	pa, pb uint16
}

// keyOf builds the key for a segment and says which side sent it (0: a).
func keyOf(s *segment) (connKey, int) {
	if endpointLess(&s.srcIP, s.srcPort, &s.dstIP, s.dstPort) {
		return connKey{a: s.srcIP, b: s.dstIP, pa: s.srcPort, pb: s.dstPort}, 0
	}
	return connKey{a: s.dstIP, b: s.srcIP, pa: s.dstPort, pb: s.srcPort}, 1
}

func endpointLess(ip1 *[16]byte, p1 uint16, ip2 *[16]byte, p2 uint16) bool {
	h1, h2 := binary.BigEndian.Uint64(ip1[:8]), binary.BigEndian.Uint64(ip2[:8])
	if h1 != h2 {
		return h1 < h2
	}
	l1, l2 := binary.BigEndian.Uint64(ip1[8:]), binary.BigEndian.Uint64(ip2[8:])
	if l1 != l2 {
		return l1 < l2
	}
	return p1 < p2
}

// conn is the internal connection record; Conn is what callers see. Fields
// touched for every packet come first so they share cache lines: with
// thousands of interleaved connections, cache misses dominate.
type conn struct {
	state      connState
	clientSide int     // side of the client, valid once classified
	lastSeen   int64   // capture time of the last packet, Unix nanoseconds
	half       [2]half // half[side]: bytes sent by that side

	Conn
	key        connKey
	ep         [2]netip.AddrPort // ep[side]
	opened     bool
	listed     int64 // capture time when c was put at the back of the list
	inTable    bool
	prev, next *conn  // activity list, least recently active first
	tomb       uint64 // while a tombstone: its place in Reassembler.tombs (see bury)
}

func (c *conn) dirOf(side int) Direction {
	if side == c.clientSide {
		return ClientToServer
	}
	return ServerToClient
}

// setClient records which side is the client and why.
func (c *conn) setClient(side int, by string) {
	c.clientSide = side
	c.DirKnownBy = by
	c.Client, c.Server = c.ep[side], c.ep[1-side]
}

func addrPort(ip *[16]byte, is4 bool, port uint16) netip.AddrPort {
	a := netip.AddrFrom16(*ip)
	if is4 {
		a = a.Unmap()
	}
	return netip.AddrPortFrom(a, port)
}

// connTable holds live connections and keeps them roughly in order of
// last activity so idle ones can be found at the front.
//
// IPv4 connections, the vast majority, are keyed by a 16-byte key that
// hashes and compares much faster than the 36-byte general one.
type connTable struct {
	m4         map[key4]*conn
	m6         map[connKey]*conn
	head, tail *conn
	n          int
}

// key4 is connKey for IPv4: both addresses in one word, both ports in another.
type key4 struct {
	ips   uint64
	ports uint32
}

func (k *connKey) is4() bool {
	return binary.BigEndian.Uint64(k.a[:8]) == 0 && binary.BigEndian.Uint32(k.a[8:12]) == 0xffff &&
		binary.BigEndian.Uint64(k.b[:8]) == 0 && binary.BigEndian.Uint32(k.b[8:12]) == 0xffff
}

func (k *connKey) v4() key4 {
	return key4{
		ips:   uint64(binary.BigEndian.Uint32(k.a[12:]))<<32 | uint64(binary.BigEndian.Uint32(k.b[12:])),
		ports: uint32(k.pa)<<16 | uint32(k.pb),
	}
}

func (t *connTable) init() {
	t.m4 = make(map[key4]*conn)
	t.m6 = make(map[connKey]*conn)
}

// lookup finds the connection of a segment and the side that sent it.
// It must not touch the connection record itself: that is a cache miss
// the caller pays only for the fields it needs.
func (t *connTable) lookup(s *segment) (*conn, int) {
	if s.is4 {
		// Same ordering as keyOf, on the 4-byte addresses.
		src, dst := binary.BigEndian.Uint32(s.srcIP[12:]), binary.BigEndian.Uint32(s.dstIP[12:])
		if src < dst || src == dst && s.srcPort <= s.dstPort {
			return t.m4[key4{uint64(src)<<32 | uint64(dst), uint32(s.srcPort)<<16 | uint32(s.dstPort)}], 0
		}
		return t.m4[key4{uint64(dst)<<32 | uint64(src), uint32(s.dstPort)<<16 | uint32(s.srcPort)}], 1
	}
	key, side := keyOf(s)
	return t.m6[key], side
}

func (t *connTable) get(k *connKey) *conn {
	if k.is4() {
		return t.m4[k.v4()]
	}
	return t.m6[*k]
}

func (t *connTable) set(k *connKey, c *conn) {
	if k.is4() {
		t.m4[k.v4()] = c
	} else {
		t.m6[*k] = c
	}
}

func (t *connTable) del(k *connKey) {
	if k.is4() {
		delete(t.m4, k.v4())
	} else {
		delete(t.m6, *k)
	}
}

func (t *connTable) unlink(c *conn) {
	if c.prev != nil {
		c.prev.next = c.next
	} else {
		t.head = c.next
	}
	if c.next != nil {
		c.next.prev = c.prev
	} else {
		t.tail = c.prev
	}
	c.prev, c.next = nil, nil
}

func (t *connTable) pushBack(c *conn) {
	c.prev = t.tail
	c.next = nil
	if t.tail != nil {
		t.tail.next = c
	} else {
		t.head = c
	}
	t.tail = c
}

// touch records activity. It does not reorder the list: keeping exact LRU
// order costs several pointer writes (and cache misses) per packet.
// Instead the list is in order of insertion or last requeue, and the
// expiry scan requeues a head that turns out to have been active
// ("second chance"), so each connection moves at most once per idle period.
func (t *connTable) touch(c *conn, ns int64) {
	if ns > c.lastSeen {
		c.lastSeen = ns
	}
}

// requeue moves c to the back of the list.
func (t *connTable) requeue(c *conn, ns int64) {
	c.listed = ns
	if t.tail != c {
		t.unlink(c)
		t.pushBack(c)
	}
}

func (t *connTable) add(c *conn, ns int64) {
	t.set(&c.key, c)
	t.n++
	c.listed = ns
	t.pushBack(c)
	c.inTable = true
}

// remove is idempotent: a connection can be closed from several paths.
func (t *connTable) remove(c *conn) {
	if !c.inTable {
		return
	}
	if t.get(&c.key) == c {
		t.del(&c.key)
	}
	t.n--
	t.unlink(c)
	c.inTable = false
}
