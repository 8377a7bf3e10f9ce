package dissect

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"testing"

	"github.com/ctishark/ctishark/dissect/internal/catalogfile"
)

// ucceVersions are the UCCE protocol versions the exhaustive tests run at,
// with the floating header layout each uses (catalog-ucce.json's
// floating_layouts: 1+1 up to 19, 2+2 from 20).
var ucceVersions = []struct {
	version int
	layout  Layout
}{{19, Layout11}, {20, Layout22}, {24, Layout22}}

// ucceCtx is the decode context of a UCCE session at version v.
func ucceCtx(v int, l Layout) Context {
	return Context{Version: v, Layout: l, Source: SourceVersion, OpenReqExtra: -1, Dialect: DialectUCCE}
}

// ucceLayoutsAt counts, straight from catalog-ucce.json, the message types
// whose ID means them at version v and whose layout the catalog gives: the
// number the round trip must cover.
func ucceLayoutsAt(t *testing.T, v int) int {
	t.Helper()
	raw, err := os.ReadFile("catalog-ucce.json")
	mustOK(t, err)
	var c catalogfile.Catalog
	mustOK(t, json.Unmarshal(raw, &c))
	n := 0
	for _, m := range c.Messages {
		if !m.Opaque && (m.MinVersion == 0 || v >= m.MinVersion) && (m.MaxVersion == 0 || v <= m.MaxVersion) {
			n++
		}
	}
	return n
}

// TestRoundTripUCCE builds every UCCE message type with a known layout,
// with every field valid at versions 19, 20 and 24, encodes it, decodes it
// in a UCCE session, and expects every field back under its own definition
// with no warning, and the same bytes on a second encode.
func TestRoundTripUCCE(t *testing.T) {
	for _, tv := range ucceVersions {
		frames := encodedFramesOf(t, ucceCatalog, tv.version, tv.layout)
		if want := ucceLayoutsAt(t, tv.version); len(frames) != want || want < 140 {
			t.Errorf("v%d: %d UCCE message types to round-trip, the catalog file has %d", tv.version, len(frames), want)
		}
		passed := 0
		for def, frame := range frames {
			t.Run(fmt.Sprintf("v%d/%s", tv.version, def.Name), func(t *testing.T) {
				built := fullMessage(t, def, tv.version, tv.layout)
				m := Decode(frame, ucceCtx(tv.version, tv.layout))
				noWarnings(t, m)
				if m.Def != def {
					t.Fatalf("decoded as %s (%s)", m.Name(), dialectOf(m))
				}
				if len(m.Fields) != len(built.Fields) {
					t.Fatalf("decoded %d fields, built %d:\n got %s\nwant %s", len(m.Fields), len(built.Fields), dumpFields(m), dumpFields(built))
				}
				for i := range built.Fields {
					w, g := &built.Fields[i], &m.Fields[i]
					if g.Name != w.Name || g.Tag != w.Tag || g.Occurrence != w.Occurrence || !g.Value.Equal(w.Value) || g.Def != w.Def {
						t.Errorf("field %d: got %s tag %d #%d = %#v, want %s tag %d #%d = %#v",
							i, g.Name, g.Tag, g.Occurrence, g.Value, w.Name, w.Tag, w.Occurrence, w.Value)
					}
				}
				again, err := Encode(m, tv.layout)
				mustOK(t, err)
				if !bytes.Equal(again, frame) {
					t.Errorf("re-encoding differs:\n got %x\nwant %x", again, frame)
				}
				checkBounds(t, m)
				if !t.Failed() {
					passed++
				}
			})
		}
		t.Logf("v%d (%s): %d of %d UCCE message types round-trip", tv.version, tv.layout, passed, len(frames))
	}
}

func dialectOf(m *Message) string {
	if m.Def == nil {
		return "no catalog"
	}
	return m.Def.Dialect.String()
}

// TestUCCESessionDecidesItself sends a UCCE OPEN_REQ at each version and
// then every UCCE message type through a session with default options: the
// session must settle on UCCE from OPEN_REQ alone, say why once, and
// decode every message as the UCCE catalog's.
func TestUCCESessionDecidesItself(t *testing.T) {
	for _, tv := range ucceVersions {
		frames := encodedFramesOf(t, ucceCatalog, tv.version, tv.layout)
		open := ucceCatalog.LookupName("OPEN_REQ", tv.version)
		s := NewSession(Options{})
		if m := s.Decode(frames[open]); m.Def != open {
			t.Fatalf("v%d: OPEN_REQ decoded as %s's %s", tv.version, dialectOf(m), m.Name())
		}
		if s.Dialect != DialectUCCE || s.Layout != tv.layout || s.Version != tv.version {
			t.Fatalf("v%d: session %s %s v%d (%s)", tv.version, s.Dialect, s.Layout, s.Version, s.DialectWhy)
		}
		expectNote(t, s, ExpDialectDetected)
		for _, def := range ucceCatalog.Messages() {
			frame, ok := frames[def]
			if !ok {
				continue
			}
			if m := s.Decode(frame); m.Def != def {
				t.Errorf("v%d: %s decoded as %s's %s", tv.version, def.Name, dialectOf(m), m.Name())
			}
		}
		expectNote(t, s, ExpDialectDetected) // still once
	}
}
