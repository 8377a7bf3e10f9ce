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

// ts prints what time.Format prints with its layout, digit by digit.
func TestTsMatchesFormat(t *testing.T) {
	times := []time.Time{
		time.Date(2026, 3, 2, 9, 0, 1, 71049000, time.UTC),
		time.Date(1, 1, 1, 0, 0, 0, 1, time.UTC),
		time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC),
		time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(-5, 6, 7, 8, 9, 10, 11000, time.UTC),
		time.Date(2026, 12, 2, 21, 5, 7, 123456789, time.FixedZone("x", 5*3600+1800)),
		time.Unix(0, 0),
	}
	for i := range 2000 {
		times = append(times, time.Unix(int64(i)*7919*86400/3+int64(i)*13, int64(i)*499979%1e9))
	}
	for _, tm := range times {
		if got, want := ts(tm), tm.UTC().Format("2006-01-02 15:04:05.000000"); got != want {
			t.Fatalf("ts(%v) = %q, want %q", tm, got, want)
		}
	}
	if ts(time.Time{}) != "-" {
		t.Fatalf("the zero time prints %q, want -", ts(time.Time{}))
	}
}
