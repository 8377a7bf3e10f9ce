package reassembly

import "time"

// reasonBudget is the Gap text when holes are given up to keep the
// out-of-order data of all connections within Options.MaxBufferedTotal.
const reasonBudget = "given up: out-of-order data of all connections reached the reassembly budget (--max-buffer-total)"

// reserveOOO makes room for n more out-of-order bytes within
// MaxBufferedTotal by giving up every hole of the connection whose oldest
// buffered segment is the oldest of all, as often as needed. Each becomes
// a Gap event on its connection, and the frames behind it come out.
func (r *Reassembler) reserveOOO(n int, pkt int, ts time.Time) {
	for r.oooTotal+n > r.opts.MaxBufferedTotal {
		c := r.oldestHoley()
		if c == nil {
			return
		}
		r.stats.BudgetGaps++
		for k := range c.half {
			for len(c.half[k].ooo) > 0 && c.state != stClosed {
				r.skipHole(c, k, pkt, ts, reasonBudget)
			}
		}
	}
}

// oldestHoley returns the open connection holding the oldest out-of-order
// segment, nil when none holds any.
func (r *Reassembler) oldestHoley() *conn {
	var best *conn
	var bestTS int64
	for _, c := range r.holey {
		if c.state == stClosed {
			continue
		}
		for k := range c.half {
			if h := &c.half[k]; len(h.ooo) > 0 {
				if ts := h.ooo[0].ts.UnixNano(); best == nil || ts < bestTS {
					best, bestTS = c, ts
				}
			}
		}
	}
	return best
}
