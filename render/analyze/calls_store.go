package analyze

import (
	"encoding/binary"
	"time"
)

// callStore keeps the rows of summarised calls packed into large
// pointer-free byte chunks: a summarised call costs the bytes of its row
// (varints and its strings, about a hundred bytes) instead of a Call and
// its separately allocated strings (close to a kilobyte), and the garbage
// collector never scans them. Rows are decoded back into a Call one at a
// time when a view prints them.
type callStore struct {
	chunks  [][]byte
	at      []uint64 // by creation order: chunk<<32 | offset+1, 0 = no row (not shown or not itemised)
	files   []string // capture file names, interned
	fileIx  map[string]uint64
	scratch []byte
}

// storeChunk is the size of one chunk of packed rows.
const storeChunk = 1 << 20

// put packs call c as the row of creation index seq.
func (st *callStore) put(seq int, c *Call, vars bool) {
	st.scratch = st.encode(st.scratch[:0], c, vars)
	row := st.scratch
	n := len(st.chunks)
	if n == 0 || len(st.chunks[n-1])+len(row) > cap(st.chunks[n-1]) {
		st.chunks = append(st.chunks, newChunk(st, max(storeChunk, len(row))))
		n++
	}
	start := len(st.chunks[n-1])
	st.chunks[n-1] = append(st.chunks[n-1], row...)
	for len(st.at) <= seq {
		st.at = append(st.at, 0)
	}
	st.at[seq] = uint64(n-1)<<32 | uint64(start+1)
}

// get decodes the row of creation index seq into c; false when it has none.
func (st *callStore) get(seq int, c *Call) bool {
	if seq >= len(st.at) || st.at[seq] == 0 {
		return false
	}
	x := st.at[seq]
	d := rowDecoder{b: st.chunks[x>>32][x&(1<<32-1)-1:]}
	*c = Call{}
	c.N = int(d.uint())
	c.CallID = uint32(d.uint())
	c.File = st.files[d.uint()]
	c.FirstSeen = d.time()
	c.LastSeen = d.relTime(c.FirstSeen)
	c.Answered = d.relTime(c.FirstSeen)
	c.Ended = d.relTime(c.FirstSeen)
	c.ANI, c.DNIS, c.Dialed = d.str(), d.str(), d.str()
	c.CSQID = uint32(d.uint())
	c.Queue, c.Extension = d.str(), d.str()
	c.End, c.Cause = d.str(), d.str()
	c.Sessions = int(d.uint())
	if v := d.uint(); v > 0 {
		c.UCCE, c.Version = true, int(v-1)
	}
	if n := d.uint(); n > 0 {
		c.Links = make([]Link, n)
		for i := range c.Links {
			l := &c.Links[i]
			l.CallID, l.N, l.Kind, l.To = uint32(d.uint()), int(d.uint()), d.str(), d.uint() == 1
		}
	}
	if n := d.uint(); n > 0 {
		c.Vars = make([]Var, n)
		for i := range c.Vars {
			c.Vars[i] = Var{d.str(), d.str()}
		}
	}
	return true
}

func (st *callStore) encode(b []byte, c *Call, vars bool) []byte {
	fi, ok := st.fileIx[c.File]
	if !ok {
		if st.fileIx == nil {
			st.fileIx = map[string]uint64{}
		}
		fi = uint64(len(st.files))
		st.fileIx[c.File] = fi
		st.files = append(st.files, c.File)
	}
	b = binary.AppendUvarint(b, uint64(c.N))
	b = binary.AppendUvarint(b, uint64(c.CallID))
	b = binary.AppendUvarint(b, fi)
	b = appendTime(b, c.FirstSeen)
	b = appendRelTime(b, c.LastSeen, c.FirstSeen)
	b = appendRelTime(b, c.Answered, c.FirstSeen)
	b = appendRelTime(b, c.Ended, c.FirstSeen)
	b = appendStr(appendStr(appendStr(b, c.ANI), c.DNIS), c.Dialed)
	b = binary.AppendUvarint(b, uint64(c.CSQID))
	b = appendStr(appendStr(b, c.Queue), c.Extension)
	b = appendStr(appendStr(b, c.End), c.Cause)
	b = binary.AppendUvarint(b, uint64(c.Sessions))
	ucce := uint64(0) // UCCX; else the UCCE version + 1
	if c.UCCE {
		ucce = uint64(max(c.Version, 0)) + 1
	}
	b = binary.AppendUvarint(b, ucce)
	b = binary.AppendUvarint(b, uint64(len(c.Links)))
	for _, l := range c.Links {
		to := uint64(0)
		if l.To {
			to = 1
		}
		b = binary.AppendUvarint(b, uint64(l.CallID))
		b = binary.AppendUvarint(b, uint64(l.N))
		b = binary.AppendUvarint(appendStr(b, l.Kind), to)
	}
	if !vars {
		return binary.AppendUvarint(b, 0)
	}
	b = binary.AppendUvarint(b, uint64(len(c.Vars)))
	for _, v := range c.Vars {
		b = appendStr(appendStr(b, v.Name), v.Value)
	}
	return b
}

func appendStr(b []byte, s string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}

// appendTime packs a time as seconds and nanoseconds; the zero time is
// one byte (nanoseconds are below 1e9, so 1e9 marks it).
func appendTime(b []byte, t time.Time) []byte {
	if t.IsZero() {
		return binary.AppendUvarint(b, 1e9)
	}
	return binary.AppendVarint(binary.AppendUvarint(b, uint64(t.Nanosecond())), t.Unix())
}

// appendRelTime packs a time as its seconds after base (a few bytes for
// the times of one call).
func appendRelTime(b []byte, t, base time.Time) []byte {
	if t.IsZero() {
		return binary.AppendUvarint(b, 1e9)
	}
	return binary.AppendVarint(binary.AppendUvarint(b, uint64(t.Nanosecond())), t.Unix()-base.Unix())
}

// rowDecoder reads what callStore.encode wrote (its own bytes: no checks).
type rowDecoder struct{ b []byte }

func (d *rowDecoder) uint() uint64 {
	v, n := binary.Uvarint(d.b)
	d.b = d.b[n:]
	return v
}

func (d *rowDecoder) int() int64 {
	v, n := binary.Varint(d.b)
	d.b = d.b[n:]
	return v
}

func (d *rowDecoder) str() string {
	n := d.uint()
	s := string(d.b[:n])
	d.b = d.b[n:]
	return s
}

func (d *rowDecoder) time() time.Time {
	ns := d.uint()
	if ns == 1e9 {
		return time.Time{}
	}
	return time.Unix(d.int(), int64(ns)).UTC()
}

func (d *rowDecoder) relTime(base time.Time) time.Time {
	ns := d.uint()
	if ns == 1e9 {
		return time.Time{}
	}
	return time.Unix(base.Unix()+d.int(), int64(ns)).UTC()
}
