package summary

import (
	"cmp"
	"slices"
	"strings"

	"carebot/ticket"
)

// Unit is the hospital unit of a ticket's location: the part before the
// first ", ", without a trailing " bay N" or " pod X", so that "ED bay 7",
// "ED bay 9" and "ED, triage desk" all count as "ED". An empty location has
// no unit ("").
func Unit(location string) string {
	head, _, _ := strings.Cut(location, ", ")
	f := strings.Fields(head)
	if n := len(f); n > 2 && (strings.EqualFold(f[n-2], "bay") || strings.EqualFold(f[n-2], "pod")) {
		f = f[:n-2]
	}
	return strings.Join(f, " ")
}

// unitCounts returns at most limit units from the most frequent, ties by name.
func unitCounts(m map[string]int, limit int) []UnitCount {
	out := make([]UnitCount, 0, len(m))
	for u, n := range m {
		out = append(out, UnitCount{u, n})
	}
	slices.SortFunc(out, func(a, b UnitCount) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Unit, b.Unit))
	})
	return out[:min(limit, len(out))]
}

// problemKey groups opened tickets into possible recurring problems.
type problemKey struct {
	category ticket.Category
	unit     string
}

// recurring returns the groups of RecurringMin or more tickets, the largest
// first, ties by category and then unit.
func recurring(groups map[problemKey][]*ticket.Ticket, id func(*ticket.Ticket) string) []Problem {
	var out []Problem
	for k, ts := range groups {
		if len(ts) >= RecurringMin {
			out = append(out, Problem{Category: k.category, Unit: k.unit, IDs: ids(ts, id)})
		}
	}
	slices.SortFunc(out, func(a, b Problem) int {
		return cmp.Or(cmp.Compare(len(b.IDs), len(a.IDs)), cmp.Compare(a.Category, b.Category), cmp.Compare(a.Unit, b.Unit))
	})
	return out
}
