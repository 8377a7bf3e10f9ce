package diag

// reqInline is how many outstanding requests a connection keeps without
// a map: a session has one or two requests out at a time (a desktop's
// state change, a heartbeat), so the map is made only for the rare burst.
const reqInline = 4

// reqTable is a connection's requests waiting for their answer: request
// type by InvokeID. Looking one up in the connection's own few words,
// instead of probing a map per request and per answer, spares the
// reading goroutine a cache miss per request and per answer (map probes,
// this table's and the calls', were a quarter of the rules' time in a
// CPU profile of read -T jsonl).
type reqTable struct {
	n     int // inline entries in use: ids[:n], types[:n]
	ids   [reqInline]uint32
	types [reqInline]uint32
	more  map[uint32]uint32 // the rest, when more than reqInline are out
}

// get returns the type of the request with InvokeID id.
func (t *reqTable) get(id uint32) (uint32, bool) {
	for i := range t.n {
		if t.ids[i] == id {
			return t.types[i], true
		}
	}
	typ, ok := t.more[id] // a nil map finds nothing
	return typ, ok
}

// set records the request with InvokeID id as of type typ (replacing
// one with the same InvokeID); it reports whether id is new.
func (t *reqTable) set(id, typ uint32) bool {
	for i := range t.n {
		if t.ids[i] == id {
			t.types[i] = typ
			return false
		}
	}
	if _, ok := t.more[id]; ok {
		t.more[id] = typ
		return false
	}
	if t.n < reqInline {
		t.ids[t.n], t.types[t.n] = id, typ
		t.n++
		return true
	}
	if t.more == nil {
		t.more = map[uint32]uint32{}
	}
	t.more[id] = typ
	return true
}

// remove forgets the request with InvokeID id; it reports whether it was
// there.
func (t *reqTable) remove(id uint32) bool {
	for i := range t.n {
		if t.ids[i] == id {
			t.n--
			t.ids[i], t.types[i] = t.ids[t.n], t.types[t.n]
			return true
		}
	}
	if _, ok := t.more[id]; ok {
		delete(t.more, id)
		return true
	}
	return false
}

// len is the number of requests out.
func (t *reqTable) len() int { return t.n + len(t.more) }

// clear forgets every request.
func (t *reqTable) clear() {
	t.n = 0
	clear(t.more)
}
