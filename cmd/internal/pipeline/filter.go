package pipeline

import "github.com/ctishark/ctishark/dissect/filter"

// Matcher returns a record test for a compiled display filter. Filters
// read records directly (filter.Target is record.Record), so it allocates
// nothing per record.
func Matcher(f *filter.Filter) func(*Record) bool {
	return f.Match
}
