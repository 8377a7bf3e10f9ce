package record

import (
	"math/bits"
	"strconv"
)

// digitPairs are the two digits of 0 to 99.
const digitPairs = "00010203040506070809101112131415161718192021222324252627282930313233343536373839404142434445464748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899"

// pow10 are the powers of ten a uint64 holds, for decimalLen.
var pow10 = [20]uint64{1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19}

// AppendUint writes v in decimal, as strconv.AppendUint(b, v, 10) does.
// The views write several numbers a field (offsets, sizes, tags, values)
// and a record (numbers, streams, times): the small ones are stored
// straight, the others written in place two digits at a time, where
// strconv formats into a buffer of its own and copies that.
func AppendUint(b []byte, v uint64) []byte {
	switch {
	case v < 10:
		return append(b, byte('0'+v))
	case v < 100:
		return append(b, digitPairs[2*v], digitPairs[2*v+1])
	case v < 1000:
		lo := v % 100
		return append(b, byte('0'+v/100), digitPairs[2*lo], digitPairs[2*lo+1])
	case v < 10000:
		hi, lo := v/100, v%100
		return append(b, digitPairs[2*hi], digitPairs[2*hi+1], digitPairs[2*lo], digitPairs[2*lo+1])
	}
	return appendLong(b, v)
}

// appendLong is AppendUint of v ≥ 10000.
func appendLong(b []byte, v uint64) []byte {
	n := decimalLen(v)
	at := len(b)
	b = append(b, "00000000000000000000"[:n]...)
	i := at + n
	for v >= 100 {
		q := v / 100
		r := v - 100*q
		i -= 2
		b[i], b[i+1] = digitPairs[2*r], digitPairs[2*r+1]
		v = q
	}
	if v >= 10 {
		b[i-2], b[i-1] = digitPairs[2*v], digitPairs[2*v+1]
	} else {
		b[i-1] = byte('0' + v)
	}
	return b
}

// decimalLen is the number of decimal digits of v > 0: log10 from the
// bit length (1233/4096 is just over log10(2)), one more when v reaches
// the next power of ten.
func decimalLen(v uint64) int {
	n := bits.Len64(v) * 1233 >> 12
	if v >= pow10[n] {
		n++
	}
	return n
}

// AppendInt writes v in decimal, as strconv.AppendInt(b, v, 10) does.
func AppendInt(b []byte, v int64) []byte {
	if v >= 0 {
		return AppendUint(b, uint64(v))
	}
	return strconv.AppendInt(b, v, 10)
}
