package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"carebot/config"
)

func runCmd(t *testing.T, stdin string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errOut bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	err = run(ctx, args, strings.NewReader(stdin), &out, &errOut)
	return out.String(), errOut.String(), err
}

// clearEnv empties every variable carebot reads, for the test's duration.
func clearEnv(t *testing.T) {
	for _, v := range []string{"SLACK_APP_TOKEN", "SLACK_BOT_TOKEN", "SLACK_API_URL", "REDIS_URL", "REDIS_SENTINEL_ADDRS",
		"REDIS_MASTER_NAME", "REDIS_CLUSTER_ADDRS", "CAREBOT_CONFIG", "CAREBOT_HTTP_ADDR", "LOG_LEVEL", "LOG_FORMAT"} {
		t.Setenv(v, "")
		os.Unsetenv(v)
	}
}

func TestHelpListsCommandsAndEnvironment(t *testing.T) {
	clearEnv(t)
	out, _, err := runCmd(t, "", "--help")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"run", "sandbox", "config check", "version",
		"SLACK_APP_TOKEN", "SLACK_BOT_TOKEN", "SLACK_API_URL", "REDIS_URL", "REDIS_SENTINEL_ADDRS", "REDIS_MASTER_NAME",
		"REDIS_CLUSTER_ADDRS", "CAREBOT_CONFIG", "CAREBOT_HTTP_ADDR", "LOG_LEVEL", "LOG_FORMAT", ":8080"} {
		if !strings.Contains(out, want) {
			t.Errorf("--help lacks %q:\n%s", want, out)
		}
	}
}

func TestRunRefusesMissingOrMalformedTokens(t *testing.T) {
	tests := []struct {
		name, app, bot string
		want           []string
		notWant        string
	}{
		{"both missing", "", "", []string{"SLACK_APP_TOKEN", "SLACK_BOT_TOKEN"}, ""},
		{"swapped", "xoxb-secret-1", "xapp-secret-2", []string{"SLACK_APP_TOKEN", "SLACK_BOT_TOKEN"}, "secret"},
		{"bot token malformed", "xapp-1-a", "bogus-secret", []string{"SLACK_BOT_TOKEN"}, "secret"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clearEnv(t)
			t.Setenv("SLACK_APP_TOKEN", tt.app)
			t.Setenv("SLACK_BOT_TOKEN", tt.bot)
			_, _, err := runCmd(t, "", "run")
			if err == nil {
				t.Fatal("run started with bad tokens")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not name %s", err, w)
				}
			}
			if tt.notWant != "" && strings.Contains(err.Error(), tt.notWant) {
				t.Errorf("error %q quotes a token", err)
			}
		})
	}
}

func TestRunRefusesBadLogSettings(t *testing.T) {
	clearEnv(t)
	t.Setenv("LOG_LEVEL", "loud")
	t.Setenv("LOG_FORMAT", "xml")
	_, _, err := runCmd(t, "", "config", "check")
	if err == nil || !strings.Contains(err.Error(), "LOG_LEVEL") || !strings.Contains(err.Error(), "LOG_FORMAT") {
		t.Fatalf("error = %v, want one naming LOG_LEVEL and LOG_FORMAT", err)
	}
}

func TestConfigCheckShowsOnCall(t *testing.T) {
	clearEnv(t)
	out, _, err := runCmd(t, "", "config", "check")
	if err != nil {
		t.Fatal(err)
	}
	cfg := config.Default()
	now := time.Now()
	for _, team := range cfg.Teams {
		if want := "on call: " + team.OnCall(now).Member; !strings.Contains(out, want) {
			t.Errorf("config check lacks %q for team %s:\n%s", want, team.ID, out)
		}
	}
	for _, want := range []string{"built-in defaults (valid)", "next shift boundaries", "Day starts", "Night starts"} {
		if !strings.Contains(out, want) {
			t.Errorf("config check lacks %q:\n%s", want, out)
		}
	}
}

func TestConfigCheckRejectsBadFile(t *testing.T) {
	clearEnv(t)
	path := filepath.Join(t.TempDir(), "carebot.yaml")
	if err := os.WriteFile(path, []byte("ticket_prefix: IT\nteams:\n  - id: desk\n    colour: blue\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("CAREBOT_CONFIG", path)
	_, _, err := runCmd(t, "", "config", "check")
	if err == nil || !strings.Contains(err.Error(), "colour") || !strings.Contains(err.Error(), "carebot.yaml:4:") {
		t.Fatalf("error = %v, want one naming the unknown key and its line", err)
	}
}

func TestUnknownCommand(t *testing.T) {
	clearEnv(t)
	_, stderr, err := runCmd(t, "", "frobnicate")
	if err == nil || !strings.Contains(err.Error(), "frobnicate") || !strings.Contains(stderr, "Commands:") {
		t.Fatalf("err = %v, stderr = %q", err, stderr)
	}
}

func TestVersion(t *testing.T) {
	clearEnv(t)
	out, _, err := runCmd(t, "", "version")
	if err != nil || !strings.HasPrefix(out, "carebot ") {
		t.Fatalf("version = %q, %v", out, err)
	}
}

func TestSandboxAnswersPipedReportWithTicketID(t *testing.T) {
	clearEnv(t)
	out, _, err := runCmd(t, "printer on 4 West is jammed\n/ticket show 1\n", "sandbox")
	if err != nil {
		t.Fatal(err)
	}
	if !ticketIDPattern.MatchString(out) || !strings.Contains(out, "Got it: this is *IT-1*") {
		t.Fatalf("sandbox output has no ticket ID:\n%s", out)
	}
	if !strings.Contains(out, "printer on 4 West is jammed") {
		t.Errorf("/ticket show did not answer in the sandbox:\n%s", out)
	}
}
