package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"carebot/bot"
	"carebot/config"
	"carebot/shift"
)

func TestSummaryPeriod(t *testing.T) {
	cfg := config.Default()
	loc := cfg.Location
	sched := shift.New(cfg.Shifts, loc)
	now := time.Date(2026, 11, 27, 10, 30, 0, 0, loc) // Friday, in the Day shift
	at := func(d, h int) time.Time { return time.Date(2026, 11, d, h, 0, 0, 0, loc) }
	for _, tc := range []struct {
		name       string
		f          summaryFlags
		start, end time.Time
		partial    bool
		err        string
	}{
		{name: "last ended shift", start: at(26, 19), end: at(27, 7)},
		{name: "named, latest start, running", f: summaryFlags{shift: "day"}, start: at(27, 7), end: now, partial: true},
		{name: "named, latest start yesterday", f: summaryFlags{shift: "Night"}, start: at(26, 19), end: at(27, 7)},
		{name: "named on a date", f: summaryFlags{shift: "Night", date: "2026-10-31"}, start: time.Date(2026, 10, 31, 19, 0, 0, 0, loc), end: time.Date(2026, 11, 1, 7, 0, 0, 0, loc)},
		{name: "a whole day", f: summaryFlags{date: "2026-11-25"}, start: at(25, 0), end: at(26, 0)},
		{name: "today so far", f: summaryFlags{date: "2026-11-27"}, start: at(27, 0), end: now, partial: true},
		{name: "unknown shift", f: summaryFlags{shift: "Evening"}, err: `no shift called "Evening" (the shifts are Day, Night)`},
		{name: "bad date", f: summaryFlags{date: "27/11/2026"}, err: "is not a date"},
		{name: "future", f: summaryFlags{shift: "Night", date: "2026-11-27"}, err: "has not started yet"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, partial, err := summaryPeriod(sched, cfg, now, tc.f)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil || !p.Start.Equal(tc.start) || !p.End.Equal(tc.end) || partial != tc.partial {
				t.Errorf("= %v – %v partial %v, %v; want %v – %v partial %v", p.Start, p.End, partial, err, tc.start, tc.end, tc.partial)
			}
		})
	}
}

func TestSummaryFlags(t *testing.T) {
	if _, err := parseSummaryFlags([]string{"--team", "nope"}); err == nil || !strings.Contains(err.Error(), "not a Slack workspace ID") {
		t.Errorf("bad --team: %v", err)
	}
	if _, err := parseSummaryFlags([]string{"Night"}); err == nil || !strings.Contains(err.Error(), "unexpected argument") {
		t.Errorf("bare argument: %v", err)
	}
	f, err := parseSummaryFlags([]string{"--shift", "Night", "--date", "2026-11-20", "--post"})
	if err != nil || f.shift != "Night" || f.date != "2026-11-20" || !f.post {
		t.Errorf("flags = %+v, %v", f, err)
	}
}

func TestWriteSummaryPrintsAndPosts(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessOptions{})
	r := h.start(bot.Options{})
	h.nextPost(h.fake.DM(nurse(1), "Epic is down for the whole ED, can't chart, patients waiting"), 0)
	h.clock.Advance(time.Minute)
	sched := shift.New(h.cfg.Shifts, h.cfg.Location)
	p := sched.Current(h.clock.Now())
	p.End = h.clock.Now()

	var out bytes.Buffer
	if err := writeSummary(h.ctx(), r.app.handlers, p, true, false, &out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"*Night shift* so far", "*1* opened", "== Still open ==", "IT-1"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("printed summary lacks %q:\n%s", want, out.String())
		}
	}
	if n := len(h.summaries()); n != 0 {
		t.Fatalf("printing posted %d summaries", n)
	}
	out.Reset()
	if err := writeSummary(h.ctx(), r.app.handlers, p, true, true, &out); err != nil {
		t.Fatal(err)
	}
	h.eventually("the summary is posted", func() bool { return len(h.summaries()) == 1 })
	if got := h.summaries()[0].Text; !strings.HasPrefix(got, "Night shift so far") {
		t.Errorf("posted %q", got)
	}
}
