package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"carebot/config"
	"carebot/shift"
	"carebot/store"
)

// configCheck is `carebot config check`: it validates the configuration and
// the environment, prints what carebot would run with and who is on call,
// and, when tokens are set, checks them with Slack and pings Redis.
func configCheck(ctx context.Context, w io.Writer) error {
	e, err := readEnv(false)
	if err != nil {
		return err
	}
	cfg, source, err := loadConfig(e.Config)
	if err != nil {
		return err
	}
	now := time.Now().In(cfg.Location)
	fmt.Fprintf(w, "configuration: %s (valid)\n", source)
	describeConfig(w, cfg, now)

	var problems []string
	if e.SlackBotToken != "" {
		api := slack.New(e.SlackBotToken, slack.OptionAPIURL(e.SlackAPIURL), slack.OptionHTTPClient(&http.Client{Timeout: 10 * time.Second}))
		actx, cancel := context.WithTimeout(ctx, 10*time.Second)
		auth, err := api.AuthTestContext(actx)
		cancel()
		if err != nil {
			problems = append(problems, authError(err).Error())
		} else {
			fmt.Fprintf(w, "slack: bot token works: workspace %s, bot user %s\n", auth.TeamID, auth.UserID)
		}
	} else {
		fmt.Fprintln(w, "slack: SLACK_BOT_TOKEN not set; not checked")
	}
	if conn := e.redis(); !conn.Embedded() {
		rdb, closeRedis, err := store.Open(conn)
		if err == nil {
			pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
			err = rdb.Ping(pctx).Err()
			cancel()
			_ = closeRedis()
		}
		if err != nil {
			problems = append(problems, "redis: "+err.Error())
		} else {
			fmt.Fprintln(w, "redis: answers")
		}
	} else {
		fmt.Fprintln(w, "redis: none configured; `run` would use an embedded in-memory Redis that loses everything on restart")
	}
	if len(problems) > 0 {
		return fmt.Errorf("config check found problems:\n  %s", strings.Join(problems, "\n  "))
	}
	return nil
}

func describeConfig(w io.Writer, cfg *config.Config, now time.Time) {
	fmt.Fprintf(w, "ticket IDs: %s-<n>; time zone %s (now %s)\n", cfg.TicketPrefix, cfg.Timezone, now.Format("Mon 2006-01-02 15:04 MST"))
	fmt.Fprintf(w, "intake channels: %s\n", orNone(cfg.IntakeChannels))
	fmt.Fprintf(w, "channels: summary %s, triage %s, incidents %s\n", orDash(cfg.Channels.Summary), orDash(cfg.Channels.Triage), orDash(cfg.Channels.Incidents))
	fmt.Fprintln(w, "SLA (claim / resolve):")
	for _, p := range config.Priorities() {
		fmt.Fprintf(w, "  %s  %s / %s\n", p, cfg.SLA[p].Claim, cfg.SLA[p].Resolve)
	}
	fmt.Fprintln(w, "teams, and who is on call now:")
	for _, t := range cfg.Teams {
		cats := make([]string, len(t.Categories))
		for i, c := range t.Categories {
			cats[i] = string(c)
		}
		def := ""
		if t.Default {
			def = ", default"
		}
		turns := t.Rotation.Rotation().Next(now, 1)
		fmt.Fprintf(w, "  %s (%s, channel %s%s): %s\n", t.ID, t.Name, t.Channel, def, strings.Join(cats, ", "))
		fmt.Fprintf(w, "    on call: %s until %s", turns[0].Member, turns[0].Ends.In(cfg.Location).Format("Mon 15:04"))
		if len(turns) > 1 {
			fmt.Fprintf(w, ", then %s", turns[1].Member)
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintln(w, "next shift boundaries:")
	bs := shift.New(cfg.Shifts, cfg.Location).Between(now, now.Add(72*time.Hour))
	for _, b := range bs[:min(3, len(bs))] {
		fmt.Fprintf(w, "  %s  %s starts\n", b.At.Format("Mon 2006-01-02 15:04"), b.Shift)
	}
}

func orNone(s []string) string {
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, ", ")
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
