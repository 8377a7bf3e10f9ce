package dissect

import (
	"math/rand"
	"testing"
)

// quietSamples are the bytes TestQuietMeansNoExpert reads each field
// definition from: its own size and the sizes around it and its maximum,
// filled with every enum and mask value, numbers just past them, NUL
// padding, ASCII, UTF-8, invalid UTF-8 and random bytes.
func quietSamples(fd *FieldDef, rng *rand.Rand) [][]byte {
	sizes := []int{0, 1, 2, 3, 4, 5, 8, fd.Size, fd.Size - 1, fd.Size + 1, fd.Max, fd.Max - 1, fd.Max + 1}
	var nums []uint64
	if fd.Enum != nil {
		for _, v := range fd.Enum.Values {
			nums = append(nums, uint64(v.Value), uint64(v.Value)+1)
		}
	}
	if fd.Mask != nil {
		var all uint64
		for _, v := range fd.Mask.Values {
			all |= uint64(v.Value)
			nums = append(nums, uint64(v.Value), all, all|1<<31)
		}
	}
	nums = append(nums, 0, 1, 2, 0xff, 0xffff, 0xffffffff)
	var out [][]byte
	for _, n := range sizes {
		if n < 0 || n > 300 {
			continue
		}
		for _, v := range nums {
			b := make([]byte, n)
			x := v
			for i := n - 1; i >= 0; i-- {
				b[i], x = byte(x), x>>8
			}
			out = append(out, b)
		}
		for _, text := range []string{"a", "agent 1001", "h\u00e9", "\xff\xfe", "a\x00b"} {
			b := make([]byte, n)
			copy(b, text)
			out = append(out, b)
			if n > 0 {
				c := append([]byte(nil), b...)
				c[n-1] = 0 // NUL just at the end
				out = append(out, c)
			}
		}
		r := make([]byte, n)
		rng.Read(r)
		out = append(out, r)
	}
	if fd.Type == TypeNAMEDVAR || fd.Type == TypeNAMEDARRAY {
		out = append(out, namedSamples(fd.Type == TypeNAMEDARRAY)...)
	}
	return out
}

// namedSamples are NamedVariable (or, with index, NamedArray) bytes: well
// formed, at and past the guide's bounds, without a NUL, and with bytes
// after the value's NUL.
func namedSamples(index bool) [][]byte {
	long := func(n int) string { return string(make([]byte, n)) }
	var out [][]byte
	for _, nv := range [][2]string{
		{"user.CustomerID", "42"}, {"", ""}, {"a", ""}, {"", "b"},
		{long(32), "v"}, {long(33), "v"}, {"n", long(210)}, {"n", long(211)},
	} {
		// Names and values of letters: make's NULs would end them early.
		name, value := []byte(nv[0]), []byte(nv[1])
		for i := range name {
			name[i] = 'n'
		}
		for i := range value {
			value[i] = 'v'
		}
		whole := append(append(append(append([]byte{}, name...), 0), value...), 0)
		for _, b := range [][]byte{
			whole,
			whole[:len(whole)-1],                     // value without its NUL
			whole[:len(name)],                        // name without its NUL
			append(whole[:len(whole):len(whole)], 0), // NUL padding
			append(whole[:len(whole):len(whole)], 'x'), // a byte after the value
		} {
			if index {
				b = append([]byte{7}, b...)
			}
			out = append(out, b)
		}
	}
	if index {
		out = append(out, []byte{})
	}
	return out
}

// TestQuietMeansNoExpert holds quiet and silentFixed to value over every
// field definition of both catalogs: a field quiet vouches for, or a
// silent fixed field, decodes without an expert item, so a checked Keep
// that reads past it loses none. It also asks that quiet vouch for every
// faultless field, NamedVariables too, or it would save less than it
// could.
func TestQuietMeansNoExpert(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	var vouched, faultless, silent int
	for _, def := range catalogSlots {
		for _, list := range [][]FieldDef{def.Fixed, def.Floating} {
			for i := range list {
				fd := &list[i]
				for _, data := range quietSamples(fd, rng) {
					m := &Message{Def: def}
					d := decoder{m: m, frame: data}
					var f Field
					f.init(fd, fd.Name, fd.Filter, -1, 0, len(data))
					d.value(&f, fd.Type, data)
					q := quiet(fd, fd.Type, data)
					if q && len(f.Expert) > 0 {
						t.Fatalf("%s.%s (%s) from % x: quiet, but value flags %v", def.Name, fd.Name, fd.Type, data, f.Expert)
					}
					if !fd.Floating && len(data) == fd.Size && silentFixed(fd) {
						silent++
						if len(f.Expert) > 0 {
							t.Fatalf("%s.%s (%s) from % x: silent, but value flags %v", def.Name, fd.Name, fd.Type, data, f.Expert)
						}
					}
					if len(f.Expert) == 0 {
						faultless++
						if q {
							vouched++
						}
					}
				}
			}
		}
	}
	if faultless == 0 || vouched != faultless {
		t.Errorf("quiet vouched for %d of %d faultless fields", vouched, faultless)
	}
	if silent == 0 {
		t.Error("no fixed field is silent")
	}
	t.Logf("quiet vouched for all %d faultless fields; %d readings of silent fixed fields", faultless, silent)
}
