package record

import "time"

// fastSpanSecs bounds the Unix seconds Elapsed takes the short way: below
// 2^33 (the year 2242) on both sides, the difference in seconds times 1e9
// plus the nanoseconds' cannot overflow a Duration.
const fastSpanSecs = 1 << 33

// Elapsed is later.Sub(earlier) for capture times: the views, the pairing
// and the doctor take it for nearly every message, and Sub's own overflow
// check (an Add and an Equal) costs more than the subtraction. Times from
// 1970 to 2242 are subtracted directly, any other by Sub. It reads the
// wall clocks only: capture times carry no monotonic reading (the live
// capture strips time.Now's), and of two times that both do, Sub would
// read those instead.
func Elapsed(later, earlier time.Time) time.Duration {
	a, b := later.Unix(), earlier.Unix()
	if uint64(a) < fastSpanSecs && uint64(b) < fastSpanSecs {
		return time.Duration(a-b)*time.Second + time.Duration(later.Nanosecond()-earlier.Nanosecond())
	}
	return later.Sub(earlier)
}
