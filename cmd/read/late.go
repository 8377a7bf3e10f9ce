package read

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/ctishark/ctishark/cmd/internal/inputflags"
	"github.com/ctishark/ctishark/cmd/internal/pipeline"
	"github.com/ctishark/ctishark/dissect/record"
)

// lateVerdicts collects the verdicts on requests the look-ahead released
// before their answer (they were printed with "released" and no pairing).
type lateVerdicts struct {
	limit                int // the look-ahead's byte bound
	answered, unanswered int
	lost                 []int // the first unanswered ones, for the message
}

const maxLateListed = 10

func (l *lateVerdicts) add(v record.Verdict) {
	if v.Unanswered {
		l.unanswered++
		if len(l.lost) < maxLateListed {
			l.lost = append(l.lost, v.Num)
		}
		return
	}
	l.answered++
}

// report says on w how the released requests ended; nothing when none was.
func (l *lateVerdicts) report(w io.Writer) {
	if l.answered+l.unanswered == 0 {
		return
	}
	msg := fmt.Sprintf("ctishark: %d requests held the look-ahead past its bound (%s of records; --max-lookahead raises it) and were shown before their answer: %d answered later, %d unanswered",
		l.answered+l.unanswered, sizeText(l.limit), l.answered, l.unanswered)
	if len(l.lost) > 0 {
		nums := make([]string, len(l.lost))
		for i, n := range l.lost {
			nums[i] = "#" + strconv.Itoa(n)
		}
		msg += " (" + strings.Join(nums, ", ")
		if l.unanswered > len(l.lost) {
			msg += ", …"
		}
		msg += ")"
	}
	fmt.Fprintln(w, msg)
}

func sizeText(n int) string {
	if n <= 0 {
		n = pipeline.DefaultMaxHeldBytes
	}
	return inputflags.SizeString(n)
}
