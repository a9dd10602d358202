package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/kelseyhightower/envconfig"
	"github.com/sirupsen/logrus"

	"carebot/config"
	"carebot/store"
)

// env is carebot's environment. The desc tags are the table `carebot --help`
// prints.
type env struct {
	SlackAppToken      string   `envconfig:"SLACK_APP_TOKEN" desc:"app-level token (xapp-…, scope connections:write); required for run"`
	SlackBotToken      string   `envconfig:"SLACK_BOT_TOKEN" desc:"bot token (xoxb-…); required for run"`
	SlackAPIURL        string   `envconfig:"SLACK_API_URL" default:"https://slack.com/api/" desc:"Slack Web API base URL (egress proxies, tests)"`
	RedisURL           string   `envconfig:"REDIS_URL" desc:"redis://, rediss:// or unix://; empty means an embedded in-memory Redis that loses everything on restart"`
	RedisSentinelAddrs []string `envconfig:"REDIS_SENTINEL_ADDRS" desc:"host:port,… of Redis Sentinels, instead of REDIS_URL's host"`
	RedisMasterName    string   `envconfig:"REDIS_MASTER_NAME" desc:"Sentinel master name"`
	RedisClusterAddrs  []string `envconfig:"REDIS_CLUSTER_ADDRS" desc:"host:port,… of Redis Cluster nodes, instead of REDIS_URL's host"`
	Config             string   `envconfig:"CAREBOT_CONFIG" desc:"path of the YAML configuration (default carebot.yaml if present, else built-in defaults)"`
	HTTPAddr           string   `envconfig:"CAREBOT_HTTP_ADDR" default:":8080" desc:"address of /healthz, /readyz and /metrics"`
	LogLevel           string   `envconfig:"LOG_LEVEL" default:"info" desc:"debug, info, warn or error"`
	LogFormat          string   `envconfig:"LOG_FORMAT" default:"json" desc:"json or text"`
}

// readEnv reads and checks the environment. Tokens are checked only when
// needTokens is set (run); their values never appear in an error.
func readEnv(needTokens bool) (env, error) {
	var e env
	if err := envconfig.Process("", &e); err != nil {
		return e, fmt.Errorf("environment: %w", err)
	}
	var errs []error
	if needTokens || e.SlackAppToken != "" {
		if !strings.HasPrefix(e.SlackAppToken, "xapp-") {
			errs = append(errs, errors.New("SLACK_APP_TOKEN: set it to the app-level token, which starts with xapp- (Basic Information → App-Level Tokens, scope connections:write)"))
		}
	}
	if needTokens || e.SlackBotToken != "" {
		if !strings.HasPrefix(e.SlackBotToken, "xoxb-") {
			errs = append(errs, errors.New("SLACK_BOT_TOKEN: set it to the bot token, which starts with xoxb- (OAuth & Permissions → Bot User OAuth Token)"))
		}
	}
	if !strings.HasPrefix(e.SlackAPIURL, "http://") && !strings.HasPrefix(e.SlackAPIURL, "https://") {
		errs = append(errs, errors.New("SLACK_API_URL: must be an http:// or https:// URL"))
	} else if !strings.HasSuffix(e.SlackAPIURL, "/") {
		e.SlackAPIURL += "/"
	}
	if _, err := logrus.ParseLevel(e.LogLevel); err != nil {
		errs = append(errs, fmt.Errorf("LOG_LEVEL: %q is not one of debug, info, warn, error", e.LogLevel))
	}
	if e.LogFormat != "json" && e.LogFormat != "text" {
		errs = append(errs, fmt.Errorf("LOG_FORMAT: %q is not json or text", e.LogFormat))
	}
	return e, errors.Join(errs...)
}

func (e env) redis() store.Connection {
	return store.Connection{URL: e.RedisURL, SentinelAddrs: e.RedisSentinelAddrs, MasterName: e.RedisMasterName, ClusterAddrs: e.RedisClusterAddrs}
}

// logger builds the one logger of the process.
func (e env) logger(w io.Writer) *logrus.Logger {
	log := logrus.New()
	log.SetOutput(w)
	if lvl, err := logrus.ParseLevel(e.LogLevel); err == nil {
		log.SetLevel(lvl)
	}
	if e.LogFormat == "text" {
		log.SetFormatter(&logrus.TextFormatter{FullTimestamp: true})
	} else {
		log.SetFormatter(&logrus.JSONFormatter{})
	}
	return log
}

// loadConfig reads CAREBOT_CONFIG, else ./carebot.yaml if present, else the
// built-in defaults. It returns where the configuration came from.
func loadConfig(path string) (*config.Config, string, error) {
	if path == "" {
		if _, err := os.Stat("carebot.yaml"); err != nil {
			return config.Default(), "built-in defaults", nil
		}
		path = "carebot.yaml"
	}
	cfg, err := config.Load(path)
	if err != nil {
		return nil, "", err
	}
	return cfg, path, nil
}

// printEnvUsage writes the environment table.
func printEnvUsage(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	format := "{{range .}}  {{usage_key .}}\t{{usage_default .}}\t{{usage_description .}}\n{{end}}"
	if err := envconfig.Usagef("", &env{}, tw, format); err != nil {
		return err
	}
	return tw.Flush()
}
