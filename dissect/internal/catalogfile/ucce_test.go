package catalogfile

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

const (
	ucceFile = "../../catalog-ucce.json"
	uccxFile = "../../catalog.json"
)

// load reads a catalog the way every reader must: unknown keys are an error,
// so a key the schema does not know cannot be silently lost.
func load(t *testing.T, path string) *Catalog {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var c Catalog
	if err := dec.Decode(&c); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return &c
}

// The UCCX catalog still reads strictly with the extended schema and uses none
// of the UCCE-only keys.
func TestUCCXCatalogUnaffected(t *testing.T) {
	c := load(t, uccxFile)
	if c.Dialect != "" || c.Sources != nil || c.Doubts != nil || c.FloatingLayouts != nil {
		t.Errorf("UCCX catalog carries UCCE-only keys")
	}
	if len(c.Messages) < 70 {
		t.Errorf("UCCX catalog has %d messages", len(c.Messages))
	}
}

// fixedSize is the wire size of each type allowed in a fixed part.
var fixedSize = map[string]int{"UCHAR": 1, "CHAR": 1, "USHORT": 2, "SHORT": 2, "BOOL": 2, "UINT": 4, "INT": 4, "TIME": 4}

// floatingTypes are the types a floating field may have; a number is the only
// size its max may take.
var floatingTypes = map[string]int{"UCHAR": 1, "USHORT": 2, "UINT": 4, "INT": 4, "TIME": 4, "BOOL": 2,
	"STRING": 0, "UNSPEC": 0, "NAMEDVAR": 0, "NAMEDARRAY": 0}

var (
	classes = map[string]bool{"session": true, "failure": true, "config": true, "agent": true, "call-event": true, "call-control": true, "other": true}
	kinds   = map[string]bool{"request": true, "confirm": true, "event": true}
	senders = map[string]bool{"client": true, "server": true, "both": true}
	// A source is a web address or "owner/repo path" in the code corpus, or the
	// shared UCCX spec (cited only for a width no UCCE source states).
	sourceForm = regexp.MustCompile(`^(https?://\S+|[\w.-]+/[\w.-]+ \S+|\.\./shared/spec/\S+.*)$`)
)

// secretNames are the fields every output masks unless the user asks.
var secretNames = map[string]bool{"ClientPassword": true, "AgentPassword": true}

// validAt reports whether m means its ID in protocol version v.
func validAt(m Message, v int) bool {
	return (m.MinVersion == 0 || v >= m.MinVersion) && (m.MaxVersion == 0 || v <= m.MaxVersion)
}

func TestUCCECatalog(t *testing.T) {
	c := load(t, ucceFile)
	if c.Dialect != "ucce" {
		t.Fatalf("dialect %q", c.Dialect)
	}
	if c.MinVersion < 1 || c.MaxVersion < 25 || c.MinVersion > c.MaxVersion {
		t.Fatalf("versions %d..%d; the catalog must reach protocol 25", c.MinVersion, c.MaxVersion)
	}
	versions := func(yield func(int)) {
		for v := c.MinVersion; v <= c.MaxVersion; v++ {
			yield(v)
		}
	}

	cited := map[string]bool{}
	defer func() {
		for k := range c.Sources {
			if !cited[k] {
				t.Errorf("source %s is cited by nothing", k)
			}
		}
	}()
	src := func(where, key string) {
		t.Helper()
		cited[key] = true
		if key == "" {
			t.Errorf("%s: no source", where)
		} else if _, ok := c.Sources[key]; !ok {
			t.Errorf("%s: source %q not in sources", where, key)
		}
	}
	for k, v := range c.Sources {
		if !sourceForm.MatchString(v) {
			t.Errorf("source %s = %q is neither a URL nor repo/path", k, v)
		}
	}

	// Exactly one floating layout per version, with the widths the wire allows.
	versions(func(v int) {
		n := 0
		for _, l := range c.FloatingLayouts {
			if (l.MinVersion == 0 || v >= l.MinVersion) && (l.MaxVersion == 0 || v <= l.MaxVersion) {
				n++
			}
		}
		if n != 1 {
			t.Errorf("version %d: %d floating layouts", v, n)
		}
	})
	for i, l := range c.FloatingLayouts {
		if (l.TagSize != 1 && l.TagSize != 2) || (l.LengthSize != 1 && l.LengthSize != 2) {
			t.Errorf("floating layout %d: tag %d length %d", i, l.TagSize, l.LengthSize)
		}
		src(fmt.Sprintf("floating layout %d", i), l.Source)
	}

	enums, masks := tables(t, "enum", c.Enums, src), tables(t, "mask", c.Masks, src)
	refs := func(where, enum, mask string) {
		t.Helper()
		if enum != "" && !enums[enum] {
			t.Errorf("%s: enum %q not in enums", where, enum)
		}
		if mask != "" && !masks[mask] {
			t.Errorf("%s: mask %q not in masks", where, mask)
		}
	}

	tags := map[int]Tag{}
	for i, tg := range c.Tags {
		where := "tag " + strconv.Itoa(tg.Tag)
		if _, dup := tags[tg.Tag]; dup {
			t.Errorf("%s listed twice", where)
		}
		if i > 0 && tg.Tag < c.Tags[i-1].Tag {
			t.Errorf("%s out of order", where)
		}
		tags[tg.Tag] = tg
		if tg.Tag <= 0 || tg.Tag > 0xFFFF || tg.Name == "" {
			t.Errorf("%s: bad number or empty name", where)
		}
		checkFloatingType(t, where, tg.Type, tg.Max)
		refs(where, tg.Enum, tg.Mask)
		src(where, tg.Source)
		if tg.TypeSource != "" {
			src(where+" type", tg.TypeSource)
		}
		if tg.VersionSource != "" {
			src(where+" version", tg.VersionSource)
		}
		if tg.MaxVersion != 0 && tg.MaxVersion < tg.Version {
			t.Errorf("%s: max_version %d before version %d", where, tg.MaxVersion, tg.Version)
		}
	}
	names := map[string]int{}
	for _, tg := range c.Tags {
		if prev, dup := names[tg.Name]; dup {
			t.Errorf("tags %d and %d are both named %s", prev, tg.Tag, tg.Name)
		}
		names[tg.Name] = tg.Tag
	}

	byName := map[string][]Message{}
	for _, m := range c.Messages {
		byName[m.Name] = append(byName[m.Name], m)
	}
	doubtsAbout := map[string]int{}
	for i, d := range c.Doubts {
		where := fmt.Sprintf("doubt %d", i)
		src(where, d.Source)
		if strings.TrimSpace(d.Text) == "" {
			t.Errorf("%s: empty", where)
		}
		switch a := d.About; {
		case a == "*":
		case strings.HasPrefix(a, "tag:"):
			n, err := strconv.Atoi(a[4:])
			if _, ok := tags[n]; err != nil || !ok {
				t.Errorf("%s: about unknown %s", where, a)
			}
		case strings.HasPrefix(a, "enum:"):
			if !enums[a[5:]] {
				t.Errorf("%s: about unknown %s", where, a)
			}
		case strings.HasPrefix(a, "mask:"):
			if !masks[a[5:]] {
				t.Errorf("%s: about unknown %s", where, a)
			}
		default:
			if byName[a] == nil {
				t.Errorf("%s: about unknown message %s", where, a)
			}
		}
		doubtsAbout[d.About]++
	}

	for _, m := range c.Messages {
		where := fmt.Sprintf("%s (%d)", m.Name, m.ID)
		if m.ID <= 0 || m.Name == "" || !classes[m.Class] || !kinds[m.Kind] || !senders[m.Sender] {
			t.Errorf("%s: bad id, name, class %q, kind %q or sender %q", where, m.Class, m.Kind, m.Sender)
		}
		src(where, m.Source)
		if len(m.Fixed) > 0 || !m.Opaque {
			src(where+" fixed part", m.FixedSource)
		}
		if m.VersionSource != "" {
			src(where+" versions", m.VersionSource)
		} else if m.MinVersion != 0 || m.MaxVersion != 0 {
			t.Errorf("%s: version bounds without a version_source", where)
		}
		if m.MinVersion != 0 && m.MaxVersion != 0 && m.MinVersion > m.MaxVersion {
			t.Errorf("%s: min_version %d > max_version %d", where, m.MinVersion, m.MaxVersion)
		}
		if m.Opaque && len(m.Fixed) > 0 {
			t.Errorf("%s: opaque with a fixed part", where)
		}
		if m.Doubts != doubtsAbout[m.Name] {
			t.Errorf("%s: says %d doubts, the doubts list has %d", where, m.Doubts, doubtsAbout[m.Name])
		}
		checkConfirm(t, c, where, m, byName)

		fixedNames := map[string]string{}
		versioned := 0
		for _, f := range m.Fixed {
			fw := where + " fixed " + f.Name
			size, ok := fixedSize[f.Type]
			if !ok {
				t.Errorf("%s: type %s not allowed in a fixed part", fw, f.Type)
			} else if f.Size != size {
				t.Errorf("%s: %s has size %d", fw, f.Type, f.Size)
			}
			refs(fw, f.Enum, f.Mask)
			if f.Src != "" {
				src(fw, f.Src)
			}
			// Only trailing fields may depend on the version: a field that
			// appears in version N sits after every field older sessions send.
			if f.Version < versioned {
				t.Errorf("%s: version %d after a version-%d field", fw, f.Version, versioned)
			}
			if f.Version != 0 {
				versioned = f.Version
			}
			fixedNames[f.Name] = f.Type
		}
		seen := map[int]bool{}
		for _, f := range m.Floating {
			fw := fmt.Sprintf("%s floating %s[%d]", where, f.Name, f.Tag)
			tg, ok := tags[f.Tag]
			if !ok {
				t.Errorf("%s: tag not in the tag table", fw)
				continue
			}
			if seen[f.Tag] {
				t.Errorf("%s: listed twice", fw)
			}
			seen[f.Tag] = true
			if f.Version != tg.Version || f.MaxVersion != tg.MaxVersion {
				t.Errorf("%s: versions %d..%d, tag table says %d..%d", fw, f.Version, f.MaxVersion, tg.Version, tg.MaxVersion)
			}
			if f.Name != tg.Name || f.Type != tg.Type || f.Max != tg.Max {
				t.Errorf("%s %s/%d: tag table says %s %s/%d", fw, f.Type, f.Max, tg.Name, tg.Type, tg.Max)
			}
			checkFloatingType(t, fw, f.Type, f.Max)
			if secretNames[f.Name] != f.Secret {
				t.Errorf("%s: secret is %v; passwords, and only they, are masked", fw, f.Secret)
			}
			refs(fw, f.Enum, f.Mask)
			if f.Src != "" {
				src(fw, f.Src)
			}
			if f.CountField != "" {
				if typ, ok := fixedNames[f.CountField]; !ok || (typ != "USHORT" && typ != "UINT" && typ != "UCHAR") {
					t.Errorf("%s: count_field %s is not an unsigned fixed field of the message", fw, f.CountField)
				}
				if !f.Repeats {
					t.Errorf("%s: count_field without repeats", fw)
				}
			}
		}
	}

	// Within any one version, an ID names one message and a name one ID.
	versions(func(v int) {
		ids, nm := map[int]string{}, map[string]int{}
		for _, m := range c.Messages {
			if !validAt(m, v) {
				continue
			}
			if other, dup := ids[m.ID]; dup {
				t.Errorf("version %d: ID %d is both %s and %s", v, m.ID, other, m.Name)
			}
			if other, dup := nm[m.Name]; dup {
				t.Errorf("version %d: %s is both %d and %d", v, m.Name, other, m.ID)
			}
			ids[m.ID], nm[m.Name] = m.Name, m.ID
		}
	})
}

// checkConfirm: a confirmation answers "*" (any request) or a request that
// exists in every version the confirmation does.
func checkConfirm(t *testing.T, c *Catalog, where string, m Message, byName map[string][]Message) {
	t.Helper()
	if m.Kind != "confirm" {
		if m.Confirms != "" {
			t.Errorf("%s: a %s cannot confirm %s", where, m.Kind, m.Confirms)
		}
		return
	}
	if m.Confirms == "*" {
		return
	}
	reqs := byName[m.Confirms]
	if len(reqs) == 0 {
		t.Errorf("%s: confirms unknown %q", where, m.Confirms)
		return
	}
	for v := c.MinVersion; v <= c.MaxVersion; v++ {
		if !validAt(m, v) {
			continue
		}
		found := false
		for _, r := range reqs {
			if validAt(r, v) {
				found = found || r.Kind == "request"
			}
		}
		if !found {
			t.Errorf("%s: confirms %s, which is no request in version %d", where, m.Confirms, v)
		}
	}
}

func checkFloatingType(t *testing.T, where, typ string, max int) {
	t.Helper()
	size, ok := floatingTypes[typ]
	switch {
	case !ok:
		t.Errorf("%s: type %q not allowed in a floating part", where, typ)
	case size > 0 && max != size:
		t.Errorf("%s: %s with max %d", where, typ, max)
	case size == 0 && max < 0:
		t.Errorf("%s: negative max", where)
	case size == 0 && max == 0 && typ != "UNSPEC":
		t.Errorf("%s: %s without a maximum size", where, typ)
	}
}

// tables checks enums or masks and returns their names.
func tables(t *testing.T, kind string, ts []Table, src func(string, string)) map[string]bool {
	t.Helper()
	names := map[string]bool{}
	for _, tb := range ts {
		where := kind + " " + tb.Name
		if names[tb.Name] {
			t.Errorf("%s listed twice", where)
		}
		names[tb.Name] = true
		src(where, tb.Source)
		if len(tb.Values) == 0 {
			t.Errorf("%s: no values", where)
		}
		seen := map[uint32]bool{}
		for _, v := range tb.Values {
			if seen[v.Value] || v.Name == "" {
				t.Errorf("%s: value %#x repeated or unnamed", where, v.Value)
			}
			seen[v.Value] = true
			if kind == "mask" && (v.Value == 0 || v.Value&(v.Value-1) != 0) {
				t.Errorf("%s: %#x is not a single bit", where, v.Value)
			}
		}
	}
	return names
}

// Tags that mean different things in the two dialects stay separate: the UCCE
// file has its own entry, and it is not the UCCX one.
func TestDialectTagsStaySeparate(t *testing.T) {
	ucce, uccx := load(t, ucceFile), load(t, uccxFile)
	name := func(c *Catalog, tag int) string {
		for _, tg := range c.Tags {
			if tg.Tag == tag {
				return tg.Name
			}
		}
		return ""
	}
	for _, tag := range []int{185, 247, 248} {
		e, x := name(ucce, tag), name(uccx, tag)
		if e == "" || x == "" || strings.EqualFold(e, x) {
			t.Errorf("tag %d: UCCE %q, UCCX %q; both must exist and differ", tag, e, x)
		}
	}
	// And the TEAM_CONFIG renumbering is recorded both ways in UCCE.
	for _, want := range []struct {
		id   int
		name string
		v    int
	}{{236, "TEAM_CONFIG_REQ", 15}, {242, "TEAM_CONFIG_REQ", 24}, {236, "CONFIG_SKILL_GROUP_EVENT", 24}} {
		found := false
		for _, m := range ucce.Messages {
			found = found || (m.ID == want.id && m.Name == want.name && validAt(m, want.v))
		}
		if !found {
			t.Errorf("no %s = %d at version %d", want.name, want.id, want.v)
		}
	}
}
