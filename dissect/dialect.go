package dissect

import (
	"encoding/binary"
	"fmt"
)

// ParseDialect reads "uccx", "ucce" or "auto" (DialectUnknown: decided per
// connection from the traffic).
func ParseDialect(s string) (Dialect, error) {
	switch s {
	case "uccx":
		return DialectUCCX, nil
	case "ucce":
		return DialectUCCE, nil
	case "auto", "":
		return DialectUnknown, nil
	}
	return DialectUnknown, fmt.Errorf("unknown dialect %q (want uccx, ucce or auto)", s)
}

// maxUCCXVersion is the highest protocol version the UCCX guide defines:
// an OPEN_REQ above it can only be UCCE's.
const maxUCCXVersion = 18

// A vote is what one message says about its connection's dialect.
type vote struct {
	dialect Dialect // DialectUnknown: nothing
	why     voteWhy
	decides bool // OPEN_REQ's own evidence: settles the dialect at once
}

type voteWhy uint8

const (
	whyNone       voteWhy = iota
	whyVersion            // OPEN_REQ's version is above UCCX's highest
	whyReserved           // OPEN_REQ carries UCCE's three reserved UINTs
	whyNoReserved         // OPEN_REQ ends its fixed part at ConfigMsgMask
	whyOnlyType           // a message type only one dialect defines
	whyOnlyFits           // a body that parses cleanly only under one dialect's layout
)

func (v vote) text(name string, version int) string {
	switch v.why {
	case whyVersion:
		return fmt.Sprintf("OPEN_REQ asks for protocol version %d, above UCCX's highest (%d)", version, maxUCCXVersion)
	case whyReserved:
		return "OPEN_REQ carries three reserved UINTs after ConfigMsgMask, as UCCE's does"
	case whyNoReserved:
		return "OPEN_REQ ends its fixed part at ConfigMsgMask, as UCCX's does"
	case whyOnlyType:
		return fmt.Sprintf("%s is a message type only %s defines", name, v.dialect.Upper())
	case whyOnlyFits:
		return fmt.Sprintf("%s parses cleanly only under %s's layout", name, v.dialect.Upper())
	}
	return ""
}

// Upper is the dialect's name as people write it (UCCX, UCCE).
func (d Dialect) Upper() string {
	switch d {
	case DialectUCCX:
		return "UCCX"
	case DialectUCCE:
		return "UCCE"
	}
	return "unknown"
}

// defFor picks the definition that decodes message type id in ctx, and says
// what the choice shows about the connection's dialect. A settled (or
// forced) dialect decodes with its own catalog only. Undecided, a type only
// one dialect defines decodes with that one; a type both define decodes as
// UCCX's unless only UCCE's reading of the body is clean (UCCE's
// DepartmentID after OPEN_CONF's fixed part, say); OPEN_REQ decides by its
// version and fixed part.
func defFor(id uint32, body []byte, ctx Context) (*MessageDef, vote) {
	if ctx.Dialect != DialectUnknown {
		return CatalogFor(ctx.Dialect).Lookup(id, ctx.Version), vote{}
	}
	x, e := uccxCatalog.Lookup(id, ctx.Version), ucceCatalog.Lookup(id, ctx.Version)
	switch {
	case x == nil && e == nil:
		return nil, vote{}
	case x == nil:
		return e, vote{dialect: DialectUCCE, why: whyOnlyType}
	case e == nil:
		return x, vote{dialect: DialectUCCX, why: whyOnlyType}
	}
	if x.Name == "OPEN_REQ" {
		return openReqDef(x, e, body, ctx)
	}
	if x.fixedSize == e.fixedSize && x.minFixed == e.minFixed {
		return x, vote{} // the same framing: nothing to tell them apart by
	}
	if e.Opaque {
		return x, vote{}
	}
	sx := chooseShape(x, body, ctx)
	if sx.fits && sx.clean {
		if se := chooseShape(e, body, ctx); !se.fits || !se.clean {
			return x, vote{dialect: DialectUCCX, why: whyOnlyFits}
		}
		return x, vote{}
	}
	if se := chooseShape(e, body, ctx); se.fits && se.clean {
		return e, vote{dialect: DialectUCCE, why: whyOnlyFits}
	}
	return x, vote{}
}

// openReqDef tells the dialect from an OPEN_REQ body: a version above
// UCCX's highest is UCCE's; otherwise the three reserved UINTs after
// ConfigMsgMask, which UCCE's fixed part has and UCCX's guide does not.
func openReqDef(x, e *MessageDef, body []byte, ctx Context) (*MessageDef, vote) {
	if len(body) >= 8 && ctx.Source != SourceForced {
		if v := binary.BigEndian.Uint32(body[4:8]); v > maxUCCXVersion && v < 1000 {
			return e, vote{dialect: DialectUCCE, why: whyVersion, decides: true}
		}
	}
	sh := chooseShape(x, body, ctx)
	if !sh.fits {
		return x, vote{}
	}
	if sh.extra == 3 {
		return e, vote{dialect: DialectUCCE, why: whyReserved, decides: true}
	}
	return x, vote{dialect: DialectUCCX, why: whyNoReserved, decides: true}
}

// uccxOpenReqSize is the UCCX guide's OPEN_REQ fixed part, against which
// the session counts reserved UINTs after ConfigMsgMask.
var uccxOpenReqSize = func() int {
	for _, m := range catalogMessages {
		if m.Name == "OPEN_REQ" {
			n := 0
			for _, f := range m.Fixed {
				n += f.Size
			}
			return n
		}
	}
	return 0
}()
