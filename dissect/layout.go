package dissect

import "fmt"

// Layout is the shape of a floating-field header: how many bytes hold the
// FieldDataID (tag) and how many hold the FieldLength.
type Layout uint8

const (
	LayoutUnknown Layout = iota
	Layout11             // 1-byte tag, 1-byte length: protocol versions up to 17
	Layout21             // 2-byte tag, 1-byte length: protocol version 18
	Layout22             // 2-byte tag, 2-byte length: the sibling UCCE protocol from version 20
)

// Layouts lists the known layouts in the order detection prefers them.
var Layouts = []Layout{Layout11, Layout21, Layout22}

func (l Layout) String() string {
	switch l {
	case Layout11:
		return "1+1"
	case Layout21:
		return "2+1"
	case Layout22:
		return "2+2"
	}
	return "unknown"
}

// Describe spells a layout out for people.
func (l Layout) Describe() string {
	switch l {
	case Layout11:
		return "1-byte tag, 1-byte length"
	case Layout21:
		return "2-byte tag, 1-byte length"
	case Layout22:
		return "2-byte tag, 2-byte length"
	}
	return "unknown floating header"
}

// ParseLayout reads "1+1", "2+1" or "2+2".
func ParseLayout(s string) (Layout, error) {
	for _, l := range Layouts {
		if l.String() == s {
			return l, nil
		}
	}
	return LayoutUnknown, fmt.Errorf("unknown floating header layout %q (want 1+1, 2+1 or 2+2)", s)
}

func (l Layout) tagLen() int {
	if l == Layout11 {
		return 1
	}
	return 2
}

func (l Layout) lenLen() int {
	if l == Layout22 {
		return 2
	}
	return 1
}

// HeaderLen is the size of a floating field header in this layout.
func (l Layout) HeaderLen() int { return l.tagLen() + l.lenLen() }

// MaxData is the longest floating data the layout's FieldLength can state.
func (l Layout) MaxData() int {
	if l == Layout22 {
		return 0xffff
	}
	return 0xff
}

// readHeader reads a floating header at b[0:]; ok is false when b is too short.
func (l Layout) readHeader(b []byte) (tag uint16, n int, ok bool) {
	switch l {
	case Layout11:
		if len(b) < 2 {
			return 0, 0, false
		}
		return uint16(b[0]), int(b[1]), true
	case Layout21:
		if len(b) < 3 {
			return 0, 0, false
		}
		return uint16(b[0])<<8 | uint16(b[1]), int(b[2]), true
	case Layout22:
		if len(b) < 4 {
			return 0, 0, false
		}
		return uint16(b[0])<<8 | uint16(b[1]), int(b[2])<<8 | int(b[3]), true
	}
	return 0, 0, false
}

// Dialect names one of the two protocols that share CTI framing: Unified CCX
// CTI and the Unified CCE CTI Server protocol it derives from.
type Dialect uint8

const (
	DialectUnknown Dialect = iota
	DialectUCCX
	DialectUCCE
)

func (d Dialect) String() string {
	switch d {
	case DialectUCCX:
		return "uccx"
	case DialectUCCE:
		return "ucce"
	}
	return "unknown"
}

// VersionLayout says which floating header layout a dialect uses for a
// range of protocol versions, and where that fact comes from.
type VersionLayout struct {
	Dialect  Dialect
	From, To int // inclusive protocol version range (To 0 = no upper bound)
	Layout   Layout
	Source   string
}

// VersionLayouts is the one version -> layout map; the decoder and the
// generated Wireshark plugin both follow it. The UCCX guide stops at version
// 18; UCCE's map is settled by independent implementations at byte level
// (see ../shared/spec/README.md, "Evidence from independent implementations").
var VersionLayouts = []VersionLayout{
	{DialectUCCX, 0, 17, Layout11, "UCCX CTI Protocol Developer Guide, floating field header (versions up to 17)"},
	{DialectUCCX, 18, 18, Layout21, "UCCX CTI Protocol Developer Guide, version 18 tables (no byte sample known)"},
	{DialectUCCE, 0, 19, Layout11, "UCCE CTI Server Message Reference Guide; independent UCCE clients at versions 14 and 19"},
	{DialectUCCE, 20, 0, Layout22, "UCCE CTI Server Message Reference Guide; five independent UCCE clients at versions 20 and 24"},
}

// LayoutsForVersion lists the distinct layouts the dialects give a protocol
// version, UCCX's first. One entry means the version settles the layout;
// two (version 18: UCCX 2+1, UCCE 1+1) leave it to the bytes.
func LayoutsForVersion(v int) []Layout {
	ls, n := layoutsForVersion(v)
	return ls[:n:n]
}

func layoutsForVersion(v int) (ls [2]Layout, n int) {
	for _, d := range [...]Dialect{DialectUCCX, DialectUCCE} {
		for _, vl := range VersionLayouts {
			if vl.Dialect != d || v < vl.From || (vl.To != 0 && v > vl.To) {
				continue
			}
			if n == 0 || (n == 1 && ls[0] != vl.Layout) {
				ls[n] = vl.Layout
				n++
			}
		}
	}
	return ls, n
}

// dialectLayout is the layout dialect d gives version v (LayoutUnknown when
// its map has no entry).
func dialectLayout(d Dialect, v int) Layout {
	for _, vl := range VersionLayouts {
		if vl.Dialect == d && v >= vl.From && (vl.To == 0 || v <= vl.To) {
			return vl.Layout
		}
	}
	return LayoutUnknown
}

// LayoutFor is the layout dialect d gives protocol version v; for an
// unknown dialect, or a version its map lacks, LayoutForVersion's guess.
func LayoutFor(d Dialect, v int) Layout {
	if l := dialectLayout(d, v); l != LayoutUnknown && d != DialectUnknown {
		return l
	}
	return LayoutForVersion(v)
}

// LayoutForVersion is the layout most likely for a protocol version: the
// only one the dialects give, or UCCX's where they differ.
func LayoutForVersion(v int) Layout {
	if ls, n := layoutsForVersion(v); n > 0 {
		return ls[0]
	}
	return Layout11
}

// LayoutSource says how the layout of a message was chosen.
type LayoutSource uint8

const (
	SourceNone     LayoutSource = iota // no floating part: the layout did not matter
	SourceVersion                      // from the session's OPEN_REQ VersionNumber
	SourceForced                       // set by the user
	SourceDetected                     // inferred from the bytes
)

func (s LayoutSource) String() string {
	switch s {
	case SourceVersion:
		return "version"
	case SourceForced:
		return "forced"
	case SourceDetected:
		return "detected"
	}
	return "none"
}
