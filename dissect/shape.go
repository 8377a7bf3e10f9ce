package dissect

import (
	"encoding/binary"
	"math/bits"
)

// A shape is one way to read a body: how many of the catalog's fixed fields
// it holds, how many extra reserved UINTs follow them (OPEN_REQ's UCCE
// layout), and which floating header layout the rest uses. The spec leaves
// some of this open, so the decoder scores the plausible shapes on what the
// bytes say and, once the connection has settled its layout, keeps to it
// unless a message cannot parse under it at all. Choosing a shape never
// allocates.
type shape struct {
	nFixed  int
	extra   int
	size    int
	layout  Layout
	source  LayoutSource
	clean   bool // the floating part parsed exactly, with tags of this message
	fits    bool // the body holds the whole fixed part
	records int  // floating records the scan found (bounded by the bytes present)

	// switched: the session's settled layout cannot parse this floating
	// part at all, and another layout can (a cti.layout.mismatch warning).
	switched bool
	ev       evidence
}

// evidence is what one message says about the floating header layouts:
// under which ones some fixed-part reading parses its floating part exactly,
// and how well. Only messages whose layouts were compared carry it.
type evidence struct {
	compared bool
	fit      [nLayouts]bool
	score    [nLayouts]int16
}

// nLayouts sizes per-layout arrays, indexed by Layout.
const nLayouts = 4

// scanResult is what a quick pass over a floating part finds.
type scanResult struct {
	exact   bool // records end exactly at the end of the body
	records int
	foreign int  // records with a tag this message does not define
	score   int  // how plausible the reading is (see scanFloating)
	flawed  bool // some length did not fit or a required field was missing
}

// perfect: nothing in the reading is odd, so no other reading can be
// preferred to it on the evidence of this message.
func (r scanResult) perfect() bool { return r.clean() && !r.flawed }

func (r scanResult) clean() bool { return r.exact && r.foreign == 0 }

// better ranks scan results: exact structure first, then the score.
func (r scanResult) better(o scanResult) bool {
	if r.exact != o.exact {
		return r.exact
	}
	return r.score > o.score
}

// Score weights of a floating record, and of a required field left out.
const (
	scoreOwnTag     = 4  // a tag the message defines
	scoreTableTag   = 1  // a tag only the global FieldDataID table knows
	scoreUnknownTag = -4 // a tag nobody knows
	scoreBadLength  = -3 // a length that does not fit the tag's type or maximum
	scoreMissing    = -2 // a required field absent
)

// scanFloating reads b as floating records under layout l and scores the
// reading: records ending exactly at the body end, tags the message (or at
// least the tag table) knows, lengths that fit the tag's type, required
// fields present. Unknown tags and impossible lengths are what a wrong
// layout produces; a right layout on odd bytes still scores well.
func scanFloating(def *MessageDef, b []byte, l Layout, version int) scanResult {
	var r scanResult
	var seen uint64 // definitions of def whose tag occurred
	h := l.HeaderLen()
	for pos := 0; pos < len(b); {
		tag, n, ok := l.readHeader(b[pos:])
		if !ok || pos+h+n > len(b) {
			return r
		}
		data := b[pos+h : pos+h+n]
		r.records++
		if i := def.tagIndex(tag); i >= 0 {
			fd := &def.Floating[i]
			r.score += scoreOwnTag
			if !lengthFits(fd.Type, fd.Max, data) {
				r.score += scoreBadLength
				r.flawed = true
			}
			seen |= def.sameTag[i]
		} else if td := def.catalog().LookupTag(tag); td != nil {
			r.foreign++
			r.score += scoreTableTag
			if !lengthFits(td.Type, td.Max, data) {
				r.score += scoreBadLength
			}
		} else {
			r.foreign++
			r.score += scoreUnknownTag
		}
		pos += h + n
	}
	r.exact = true
	for missing := def.required &^ seen; missing != 0; missing &= missing - 1 {
		fd := &def.Floating[bits.TrailingZeros64(missing)]
		if fd.Version == 0 || version == 0 || fd.Version <= version {
			r.score += scoreMissing
			r.flawed = true
		}
	}
	return r
}

// lengthFits reports whether data can be a value of type t with maximum max:
// numbers have their size, strings end in their NUL within the maximum.
func lengthFits(t Type, max int, data []byte) bool {
	switch t {
	case TypeUCHAR, TypeCHAR:
		return len(data) == 1
	case TypeUSHORT, TypeSHORT, TypeBOOL:
		return len(data) == 2 || (max > 0 && len(data) == max)
	case TypeUINT, TypeINT, TypeTIME:
		return len(data) == 4
	case TypeSTRING:
		if len(data) == 0 {
			return true
		}
		return data[len(data)-1] == 0 && (max == 0 || len(data) <= max+1)
	}
	return true
}

// tagIndex is the index of the first floating definition with tag, or -1.
func (m *MessageDef) tagIndex(tag uint16) int {
	if int(tag) < len(m.tagIdx) {
		return int(m.tagIdx[tag])
	}
	return -1
}

// fixedOption is a candidate fixed part: n catalog fields plus extra UINTs
// (OPEN_REQ's reserved ones).
type fixedOption struct{ n, extra int }

// maxFixedOptions bounds the candidate fixed parts of a message.
const maxFixedOptions = 4

// fixedOptions lists the candidate fixed parts of def, most likely first.
func fixedOptions(def *MessageDef, ctx Context, out *[maxFixedOptions]fixedOption) int {
	full := len(def.Fixed)
	if def.Name == "OPEN_REQ" && def.Dialect == DialectUCCX {
		// The UCCX guide's OPEN_REQ, or UCCE's with three reserved UINTs
		// after it (the UCCE catalog has them in its fixed part).
		out[0], out[1] = fixedOption{full, 0}, fixedOption{full, 3}
		if ctx.OpenReqExtra == 3 {
			out[0], out[1] = out[1], out[0]
		}
		return 2
	}
	// Trailing version-marked fields may be missing from older versions'
	// messages; which count is most likely depends on the session version.
	first := full
	for first > 0 && def.Fixed[first-1].Version > 0 {
		first--
	}
	pref := full
	if ctx.Version > 0 {
		pref = first
		for pref < full && def.Fixed[pref].Version <= ctx.Version {
			pref++
		}
	}
	k := 0
	out[k] = fixedOption{pref, 0}
	k++
	for n := full; n >= first && k < len(out); n-- {
		if n != pref {
			out[k] = fixedOption{n, 0}
			k++
		}
	}
	return k
}

func (def *MessageDef) sizeOf(o fixedOption) int {
	s := 0
	for i := 0; i < o.n; i++ {
		s += def.Fixed[i].Size
	}
	return s + 4*o.extra
}

// reading is the best fixed-part option of a body under one layout.
type reading struct {
	ok   bool // some fixed option fits the body
	opt  fixedOption
	size int
	scan scanResult
}

// readAs finds the fixed option under which body reads best with layout l;
// an option that leaves no floating part reads exactly, scoring zero.
func readAs(def *MessageDef, body []byte, opts []fixedOption, l Layout, version int) reading {
	var best reading
	for _, o := range opts {
		size := def.sizeOf(o)
		if size > len(body) {
			continue
		}
		r := scanResult{exact: true}
		if size < len(body) {
			r = scanFloating(def, body[size:], l, version)
		}
		if !best.ok || r.better(best.scan) {
			best = reading{ok: true, opt: o, size: size, scan: r}
		}
		if r.perfect() && size < len(body) {
			break // the likeliest fixed part with a faultless floating part
		}
	}
	return best
}

func (rd reading) shape(l Layout, src LayoutSource) shape {
	return shape{nFixed: rd.opt.n, extra: rd.opt.extra, size: rd.size, layout: l, source: src,
		clean: rd.scan.clean(), fits: true, records: rd.scan.records}
}

// chooseShape picks the fixed part and floating layout for body.
//
// A settled session layout (forced, from the version, or proven by earlier
// messages) is kept whenever the floating part parses exactly under it; a
// forced one even when it does not. Otherwise every layout is scored and
// the best reading wins, ties going to the layout the session leans to.
func chooseShape(def *MessageDef, body []byte, ctx Context) shape {
	var optBuf [maxFixedOptions]fixedOption
	opts := optBuf[:fixedOptions(def, ctx, &optBuf)]

	pref, src, lean, version := ctx.Layout, ctx.Source, ctx.Lean, ctx.Version
	if def.Name == "OPEN_REQ" && src != SourceForced && len(body) >= 8 {
		// OPEN_REQ states its own version: that decides its layout when
		// the dialects agree on it, and is the lean where they differ.
		version = int(binary.BigEndian.Uint32(body[4:8]))
		switch ls, n := layoutsForVersion(version); n {
		case 1:
			pref, src = ls[0], SourceVersion
		case 2:
			pref, src, lean = LayoutUnknown, SourceNone, ls[0]
		}
	}
	if pref != LayoutUnknown {
		rd := readAs(def, body, opts, pref, version)
		switch {
		case !rd.ok:
			return truncatedShape(def, opts, pref, src)
		case rd.size == len(body):
			return rd.shape(pref, src)
		case rd.scan.exact || src == SourceForced:
			return rd.shape(pref, src)
		}
		// The settled layout cannot read this floating part at all: take
		// the best other layout that can, and say so.
		var alt reading
		altL := LayoutUnknown
		for _, l := range Layouts {
			if l == pref {
				continue
			}
			if r := readAs(def, body, opts, l, version); r.ok && r.scan.exact && (!alt.ok || r.scan.better(alt.scan)) {
				alt, altL = r, l
			}
		}
		if altL == LayoutUnknown {
			return rd.shape(pref, src)
		}
		sh := alt.shape(altL, SourceDetected)
		sh.switched = true
		return sh
	}

	// Undecided: compare every layout, the lean first so it wins ties.
	order, n := leanFirst(lean)
	var best reading
	bestL := LayoutUnknown
	var ev evidence
	for _, l := range order[:n] {
		r := readAs(def, body, opts, l, version)
		if !r.ok {
			return truncatedShape(def, opts, lean, SourceNone)
		}
		if r.size < len(body) {
			ev.fit[l], ev.score[l] = r.scan.exact, int16(max(min(r.scan.score, 32767), -32768))
		}
		if bestL == LayoutUnknown || r.scan.better(best.scan) {
			best, bestL = r, l
		}
	}
	if best.size == len(body) {
		// No floating part: the layout does not matter.
		return shape{nFixed: best.opt.n, extra: best.opt.extra, size: best.size, layout: LayoutUnknown, source: SourceNone, clean: true, fits: true}
	}
	ev.compared = true
	sh := best.shape(bestL, SourceDetected)
	sh.ev = ev
	return sh
}

// likelyShape is the shape chooseShape picks for body when its floating
// part reads perfectly (scanResult.perfect) under the session's settled
// layout after the likeliest fixed part: readAs takes the first option
// that reads so, and a settled layout that reads exactly is kept. It is
// a guess, to be proven while decoding (decoder.likely), and only for
// bodies where it can be: with a settled layout and a floating part
// after the likeliest fixed part. OPEN_REQ, which states its own version,
// is left to chooseShape.
func likelyShape(def *MessageDef, body []byte, ctx Context) (shape, bool) {
	if ctx.Layout == LayoutUnknown || def.Name == "OPEN_REQ" {
		return shape{}, false
	}
	var optBuf [maxFixedOptions]fixedOption
	fixedOptions(def, ctx, &optBuf)
	o := optBuf[0]
	size := def.sizeOf(o)
	if size >= len(body) {
		return shape{}, false
	}
	return shape{nFixed: o.n, extra: o.extra, size: size, layout: ctx.Layout, source: ctx.Source, clean: true, fits: true}, true
}

// leanFirst is Layouts with lean (if known) first, for ties; no allocation.
func leanFirst(lean Layout) (order [nLayouts]Layout, n int) {
	if lean != LayoutUnknown {
		order[n] = lean
		n++
	}
	for _, l := range Layouts {
		if l != lean {
			order[n] = l
			n++
		}
	}
	return order, n
}

// truncatedShape is the shape of a body that not even the shortest fixed
// part fits: decode what is there.
func truncatedShape(def *MessageDef, opts []fixedOption, l Layout, src LayoutSource) shape {
	if l == LayoutUnknown {
		l, src = Layout11, SourceNone
	}
	return shape{nFixed: opts[0].n, extra: opts[0].extra, size: def.sizeOf(opts[0]), layout: l, source: src}
}

// DetectLayout reports the floating header layouts under which frame's
// floating part parses exactly to its end with tags its message defines, for
// captures that start after OPEN_REQ. It returns nil when the message is
// unknown, has no floating part, or parses under no layout.
func DetectLayout(frame []byte) []Layout {
	if len(frame) < 8 {
		return nil
	}
	def := Lookup(binary.BigEndian.Uint32(frame[4:8]))
	body := frame[8:]
	if n := int(binary.BigEndian.Uint32(frame[0:4])); n < len(body) {
		body = body[:n]
	}
	if def == nil {
		return nil
	}
	var out []Layout
	var opts [maxFixedOptions]fixedOption
	nopt := fixedOptions(def, Context{OpenReqExtra: -1}, &opts)
	for _, l := range Layouts {
		for _, o := range opts[:nopt] {
			size := def.sizeOf(o)
			if size >= len(body) {
				continue
			}
			if scanFloating(def, body[size:], l, 0).clean() {
				out = append(out, l)
				break
			}
		}
	}
	return out
}
