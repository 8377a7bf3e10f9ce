package calls

import (
	"errors"
	"strconv"
)

func itoa(n uint32) string { return strconv.FormatUint(uint64(n), 10) }

func asUsage(err error, target any) bool { return errors.As(err, target) }
