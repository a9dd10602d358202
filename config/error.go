package config

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
)

// Error is one problem in a configuration. Parse, Load and Validate return
// every problem they find, each an *Error, joined with errors.Join.
type Error struct {
	File string // set by Load
	Line int    // 0 when the value is not from the file
	Key  string // key path, such as teams[1].rotation.length; empty for the whole file
	Msg  string // what is wrong and how to fix it
}

func (e *Error) Error() string {
	var b strings.Builder
	switch {
	case e.File != "" && e.Line > 0:
		fmt.Fprintf(&b, "%s:%d: ", e.File, e.Line)
	case e.File != "":
		b.WriteString(e.File + ": ")
	case e.Line > 0:
		fmt.Fprintf(&b, "line %d: ", e.Line)
	}
	if e.Key != "" {
		b.WriteString(e.Key + ": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// maxProblems caps how many problems one error reports: past that, the
// first ones are the ones worth fixing.
const maxProblems = 50

// problems collects configuration errors.
type problems []*Error

func (ps *problems) add(key, format string, args ...any) {
	ps.addAt(0, key, format, args...)
}

func (ps *problems) addAt(line int, key, format string, args ...any) {
	if len(*ps) > maxProblems {
		return
	}
	if len(*ps) == maxProblems {
		*ps = append(*ps, &Error{Msg: "too many problems; fix these first"})
		return
	}
	*ps = append(*ps, &Error{Line: line, Key: key, Msg: fmt.Sprintf(format, args...)})
}

// err joins the problems in the order of their lines in the file, those
// from no line last, or returns nil when there are none.
func (ps problems) err() error {
	if len(ps) == 0 {
		return nil
	}
	slices.SortStableFunc(ps, func(a, b *Error) int {
		return cmp.Compare(lineOrder(a.Line), lineOrder(b.Line))
	})
	errs := make([]error, len(ps))
	for i, p := range ps {
		errs[i] = p
	}
	return errors.Join(errs...)
}

func lineOrder(line int) int {
	if line == 0 {
		return math.MaxInt
	}
	return line
}

// short formats d without zero units: 1h rather than 1h0m0s.
func short(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = s[:len(s)-2]
	}
	if strings.HasSuffix(s, "h0m") {
		s = s[:len(s)-2]
	}
	return s
}

// inFile names path in every problem err holds.
func inFile(path string, err error) error {
	var list []error
	if joined, ok := err.(interface{ Unwrap() []error }); ok {
		list = joined.Unwrap()
	} else {
		list = []error{err}
	}
	out := make([]error, len(list))
	for i, e := range list {
		var ce *Error
		if errors.As(e, &ce) {
			named := *ce
			named.File = path
			out[i] = &named
		} else {
			out[i] = fmt.Errorf("%s: %w", path, e)
		}
	}
	return errors.Join(out...)
}
