package handlers_test

import (
	"context"
	"os"
	"slices"
	"testing"

	"github.com/slack-go/slack"
	"go.yaml.in/yaml/v3"

	"carebot/bot"
)

// noSlack satisfies handlers.Slack for tests that post nothing.
type noSlack struct{}

func (noSlack) PostMessage(context.Context, string, ...slack.MsgOption) (string, error) {
	return "", nil
}
func (noSlack) AddReaction(context.Context, string, string, string) error               { return nil }
func (noSlack) PublishHome(context.Context, string, slack.HomeTabViewRequest) error     { return nil }
func (noSlack) PostEphemeral(context.Context, string, string, ...slack.MsgOption) error { return nil }
func (noSlack) ThreadReplies(context.Context, string, string) ([]slack.Message, error) {
	return nil, nil
}
func (noSlack) UpdateMessage(context.Context, string, string, ...slack.MsgOption) error { return nil }
func (noSlack) OpenDM(context.Context, string) (string, error)                          { return "", nil }
func (noSlack) Permalink(context.Context, string, string) (string, error)               { return "", nil }
func (noSlack) UserGroupMembers(context.Context, string) ([]string, error)              { return nil, nil }

// The app manifest is the single source of the events and commands Slack
// sends; every one must have a handler, and every handler a subscription.
func TestManifestAndRoutesMatch(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("../deploy/slack-app-manifest.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var manifest struct {
		Features struct {
			SlashCommands []struct {
				Command string `yaml:"command"`
			} `yaml:"slash_commands"`
		} `yaml:"features"`
		Settings struct {
			EventSubscriptions struct {
				BotEvents []string `yaml:"bot_events"`
			} `yaml:"event_subscriptions"`
			SocketMode bool `yaml:"socket_mode_enabled"`
		} `yaml:"settings"`
	}
	if err := yaml.Unmarshal(raw, &manifest); err != nil {
		t.Fatal(err)
	}
	if !manifest.Settings.SocketMode {
		t.Error("the manifest does not enable Socket Mode")
	}
	var commands []string
	for _, c := range manifest.Features.SlashCommands {
		commands = append(commands, c.Command)
	}
	slices.Sort(commands)
	events := slices.Sorted(slices.Values(manifest.Settings.EventSubscriptions.BotEvents))

	h := newHandlers(t)
	routes := bot.NewRoutes()
	h.Register(routes)
	if err := routes.Err(); err != nil {
		t.Fatal(err)
	}
	if got := routes.Events(); !slices.Equal(got, events) {
		t.Errorf("routed events %v, manifest subscribes to %v", got, events)
	}
	if got := routes.Commands(); !slices.Equal(got, commands) {
		t.Errorf("routed commands %v, manifest declares %v", got, commands)
	}
}
