package analyze

import (
	"testing"
	"time"
)

// One duration style across the report tables.
func TestDur(t *testing.T) {
	for d, want := range map[time.Duration]string{
		250 * time.Millisecond:                    "0.250s",
		60003601 * time.Microsecond:               "1m00.003s",
		59997 * time.Millisecond:                  "59.997s",
		4 * time.Minute:                           "4m00.000s",
		248626974 * time.Microsecond:              "4m08.626s",
		time.Hour + 2*time.Minute + 3*time.Second: "1h02m03s",
		-1500 * time.Millisecond:                  "-1.500s",
	} {
		if got := dur(d); got != want {
			t.Errorf("dur(%v) = %q, want %q", d, got, want)
		}
	}
}
