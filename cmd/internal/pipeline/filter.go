package pipeline

import (
	"github.com/ctishark/ctishark/dissect"
	"github.com/ctishark/ctishark/dissect/filter"
)

// Matcher returns a record test for a compiled display filter. Filters
// read records directly (filter.Target is record.Record), so it allocates
// nothing per record.
func Matcher(f *filter.Filter) func(*Record) bool {
	return f.Match
}

// FilterReads returns, for a filter that tests nothing but the message
// type (cti.msg_type: -Y "cti.msg_type == AGENT_STATE_EVENT"), every
// field of the message types it may let through (Options.FilterReads):
// messages of the other types, which no view sees, are then decoded with
// only what the pipeline and the rules read. A type's verdict is the
// filter's on a message of that type and ID, so it is the filter's on
// every message of the type but those whose ID the guide does not give
// (decoded by their layout, with the ID the wire had): those types keep
// every field. nil for any other filter, which may test any field.
func FilterReads(f *filter.Filter) func(*dissect.FieldDef) bool {
	for _, ref := range f.References() {
		if ref != "cti.msg_type" {
			return nil
		}
	}
	kept := map[*dissect.FieldDef]bool{}
	for _, c := range dissect.Catalogs() {
		for _, d := range c.Messages() {
			probe := &Record{Msg: &dissect.Message{Def: d, TypeID: d.ID, Header: make([]dissect.Field, 2)}}
			if d.IDKnown && !f.Match(probe) {
				continue
			}
			for i := range d.Fixed {
				kept[&d.Fixed[i]] = true
			}
			for i := range d.Floating {
				kept[&d.Floating[i]] = true
			}
		}
	}
	return func(fd *dissect.FieldDef) bool { return kept[fd] }
}
