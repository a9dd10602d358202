package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"carebot/bot"
	"carebot/clock"
	"carebot/slackfake"
)

// Who types in the sandbox: a nurse writing to the bot, and a specialist
// for slash commands.
const (
	sandboxNurse      = "U0NURSE"
	sandboxSpecialist = "U0SPEC1"
	sandboxChannel    = "C0SANDBOX"
	sandboxReplyWait  = 10 * time.Second
	// sandboxSettle is how long the sandbox shows what the bot posts after
	// the clock moves.
	sandboxSettle = 2 * time.Second
)

// runSandbox is `carebot sandbox`: the real bot, connected over WebSockets
// to an in-process Slack stand-in, with an in-memory Redis. Each line of
// input is a DM from a nurse; the bot's replies are printed.
func runSandbox(ctx context.Context, stdin io.Reader, stdout, stderr io.Writer) error {
	fake := slackfake.New()
	defer fake.Close()
	e, err := readEnv(false)
	if err != nil {
		return err
	}
	cfg, source, err := loadConfig(e.Config)
	if err != nil {
		return err
	}
	e = env{SlackAppToken: fake.AppToken(), SlackBotToken: fake.BotToken(), SlackAPIURL: fake.APIURL(),
		Config: e.Config, LogLevel: "error", LogFormat: "text"}
	logger := e.logger(stderr)
	redis.SetLogger(redisLog{logger})
	clk := &clock.Ahead{}
	a, err := build(ctx, e, cfg, logger, clk, options{sweepEvery: 200 * time.Millisecond})
	if err != nil {
		return err
	}
	sctx, stop := context.WithCancel(ctx)
	served := make(chan error, 1)
	go func() { served <- a.serve(sctx) }()
	defer func() {
		stop()
		<-served
	}()
	if err := waitConnected(ctx, a.bot); err != nil {
		return err
	}

	feed, unsubscribe := fake.Subscribe()
	defer unsubscribe()
	fmt.Fprintf(stdout, "carebot sandbox (configuration: %s). You are a nurse, %s, writing to carebot.\n", source, sandboxNurse)
	fmt.Fprintln(stdout, "Type a problem and press Enter. Start a line with '>' to reply in your last report's thread,")
	fmt.Fprintln(stdout, "with '!' to press one of carebot's buttons by its label (!Blocked, !Just me, !Skip),")
	fmt.Fprintf(stdout, "with '/' to run a slash command as specialist %s (try /ticket help, /oncall),\n", sandboxSpecialist)
	fmt.Fprintln(stdout, "or with '+' to move the clock ahead (+15m, +12h) and see what carebot does then. End with Ctrl-D.")

	var last slackfake.Message  // the nurse's last report
	var lastPost slackfake.Post // the bot's last post in its thread
	inThread := func(p slackfake.Post) bool { return p.Channel == last.Channel && p.ThreadTS == last.TS }
	in := bufio.NewScanner(stdin)
	in.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for in.Scan() {
		line := strings.TrimSpace(in.Text())
		switch {
		case line == "":
			continue
		case strings.HasPrefix(line, "+"):
			d, err := time.ParseDuration(strings.TrimSpace(line[1:]))
			if err != nil || d <= 0 {
				fmt.Fprintln(stdout, "(move the clock ahead with a duration, such as +15m or +12h)")
				continue
			}
			clk.Advance(d)
			fmt.Fprintf(stdout, "(it is now %s)\n", clk.Now().In(cfg.Location).Format("Mon 2 Jan 15:04 MST"))
			// Whatever falls due now (escalation pages, triage timeouts, shift
			// summaries) is posted within a few sweeps.
			show(ctx, stdout, feed, sandboxSettle, func(slackfake.Post) bool { return false })
		case strings.HasPrefix(line, "/"):
			command, text, _ := strings.Cut(line, " ")
			fake.SlashCommand(command, text, sandboxSpecialist, sandboxChannel)
			show(ctx, stdout, feed, sandboxReplyWait, func(p slackfake.Post) bool {
				return (p.AckReply || p.ResponseURL) && p.Channel == sandboxChannel
			})
		case strings.HasPrefix(line, ">"), strings.HasPrefix(line, "!"):
			if last.TS == "" {
				fmt.Fprintln(stdout, "(no report yet to reply to)")
				continue
			}
			if line[0] == '!' {
				if _, err := fake.Press(lastPost, strings.TrimSpace(line[1:]), sandboxNurse); err != nil {
					fmt.Fprintf(stdout, "(%v)\n", err)
					continue
				}
			} else {
				m := fake.ChannelMessage(last.Channel, sandboxNurse, strings.TrimSpace(line[1:]), last.TS)
				if p, ok := show(ctx, stdout, feed, 3*time.Second, inThread); ok {
					lastPost = p
				} else if reacted(fake, m) {
					fmt.Fprintln(stdout, "carebot: ✅ (added to the ticket)")
				}
				continue
			}
			if p, ok := show(ctx, stdout, feed, sandboxReplyWait, inThread); ok {
				lastPost = p
			}
		default:
			last = fake.DM(sandboxNurse, line)
			if p, ok := show(ctx, stdout, feed, sandboxReplyWait, inThread); ok {
				lastPost = p
			}
		}
		if ctx.Err() != nil {
			return nil
		}
	}
	return in.Err()
}

func waitConnected(ctx context.Context, b *bot.Bot) error {
	deadline := time.Now().Add(sandboxReplyWait)
	for !b.Connected() {
		if time.Now().After(deadline) {
			return errors.New("sandbox: the bot did not connect to the Slack stand-in")
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(10 * time.Millisecond):
		}
	}
	return nil
}

// show prints what the bot posts until a post matching done arrives, and
// returns that post; after wait it gives up.
func show(ctx context.Context, w io.Writer, feed <-chan slackfake.Post, wait time.Duration, done func(slackfake.Post) bool) (slackfake.Post, bool) {
	timeout := time.NewTimer(wait)
	defer timeout.Stop()
	for {
		select {
		case <-ctx.Done():
			return slackfake.Post{}, false
		case <-timeout.C:
			if wait >= sandboxReplyWait {
				fmt.Fprintf(w, "(no reply within %s)\n", wait)
			}
			return slackfake.Post{}, false
		case p := <-feed:
			printPost(w, p)
			if done(p) {
				return p, true
			}
		}
	}
}

func printPost(w io.Writer, p slackfake.Post) {
	text, _ := p.Current()
	where := ""
	switch {
	case p.AckReply || p.ResponseURL || p.Ephemeral:
		where = " (only you can see this)"
	case strings.HasPrefix(p.Channel, "D"):
	default:
		where = " in " + p.Channel
	}
	fmt.Fprintf(w, "carebot%s: %s\n", where, strings.ReplaceAll(strings.TrimSpace(text), "\n", "\n  "))
}

// reacted reports whether the bot has reacted to message m.
func reacted(fake *slackfake.Server, m slackfake.Message) bool {
	for _, r := range fake.Reactions() {
		if r.Channel == m.Channel && r.TS == m.TS {
			return true
		}
	}
	return false
}
