// Command carebot is a Slack app for hospital IT support. `carebot --help`
// lists its subcommands and environment.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	_ "time/tzdata"

	"github.com/redis/go-redis/v9"

	"carebot/clock" // shift and rotation times must not depend on the host's zoneinfo
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "carebot:", err)
		os.Exit(1)
	}
}

// run is carebot with its process surroundings passed in, so tests can call it.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	cmd := "run"
	if len(args) > 0 {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "run":
		return runBot(ctx, stderr)
	case "sandbox":
		return runSandbox(ctx, stdin, stdout, stderr)
	case "triage":
		return triageExplain(args, stdin, stdout)
	case "config":
		if len(args) == 1 && args[0] == "check" {
			return configCheck(ctx, stdout)
		}
		return fmt.Errorf("usage: carebot config check")
	case "summary":
		return summaryCmd(ctx, args, stdout, stderr)
	case "export":
		return exportCmd(ctx, args, stdout, stderr)
	case "version", "--version":
		return printVersion(stdout)
	case "help", "--help", "-h":
		return printHelp(stdout)
	}
	_ = printHelp(stderr)
	return fmt.Errorf("unknown command %q", cmd)
}

func printHelp(w io.Writer) error {
	fmt.Fprint(w, `carebot turns staff messages in Slack into IT tickets.

Usage: carebot [command]

Commands:
  run            connect to Slack and Redis and serve (the default)
  sandbox        try carebot with no Slack workspace and no Redis: type as a nurse
  config check   validate the configuration and environment; show who is on call
  triage explain "TEXT"
                 print as JSON what triage makes of one message (or of stdin)
  summary [--shift NAME] [--date YYYY-MM-DD] [--post]
                 print (or post) the handoff summary of a shift (summary -h)
  export --since DURATION|DATE [--until …] [--format csv|json] [--team T0123]
                 write tickets with their events, for the service log (export -h)
  version        print version and build information
  help           this help

Environment:
`)
	return printEnvUsage(w)
}

// runBot is `carebot run`.
func runBot(ctx context.Context, stderr io.Writer) error {
	e, err := readEnv(true)
	if err != nil {
		return err
	}
	logger := e.logger(stderr)
	redis.SetLogger(redisLog{logger}) // go-redis has only a process-wide logger
	cfg, source, err := loadConfig(e.Config)
	if err != nil {
		return err
	}
	logger.WithField("config", source).Info("starting carebot " + version)
	a, err := build(ctx, e, cfg, logger, clock.Real{}, options{})
	if err != nil {
		return err
	}
	err = a.serve(ctx)
	logger.Info("carebot stopped")
	return err
}
