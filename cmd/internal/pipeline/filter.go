package pipeline

import "github.com/ctishark/ctishark/dissect/filter"

// FilterTarget fills t from a record, overwriting every member so one
// Target can be reused for a whole capture.
func FilterTarget(r *Record, t *filter.Target) {
	*t = filter.Target{
		Msg:    r.Msg,
		Num:    r.Num,
		Stream: r.Frame.Stream,
		Dir:    r.Frame.Dir.String(),
		Src:    r.Frame.Src,
		Dst:    r.Frame.Dst,
		Time:   r.Frame.Time,
	}
	if !r.Frame.Start.IsZero() && !r.Frame.Time.IsZero() {
		t.RelTime = r.Frame.Time.Sub(r.Frame.Start)
	}
	if r.Request != nil {
		t.RequestIn, t.ResponseTime = r.Request.Num, r.Request.Latency
	}
	if r.Response != nil {
		t.ResponseIn, t.ResponseTime = r.Response.Num, r.Response.Latency
	}
	t.Unanswered = r.Unanswered
	if r.Event != nil {
		t.Event = r.Event.Kind.String()
	}
}

// Matcher returns a record test for Options.Filter. It reuses one Target,
// so it allocates nothing per record and must not be called concurrently.
func Matcher(f *filter.Filter) func(*Record) bool {
	var t filter.Target
	return func(r *Record) bool {
		FilterTarget(r, &t)
		return f.Match(&t)
	}
}
