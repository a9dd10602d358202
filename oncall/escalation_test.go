package oncall

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// pages lists every page of c as "INDEX RUN.STEP HH:MM USERS".
func pages(t *testing.T, c Chain, deadline time.Time, s Schedule) []string {
	t.Helper()
	var out []string
	var last time.Time
	for i := 0; ; i++ {
		p, ok := c.PageAt(i, deadline, s)
		if !ok {
			return out
		}
		if p.Index != i || p.Run*len(c.Steps)+p.Step != i {
			t.Fatalf("PageAt(%d) = index %d, run %d, step %d", i, p.Index, p.Run, p.Step)
		}
		if i > 0 && !p.At.After(last) {
			t.Fatalf("PageAt(%d) is due at %s, not after the page before (%s)", i, p.At, last)
		}
		last = p.At
		out = append(out, fmt.Sprintf("%d %d.%d %s %s", p.Index, p.Run, p.Step, p.At.In(deadline.Location()).Format("15:04"), strings.Join(p.Users, ",")))
	}
}

func TestChainPageAt(t *testing.T) {
	t.Parallel()
	chicago := mustLoad(t, "America/Chicago")
	at := func(s string) time.Time { return local(t, chicago, s) }
	daily := Rotation{Start: at("2026-11-23T07:00"), Length: 12 * time.Hour, Members: []string{"A", "B", "C"}, Loc: chicago}
	pair := Rotation{Start: at("2026-11-23T07:00"), Length: 12 * time.Hour, Members: []string{"A", "B"}, Loc: chicago}
	solo := Rotation{Start: at("2026-11-23T07:00"), Length: 12 * time.Hour, Members: []string{"A"}, Loc: chicago}
	nextThenLead := Chain{Steps: []Step{{After: 0, Next: true}, {After: 10 * time.Minute, Users: []string{"LEAD"}}}, Repeat: 2}
	deadline := at("2026-11-23T18:45") // the 19:00 handoff falls between pages

	tests := []struct {
		name     string
		chain    Chain
		schedule Schedule
		deadline time.Time
		want     []string
	}{
		{"two steps, repeat 2: Next follows the handoff", nextThenLead, Schedule{Rotation: daily}, deadline, []string{
			"0 0.0 18:45 B", // A on call, so B
			"1 0.1 18:55 LEAD",
			"2 1.0 19:05 C", // B on call since 19:00, so C
			"3 1.1 19:15 LEAD",
			"4 2.0 19:25 C",
			"5 2.1 19:35 LEAD",
		}},
		{"Next under an override pages the member after the turn's", nextThenLead,
			Schedule{Rotation: daily, Overrides: []Override{{User: "X", Start: at("2026-11-23T18:00"), End: at("2026-11-23T19:10")}}}, deadline, []string{
				"0 0.0 18:45 B", "1 0.1 18:55 LEAD", "2 1.0 19:05 C", "3 1.1 19:15 LEAD", "4 2.0 19:25 C", "5 2.1 19:35 LEAD",
			}},
		{"Next skips the override user on call", nextThenLead,
			Schedule{Rotation: daily, Overrides: []Override{{User: "B", Start: at("2026-11-23T18:00"), End: at("2026-11-23T19:10")}}}, deadline, []string{
				"0 0.0 18:45 C", // A's turn, B covers it: C
				"1 0.1 18:55 LEAD",
				"2 1.0 19:05 C", // B's own turn, B covers it: C
				"3 1.1 19:15 LEAD",
				"4 2.0 19:25 C", // override over: B on call, so C
				"5 2.1 19:35 LEAD",
			}},
		{"Next in a pair covered by the other member pages the one on turn", Chain{Steps: []Step{{Next: true}}},
			Schedule{Rotation: pair, Overrides: []Override{{User: "B", Start: at("2026-11-23T18:00"), End: at("2026-11-23T19:00")}}}, deadline, []string{
				"0 0.0 18:45 A",
			}},
		{"one-member rotation pages its member", nextThenLead, Schedule{Rotation: solo}, deadline, []string{
			"0 0.0 18:45 A", "1 0.1 18:55 LEAD", "2 1.0 19:05 A", "3 1.1 19:15 LEAD", "4 2.0 19:25 A", "5 2.1 19:35 LEAD",
		}},
		{"one-member rotation under an override pages its member", Chain{Steps: []Step{{Next: true}}},
			Schedule{Rotation: solo, Overrides: []Override{{User: "X", Start: at("2026-11-23T18:00"), End: at("2026-11-23T19:00")}}}, deadline, []string{
				"0 0.0 18:45 A",
			}},
		{"gap between runs is the first step's After", Chain{Steps: []Step{{After: 5 * time.Minute, Users: []string{"L1"}}, {After: 15 * time.Minute, Users: []string{"L2", "L3"}}}, Repeat: 1},
			Schedule{Rotation: daily}, deadline, []string{
				"0 0.0 18:50 L1", "1 0.1 19:00 L2,L3", "2 1.0 19:10 L1", "3 1.1 19:20 L2,L3",
			}},
		{"gap between runs is at least a minute", Chain{Steps: []Step{{Users: []string{"L1"}}}, Repeat: 2},
			Schedule{Rotation: daily}, deadline, []string{
				"0 0.0 18:45 L1", "1 1.0 18:46 L1", "2 2.0 18:47 L1",
			}},
		{"Next and Users together, without repeats", Chain{Steps: []Step{{Next: true, Users: []string{"LEAD", "B", "LEAD"}}}},
			Schedule{Rotation: daily}, deadline, []string{
				"0 0.0 18:45 B,LEAD",
			}},
		{"Next without rotation turns pages nobody", Chain{Steps: []Step{{Next: true}, {After: time.Minute, Users: []string{"LEAD"}}}},
			Schedule{}, deadline, []string{
				"0 0.0 18:45 ", "1 0.1 18:46 LEAD",
			}},
		{"negative Repeat runs once", Chain{Steps: []Step{{Users: []string{"L1"}}}, Repeat: -3}, Schedule{}, deadline, []string{
			"0 0.0 18:45 L1",
		}},
		{"empty chain", Chain{Repeat: 2}, Schedule{Rotation: daily}, deadline, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := pages(t, tt.chain, tt.deadline, tt.schedule); !slices.Equal(got, tt.want) {
				t.Errorf("pages =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestChainPageAtOutOfRange(t *testing.T) {
	t.Parallel()
	deadline := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	c := Chain{Steps: []Step{{Users: []string{"L"}}, {After: time.Hour, Users: []string{"M"}}}, Repeat: 2}
	for _, i := range []int{-1, 6, 1 << 40} {
		if p, ok := c.PageAt(i, deadline, Schedule{}); ok {
			t.Errorf("PageAt(%d) = %+v, want none", i, p)
		}
	}
	huge := Chain{Steps: []Step{{After: 100 * 365 * 24 * time.Hour, Users: []string{"L"}}}, Repeat: 1 << 40}
	if _, ok := huge.PageAt(0, deadline, Schedule{}); !ok {
		t.Error("PageAt(0) of a long chain is missing")
	}
	if p, ok := huge.PageAt(5, deadline, Schedule{}); ok {
		t.Errorf("PageAt(5) = %+v, due beyond a Duration, want none", p)
	}
}

func TestChainPageAtCopiesUsers(t *testing.T) {
	t.Parallel()
	c := Chain{Steps: []Step{{Users: []string{"LEAD"}}}}
	p, _ := c.PageAt(0, time.Time{}, Schedule{})
	p.Users[0] = "OTHER"
	if c.Steps[0].Users[0] != "LEAD" {
		t.Error("changing a page's Users changed the chain")
	}
}

func TestPageDescribe(t *testing.T) {
	t.Parallel()
	for i, want := range map[int]string{0: "first page", 1: "second page", 2: "third page", 9: "tenth page", 10: "page 11", 41: "page 42"} {
		if got := (Page{Index: i}).Describe(); got != want {
			t.Errorf("Page %d = %q, want %q", i, got, want)
		}
	}
}
