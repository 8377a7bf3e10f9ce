package dissect

// The shape and session rules as data, for the generated Wireshark plugin
// (dissect/internal/genlua), so that its Lua port follows the same numbers
// as this decoder instead of copies of them.

// ShapeRules are the weights the shape scan scores a floating reading with
// and the thresholds the session settles its layout by.
type ShapeRules struct {
	OwnTag, TableTag, UnknownTag, BadLength, Missing int // scanFloating's weights
	SettleMargin                                     int // lead over every contender that settles a layout
	MissRatio                                        int // a contender misses at most one message in MissRatio
	MaxNotes                                         int // session notes kept
	MaxFixedOptions                                  int // candidate fixed parts per message
}

// Rules returns the decoder's shape and session rules.
func Rules() ShapeRules {
	return ShapeRules{
		OwnTag: scoreOwnTag, TableTag: scoreTableTag, UnknownTag: scoreUnknownTag, BadLength: scoreBadLength, Missing: scoreMissing,
		SettleMargin: settleMargin, MissRatio: contenderMissRatio, MaxNotes: maxNotes, MaxFixedOptions: maxFixedOptions,
	}
}
