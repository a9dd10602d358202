package ticket

import "fmt"

// Priority is P1 (most urgent) to P4.
type Priority int

// The priorities.
const (
	P1 Priority = 1
	P2 Priority = 2
	P3 Priority = 3
	P4 Priority = 4
)

// String renders p as "P1".."P4", or "P?" for the zero value.
func (p Priority) String() string {
	if p < P1 || p > P4 {
		return "P?"
	}
	return fmt.Sprintf("P%d", int(p))
}

// Higher returns the more urgent of p and q; a zero value counts as least urgent.
func (p Priority) Higher(q Priority) Priority {
	switch {
	case p < P1 || p > P4:
		return q
	case q < P1 || q > P4:
		return p
	case q < p:
		return q
	}
	return p
}
