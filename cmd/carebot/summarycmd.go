package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/slack-go/slack"

	"carebot/bot"
	"carebot/clock"
	"carebot/config"
	"carebot/handlers"
	"carebot/metrics"
	"carebot/shift"
)

const summaryUsage = `Usage: carebot summary [--shift NAME] [--date YYYY-MM-DD] [--post] [--team T0123]

Prints the handoff summary of a shift, read from the Redis carebot run uses.

  (no flags)          the last shift that ended
  --shift NAME        the shift called NAME that started on --date (default:
                      its latest start); one still running is summarised so far
  --date YYYY-MM-DD   with --shift, the day it started; alone, that whole day
  --post              also post it to channels.summary (needs SLACK_BOT_TOKEN)
  --team T0123        the Slack workspace; without it, auth.test with SLACK_BOT_TOKEN
`

type summaryFlags struct {
	shift, date, team string
	post              bool
}

// summaryCmd is `carebot summary`.
func summaryCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f, err := parseSummaryFlags(args)
	if errors.Is(err, flag.ErrHelp) {
		_, err = io.WriteString(stdout, summaryUsage)
		return err
	}
	if err != nil {
		return err
	}
	e, err := readEnv(false)
	if err != nil {
		return err
	}
	cfg, _, err := loadConfig(e.Config)
	if err != nil {
		return err
	}
	now := time.Now()
	p, partial, err := summaryPeriod(shift.New(cfg.Shifts, cfg.Location), cfg, now, f)
	if err != nil {
		return err
	}
	if f.post && e.SlackBotToken == "" {
		return errors.New("summary --post: SLACK_BOT_TOKEN is required to post")
	}
	logger := e.logger(stderr)
	st, _, closeRedis, err := openWorkspace(ctx, "summary", f.team, e, logger)
	if err != nil {
		return err
	}
	defer closeRedis()
	m := metrics.New(prometheus.NewRegistry())
	httpClient := guardedClient(cfg, m)
	api := slack.New(e.SlackBotToken, slack.OptionAPIURL(e.SlackAPIURL), slack.OptionHTTPClient(httpClient))
	out, err := bot.NewSlack(api, httpClient, clock.Real{}, m, bot.SlackOptions{})
	if err != nil {
		return err
	}
	h, err := handlers.New(st, out, cfg, "", clock.Real{}, logger, m)
	if err != nil {
		return err
	}
	return writeSummary(ctx, h, p, partial, f.post, stdout)
}

// parseSummaryFlags reads the arguments of `carebot summary`. It returns
// flag.ErrHelp for -h and --help.
func parseSummaryFlags(args []string) (summaryFlags, error) {
	var f summaryFlags
	fs := flag.NewFlagSet("summary", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&f.shift, "shift", "", "")
	fs.StringVar(&f.date, "date", "", "")
	fs.StringVar(&f.team, "team", "", "")
	fs.BoolVar(&f.post, "post", false, "")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return f, err
		}
		return f, fmt.Errorf("summary: %w (see carebot summary --help)", err)
	}
	switch {
	case fs.NArg() > 0:
		return f, fmt.Errorf("summary: unexpected argument %q; flags only, such as --shift Night (see carebot summary --help)", fs.Arg(0))
	case f.team != "" && !teamIDPattern.MatchString(f.team):
		return f, fmt.Errorf("summary --team: %q is not a Slack workspace ID; for example --team T0123ABCD", f.team)
	}
	return f, nil
}

// summaryPeriod is the span f asks for at now: the last shift that ended, a
// named shift, or a whole day. One that has not ended is summarised so far
// (partial).
func summaryPeriod(sched shift.Schedule, cfg *config.Config, now time.Time, f summaryFlags) (p shift.Period, partial bool, err error) {
	var day time.Time
	if f.date != "" {
		if day, err = time.ParseInLocation(time.DateOnly, f.date, cfg.Location); err != nil {
			return p, false, fmt.Errorf("summary --date: %q is not a date; for example --date 2026-11-20", f.date)
		}
	}
	switch {
	case f.shift == "" && f.date == "":
		p = sched.Ended(sched.Last(now))
	case f.shift == "":
		p = sched.Day(day)
		p.Name = day.Format("Mon 2 Jan")
	default:
		names := make([]string, len(cfg.Shifts))
		for i, s := range cfg.Shifts {
			names[i] = s.Name
		}
		var ok bool
		if f.date != "" {
			p, ok = sched.Named(f.shift, day)
		} else {
			// Its latest start: today's, or yesterday's if today's is ahead.
			today := sched.Day(now).Start
			if p, ok = sched.Named(f.shift, today); ok && p.Start.After(now) {
				p, ok = sched.Named(f.shift, today.AddDate(0, 0, -1))
			}
		}
		if !ok {
			return p, false, fmt.Errorf("summary --shift: no shift called %q (the shifts are %s)", f.shift, strings.Join(names, ", "))
		}
	}
	if p.Start.After(now) {
		return p, false, fmt.Errorf("summary: %s starting %s has not started yet", p.Name, p.Start.In(cfg.Location).Format("Mon 2 Jan 15:04"))
	}
	if p.End.After(now) {
		p.End, partial = now, true
	}
	return p, partial, nil
}

// writeSummary prints the summary of p to w and, with post, posts it to the
// summary channel too.
func writeSummary(ctx context.Context, h *handlers.Handlers, p shift.Period, partial, post bool, w io.Writer) error {
	r, err := h.Summary(ctx, p, false, partial)
	if err != nil {
		return err
	}
	for i, s := range r.Sections() {
		if i > 0 {
			fmt.Fprintf(w, "\n== %s ==\n", s.Title)
		}
		fmt.Fprintln(w, s.Body)
	}
	if post {
		if err := h.PostReport(ctx, r); err != nil {
			return err
		}
		fmt.Fprintln(w, "\n(posted to the summary channel)")
	}
	return nil
}
