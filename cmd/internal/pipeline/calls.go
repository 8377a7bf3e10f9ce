package pipeline

import (
	"net/netip"
	"time"

	"github.com/ctishark/ctishark/dissect"
	"github.com/ctishark/ctishark/dissect/record"
)

// calls gives every message the calls it names as users think of them
// (record.CallRef): a CallID is one call only within one capture file's
// server session and time span. The same CallID in another file or on
// another server, or reused once the call ended, is a new call.
//
// Memory is bounded: a call ended (every session that saw it got its
// END_CALL_EVENT, or CALL_CLEARED_EVENT came) is forgotten callLinger of
// capture time later, one not seen for callIdle is forgotten, and at most
// maxCalls are remembered.
type calls struct {
	// The calls remembered, by file and server, then CallID: the
	// pair's table is found once per message (last, the one of the
	// previous lookup, nearly always), and each CallID in it hashes as a
	// word, not with an address (measured: hashing callKey was 1.5% of
	// the CPU of stats).
	servers  map[serverKey]*serverCalls
	last     *serverCalls           // the table looked up last, nil after evict drops tables
	nLive    int                    // calls in all tables
	next     int                    // call numbers handed out so far
	consults map[int]record.CallRef // CONSULT_CALL_REQ number -> the call consulted from
	swept    time.Time
	refs     []record.CallRef // room the records' Calls are cut from (refRoom)
}

// refRoom returns an empty list with room for n call references, cut
// from a shared block so that messages naming calls (most of them) do not
// each allocate their own; a block is freed once no record uses it.
func (cs *calls) refRoom(n int) []record.CallRef {
	if n > cap(cs.refs)-len(cs.refs) {
		cs.refs = make([]record.CallRef, 0, max(n, 1024))
	}
	l := len(cs.refs)
	cs.refs = cs.refs[:l+n]
	return cs.refs[l : l : l+n]
}

type callKey struct {
	serverKey
	id uint32
}

// serverKey is where a CallID means one call: a capture file's server.
type serverKey struct {
	file   int
	server netip.AddrPort
}

// serverCalls are the calls remembered of one serverKey.
type serverCalls struct {
	key  serverKey
	live map[uint32]*liveCall
}

// table is the calls of k (nil when none are remembered, unless create).
func (cs *calls) table(k serverKey, create bool) *serverCalls {
	if t := cs.last; t != nil && t.key == k {
		return t
	}
	t := cs.servers[k]
	if t == nil {
		if !create {
			return nil
		}
		if cs.servers == nil {
			cs.servers = map[serverKey]*serverCalls{}
		}
		t = &serverCalls{key: k, live: map[uint32]*liveCall{}}
		cs.servers[k] = t
	}
	cs.last = t
	return t
}

// get is the call remembered for k, nil when none.
func (cs *calls) get(k callKey) *liveCall {
	if t := cs.table(k.serverKey, false); t != nil {
		return t.live[k.id]
	}
	return nil
}

type liveCall struct {
	n       int
	last    time.Time
	ended   bool
	streams []int // sessions that saw the call
	left    []int // sessions that got its END_CALL_EVENT
}

const (
	callLinger = time.Minute   // an ended call still takes stragglers (END_CALL_EVENT of other sessions)
	callIdle   = 2 * time.Hour // a CallID silent this long starts a new call
	maxCalls   = 1 << 16       // calls remembered at once
	maxConsult = 4096          // consult requests waiting for their confirm
)

// starts are the events that begin a call: after its end they begin a new
// one with the same CallID.
func starts(id uint32) bool {
	switch id {
	case dissect.MsgBeginCallEvent, dissect.MsgCallDeliveredEvent, dissect.MsgCallOriginatedEvent, dissect.MsgCallServiceInitiatedEvent:
		return true
	}
	return false
}

// assign sets r.Calls and r.Link from the message's call references ids
// (record.CallIDsOf, read off the reading goroutine: see facts).
func (cs *calls) assign(r *record.Record, ids record.CallIDs) {
	m := r.Msg
	if m == nil || m.Def == nil || !m.Def.IDKnown {
		return
	}
	t := r.Frame.Time
	cs.sweep(t)
	isEvent := m.Def.Kind == dissect.KindEvent
	ref := func(id uint32, begin bool) record.CallRef {
		return cs.resolve(callKey{serverKey{r.Frame.FileIndex, r.Frame.Server()}, id}, r.Frame.Stream, t, begin)
	}
	if n := ids.Count(); n > 0 {
		r.Calls = cs.refRoom(n)
	}
	var main record.CallRef
	if ids.Main != 0 {
		main = ref(ids.Main, isEvent && starts(m.Def.ID))
		r.Calls = append(r.Calls, main)
	}
	var second record.CallRef
	if ids.Secondary != 0 && ids.Secondary != ids.Main {
		second = ref(ids.Secondary, false)
		r.Calls = append(r.Calls, second)
	}
	for _, id := range ids.Others {
		if id != 0 && id != ids.Main && id != ids.Secondary {
			r.Calls = append(r.Calls, ref(id, false))
		}
	}
	switch m.Def.ID {
	case dissect.MsgConsultCallReq:
		if id, ok := m.Uint("ActiveCallID"); ok && id != 0 && len(cs.consults) < maxConsult {
			if cs.consults == nil {
				cs.consults = map[int]record.CallRef{}
			}
			cs.consults[r.Num] = ref(uint32(id), false)
		}
	case dissect.MsgConsultCallConf:
		if r.Request == nil {
			break
		}
		from, ok := cs.consults[r.Request.Num]
		delete(cs.consults, r.Request.Num)
		if id, has := m.Uint("NewCallID"); ok && has && id != 0 {
			r.Link = &record.CallLink{Kind: record.LinkConsult, From: ref(uint32(id), false), To: from}
		}
	case dissect.MsgCallTransferredEvent, dissect.MsgCallConferencedEvent:
		if second.N != 0 {
			kind := record.LinkTransfer
			if m.Def.ID == dissect.MsgCallConferencedEvent {
				kind = record.LinkConference
			}
			r.Link = &record.CallLink{Kind: kind, From: second, To: main}
			cs.end(callKey{serverKey{r.Frame.FileIndex, r.Frame.Server()}, ids.Secondary}, -1)
		}
	case dissect.MsgEndCallEvent:
		if main.N != 0 {
			cs.end(callKey{serverKey{r.Frame.FileIndex, r.Frame.Server()}, ids.Main}, r.Frame.Stream)
		}
	case dissect.MsgCallClearedEvent:
		if main.N != 0 {
			cs.end(callKey{serverKey{r.Frame.FileIndex, r.Frame.Server()}, ids.Main}, -1)
		}
	}
}

// resolve is the call a CallID names now; begin says the message starts
// a call, which makes a new one if the last with this key ended.
func (cs *calls) resolve(k callKey, stream int, t time.Time, begin bool) record.CallRef {
	c := cs.get(k)
	if c == nil || c.ended && begin || record.Elapsed(t, c.last) > callIdle {
		if cs.nLive >= maxCalls {
			cs.evict(t, true)
		}
		cs.next++
		c = &liveCall{n: cs.next}
		tb := cs.table(k.serverKey, true)
		if _, had := tb.live[k.id]; !had {
			cs.nLive++
		}
		tb.live[k.id] = c
	}
	if t.After(c.last) {
		c.last = t
	}
	if !contains(c.streams, stream) && len(c.streams) < 64 {
		c.streams = append(c.streams, stream)
	}
	return record.CallRef{N: c.n, CallID: k.id}
}

// end records that a session left the call (END_CALL_EVENT), or, with
// stream -1, that the call as a whole ended.
func (cs *calls) end(k callKey, stream int) {
	c := cs.get(k)
	if c == nil {
		return
	}
	if stream < 0 {
		c.ended = true
		return
	}
	if !contains(c.left, stream) {
		c.left = append(c.left, stream)
	}
	c.ended = len(c.left) >= len(c.streams)
}

// sweep forgets ended and idle calls now and then (once a minute of
// capture time).
func (cs *calls) sweep(t time.Time) {
	if record.Elapsed(t, cs.swept) < callLinger {
		return
	}
	cs.swept = t
	cs.evict(t, false)
}

// evict forgets calls ended callLinger ago or idle callIdle; when full,
// every ended call, then the idlest half.
func (cs *calls) evict(t time.Time, full bool) {
	cs.drop(func(c *liveCall) bool {
		idle := record.Elapsed(t, c.last)
		return c.ended && idle > callLinger || idle > callIdle || full && c.ended
	})
	if full && cs.nLive >= maxCalls {
		var oldest time.Time
		for _, tb := range cs.servers {
			for _, c := range tb.live {
				if oldest.IsZero() || c.last.Before(oldest) {
					oldest = c.last
				}
			}
		}
		cut := oldest.Add(t.Sub(oldest) / 2)
		cs.drop(func(c *liveCall) bool { return !c.last.After(cut) })
	}
}

// drop forgets the calls gone says so of, and the tables left empty (a
// map keeps its room however many it held: a server's table must not
// outlive its calls).
func (cs *calls) drop(gone func(*liveCall) bool) {
	for k, tb := range cs.servers {
		for id, c := range tb.live {
			if gone(c) {
				delete(tb.live, id)
				cs.nLive--
			}
		}
		if len(tb.live) == 0 {
			delete(cs.servers, k)
			cs.last = nil
		}
	}
}

func contains(s []int, v int) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}
