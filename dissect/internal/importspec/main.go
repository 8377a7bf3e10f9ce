// Command importspec copies the facts ctishark needs out of the shared protocol
// description (../shared/spec/ccx-cti.json) into the project's own catalog
// (dissect/catalog.json). It keeps names, numbers and layouts only: notes,
// sources and doubts stay behind, and enum/mask labels are cut down to their
// symbolic name. Run it by hand when the shared spec changes, then
// `go generate ./dissect` to refresh the Go tables.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/ctishark/ctishark/dissect/internal/catalogfile"
)

type srcField struct {
	Name       string          `json:"name"`
	Type       string          `json:"type"`
	Size       int             `json:"size"`
	Tag        int             `json:"tag"`
	Max        int             `json:"max"`
	Required   *bool           `json:"required"`
	Repeats    bool            `json:"repeats"`
	CountField string          `json:"count_field"`
	Enum       string          `json:"enum"`
	Mask       string          `json:"mask"`
	Version    int             `json:"version"`
	Values     json.RawMessage `json:"values"`
}

type srcMessage struct {
	ID       *int       `json:"id"`
	Name     string     `json:"name"`
	Class    string     `json:"class"`
	Sender   string     `json:"sender"`
	Kind     string     `json:"kind"`
	Confirms *string    `json:"confirms"`
	Fixed    []srcField `json:"fixed"`
	Floating []srcField `json:"floating"`
	Doubts   []string   `json:"doubts"`
}

type srcSpec struct {
	Messages []srcMessage `json:"messages"`
	Enums    map[string]struct {
		Values map[string]string `json:"values"`
	} `json:"enums"`
	Masks map[string]struct {
		Bits map[string]string `json:"bits"`
	} `json:"masks"`
	Tags map[string]struct {
		Name string `json:"name"`
		Type string `json:"type"`
		Max  int    `json:"max"`
	} `json:"floating_tags"`
}

// The output types are the shared catalog file schema.
type (
	Field   = catalogfile.Field
	Message = catalogfile.Message
	Named   = catalogfile.Named
	Table   = catalogfile.Table
	Tag     = catalogfile.Tag
	Catalog = catalogfile.Catalog
)

// extraValues are enum values the spec's tables omit but its example message
// flows show on the wire: reason code 0 is sent when a state change has no
// reason, and flagging it on every AGENT_STATE_EVENT would only be noise.
var extraValues = map[string][]Named{
	"AgentStateReasonCode": {{Value: 0, Name: "none"}},
}

// tagEnums finds, for each floating field (tag and name), the one enum the
// spec gives it somewhere. A FloatingFieldDataID is one field wherever it
// is sent, so a message page that names no value table for it means the
// same table: ConnectedPartyDeviceType (tag 40) has ConnectionDeviceType
// on the CALL_CONFERENCED_EVENT page and none on CALL_TRANSFERRED_EVENT's
// or CONFERENCE_CALL_CONF's (../shared/spec/ccx-cti.json). A tag given
// different tables (RecordType, tag 183) is left as each page says.
func tagEnums(ms []srcMessage) map[string]string {
	seen := map[string]map[string]bool{}
	for _, m := range ms {
		for _, f := range m.Floating {
			if f.Enum == "" || f.Mask != "" {
				continue
			}
			k := fmt.Sprintf("%d %s", f.Tag, f.Name)
			if seen[k] == nil {
				seen[k] = map[string]bool{}
			}
			seen[k][f.Enum] = true
		}
	}
	out := map[string]string{}
	for k, es := range seen {
		if len(es) == 1 {
			for e := range es {
				out[k] = e
			}
		}
	}
	return out
}

// secrets are fields whose values must be masked in every output by default.
var secrets = map[string]bool{"ClientPassword": true, "AgentPassword": true}

func main() {
	in := flag.String("in", "../shared/spec/ccx-cti.json", "shared spec")
	out := flag.String("out", "dissect/catalog.json", "catalog to write")
	flag.Parse()
	raw, err := os.ReadFile(*in)
	if err != nil {
		fail(err)
	}
	var s srcSpec
	if err := json.Unmarshal(raw, &s); err != nil {
		fail(err)
	}
	c := Catalog{Comment: "Facts of the Unified CCX CTI protocol used by ctishark. Made by dissect/internal/importspec from the shared spec; edit there, then run go generate ./dissect."}
	byTag := tagEnums(s.Messages)
	for _, m := range s.Messages {
		om := Message{Name: m.Name, Class: m.Class, Sender: m.Sender, Kind: m.Kind, Doubts: len(m.Doubts)}
		if m.ID != nil {
			om.ID = *m.ID
		}
		if m.Confirms != nil {
			om.Confirms = *m.Confirms
		}
		for _, f := range m.Fixed {
			om.Fixed = append(om.Fixed, convField(f))
		}
		for _, f := range m.Floating {
			of := convField(f)
			if of.Enum == "" && of.Mask == "" && of.Name != "reserved" {
				of.Enum = byTag[fmt.Sprintf("%d %s", f.Tag, f.Name)]
			}
			om.Floating = append(om.Floating, of)
		}
		if om.Fixed == nil {
			om.Fixed = []Field{}
		}
		if om.Floating == nil {
			om.Floating = []Field{}
		}
		c.Messages = append(c.Messages, om)
	}
	for name, e := range s.Enums {
		if name == "FloatingFieldDataID" { // carried by the tag table instead
			continue
		}
		t := Table{Name: name, Values: []Named{}}
		for k, v := range e.Values {
			t.Values = append(t.Values, Named{Value: parseNum(k), Name: label(v)})
		}
		t.Values = append(t.Values, extraValues[name]...)
		sortTable(&t)
		c.Enums = append(c.Enums, t)
	}
	for name, m := range s.Masks {
		t := Table{Name: name, Values: []Named{}}
		for k, v := range m.Bits {
			t.Values = append(t.Values, Named{Value: parseNum(k), Name: label(v)})
		}
		sortTable(&t)
		c.Masks = append(c.Masks, t)
	}
	sort.Slice(c.Enums, func(i, j int) bool { return c.Enums[i].Name < c.Enums[j].Name })
	sort.Slice(c.Masks, func(i, j int) bool { return c.Masks[i].Name < c.Masks[j].Name })
	for k, t := range s.Tags {
		c.Tags = append(c.Tags, Tag{Tag: int(parseNum(k)), Name: t.Name, Type: t.Type, Max: t.Max})
	}
	sort.Slice(c.Tags, func(i, j int) bool { return c.Tags[i].Tag < c.Tags[j].Tag })
	b, err := json.MarshalIndent(c, "", " ")
	if err != nil {
		fail(err)
	}
	if err := os.WriteFile(*out, append(b, '\n'), 0o644); err != nil {
		fail(err)
	}
}

func convField(f srcField) Field {
	o := Field{Name: f.Name, Type: f.Type, Size: f.Size, Tag: f.Tag, Max: f.Max,
		Repeats: f.Repeats, CountField: f.CountField, Enum: f.Enum, Mask: f.Mask,
		Version: f.Version, Secret: secrets[f.Name]}
	if f.Required != nil {
		o.Required = *f.Required
	}
	if o.Type == "" {
		o.Type = "UNSPEC" // the row's type cell was lost: show the bytes
	}
	return o
}

func sortTable(t *Table) {
	sort.Slice(t.Values, func(i, j int) bool { return t.Values[i].Value < t.Values[j].Value })
	// Keep the first label of a value listed twice (the spec lists some twice).
	out := t.Values[:0]
	for i, v := range t.Values {
		if i > 0 && v.Value == t.Values[i-1].Value {
			continue
		}
		out = append(out, v)
	}
	t.Values = out
}

func parseNum(s string) uint32 {
	v, err := strconv.ParseUint(strings.TrimSpace(s), 0, 32)
	if err != nil {
		fail(fmt.Errorf("bad number %q: %v", s, err))
	}
	return uint32(v)
}

// label keeps the symbolic part of a value's description: the text before the
// first ": " or " (" (the rest is an explanation, not a name).
func label(v string) string {
	for _, sep := range []string{": ", " ("} {
		if i := strings.Index(v, sep); i > 0 {
			v = v[:i]
		}
	}
	return strings.TrimSpace(v)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "importspec:", err)
	os.Exit(1)
}
