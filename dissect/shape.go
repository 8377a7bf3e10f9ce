package dissect

import "encoding/binary"

// A shape is one way to read a body: how many of the catalog's fixed fields
// it holds, how many extra reserved UINTs follow them (OPEN_REQ's UCCE
// layout), and which floating header layout the rest uses. The spec leaves
// some of this open, so the decoder tries the plausible shapes and keeps the
// one under which the floating part parses exactly to its end with tags the
// message defines. Choosing a shape never allocates.
type shape struct {
	nFixed  int
	extra   int
	size    int
	layout  Layout
	source  LayoutSource
	clean   bool // the floating part parsed exactly, with tags of this message
	cleanBy int  // how many layouts parse cleanly at this fixed size (ambiguity)
	fits    bool // the body holds the whole fixed part
	records int  // floating records the scan found (bounded by the bytes present)
}

// scanResult is what a quick pass over a floating part finds.
type scanResult struct {
	fits    bool // records end exactly at the end of the body
	known   int  // records with a tag this message defines
	unknown int  // records with any other tag
}

func (r scanResult) clean() bool { return r.fits && r.unknown == 0 }

// better ranks scan results: exact structure first, then fewer foreign tags,
// then more known ones.
func (r scanResult) better(o scanResult) bool {
	if r.fits != o.fits {
		return r.fits
	}
	if r.unknown != o.unknown {
		return r.unknown < o.unknown
	}
	return r.known > o.known
}

func scanFloating(def *MessageDef, b []byte, l Layout) scanResult {
	var r scanResult
	h := l.HeaderLen()
	for pos := 0; pos < len(b); {
		tag, n, ok := l.readHeader(b[pos:])
		if !ok || pos+h+n > len(b) {
			return r
		}
		if def.hasTag(tag) {
			r.known++
		} else {
			r.unknown++
		}
		pos += h + n
	}
	r.fits = true
	return r
}

func (m *MessageDef) hasTag(tag uint16) bool {
	for i := range m.Floating {
		if m.Floating[i].Tag == tag {
			return true
		}
	}
	return false
}

// fixedOption is a candidate fixed part: n catalog fields plus extra UINTs.
type fixedOption struct{ n, extra int }

// fixedOptions lists the candidate fixed parts of def, most likely first.
func fixedOptions(def *MessageDef, ctx Context, out *[4]fixedOption) int {
	full := len(def.Fixed)
	if def.Name == "OPEN_REQ" {
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

// chooseShape picks the fixed part and floating layout for body.
func chooseShape(def *MessageDef, body []byte, ctx Context) shape {
	var opts [4]fixedOption
	nopt := fixedOptions(def, ctx, &opts)

	// Layout candidates: the session's (or OPEN_REQ's own version's) first.
	var lays [3]Layout
	nl := 0
	pref, prefSrc := ctx.Layout, ctx.Source
	if def.Name == "OPEN_REQ" && prefSrc != SourceForced && len(body) >= 8 {
		pref, prefSrc = LayoutForVersion(int(binary.BigEndian.Uint32(body[4:8]))), SourceVersion
	}
	if pref != LayoutUnknown {
		lays[nl] = pref
		nl++
	}
	if prefSrc != SourceForced {
		for _, l := range Layouts {
			if l != pref {
				lays[nl] = l
				nl++
			}
		}
	}

	var best shape
	var bestScan scanResult
	have := false
	for _, o := range opts[:nopt] {
		size := def.sizeOf(o)
		if size > len(body) {
			continue
		}
		rest := body[size:]
		if len(rest) == 0 {
			src := SourceNone
			if pref != LayoutUnknown {
				src = prefSrc
			}
			return shape{nFixed: o.n, extra: o.extra, size: size, layout: pref, source: src, clean: true, fits: true}
		}
		var cand shape
		var candScan scanResult
		got := false
		cleanCount := 0
		for _, l := range lays[:nl] {
			r := scanFloating(def, rest, l)
			if r.clean() {
				cleanCount++
			}
			if !got || r.better(candScan) {
				src := SourceDetected
				if l == pref {
					src = prefSrc
				}
				cand, candScan, got = shape{nFixed: o.n, extra: o.extra, size: size, layout: l, source: src, clean: r.clean(), fits: true, records: r.known + r.unknown}, r, true
			}
		}
		cand.cleanBy = cleanCount
		if cand.clean {
			return cand
		}
		if !have || candScan.better(bestScan) {
			best, bestScan, have = cand, candScan, true
		}
	}
	if have {
		return best
	}
	// Not even the shortest fixed part fits: decode what is there.
	l, src := pref, prefSrc
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
	var opts [4]fixedOption
	nopt := fixedOptions(def, Context{OpenReqExtra: -1}, &opts)
	for _, l := range Layouts {
		for _, o := range opts[:nopt] {
			size := def.sizeOf(o)
			if size >= len(body) {
				continue
			}
			if scanFloating(def, body[size:], l).clean() {
				out = append(out, l)
				break
			}
		}
	}
	return out
}
