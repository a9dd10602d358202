package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"carebot/config"
	"carebot/handlers"
	"carebot/triage"
)

// explanation is what `carebot triage explain` prints: what the parser makes
// of one message. It never holds a patient identifier: PHI lists only the
// kinds found, and Text is the redacted text.
type explanation struct {
	Text       string   `json:"text"`
	Category   string   `json:"category"`
	Categories []string `json:"categories"`
	// Scores are how strongly the text names each category, best first.
	Scores []triage.CategoryScore `json:"scores"`
	// Choices are the two categories the first question offers when their
	// scores are too close to guess between; empty when triage is sure.
	Choices   []string            `json:"choices"`
	Team      string              `json:"team"`
	Location  string              `json:"location"`
	Device    string              `json:"device"`
	Callback  string              `json:"callback"`
	System    string              `json:"system"`
	Signals   explainedSignals    `json:"signals"`
	PHI       []triage.PHIFinding `json:"phi"`
	SelfHelp  bool                `json:"selfhelp"`
	Priority  string              `json:"priority"`
	Reasons   []string            `json:"reasons"`
	Questions []explainedQuestion `json:"questions"`
}

type explainedSignals struct {
	Care   string   `json:"care"`
	Scope  string   `json:"scope"`
	Urgent []string `json:"urgent"`
}

// explainedQuestion is a question triage would still ask, and the priority
// each answer would give.
type explainedQuestion struct {
	Question string            `json:"question"`
	Answers  map[string]string `json:"answers"`
}

// triageExplain is `carebot triage explain "TEXT"`; with no text argument
// (or "-") it reads the message from stdin.
func triageExplain(args []string, stdin io.Reader, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "explain" {
		return errors.New(`usage: carebot triage explain "TEXT"   (or the text on stdin)`)
	}
	text := strings.Join(args[1:], " ")
	if text == "" || text == "-" {
		b, err := io.ReadAll(io.LimitReader(stdin, 1<<20))
		if err != nil {
			return fmt.Errorf("read stdin: %w", err)
		}
		text = string(b)
	}
	e, err := readEnv(false)
	if err != nil {
		return err
	}
	cfg, _, err := loadConfig(e.Config)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(explain(text, cfg))
}

// explain runs triage on text the way the intake handler does.
func explain(text string, cfg *config.Config) explanation {
	opts := handlers.TriageOptions(cfg)
	redacted := handlers.ReportText(text, cfg.PHI.Patterns)
	phi := triage.Found(redacted, cfg.PHI.Patterns)
	d := triage.Parse(redacted, opts)
	p := triage.Prioritize(d, opts)
	x := explanation{
		Text: d.Text, Category: string(d.Category), Location: d.Location, Device: d.Device,
		Callback: d.Callback, System: d.System, PHI: phi, Priority: p.Level.String(), Reasons: p.Reasons,
		Signals:    explainedSignals{Care: string(d.Signals.Care), Scope: string(d.Signals.Scope), Urgent: d.Signals.Urgent},
		Categories: []string{}, Questions: []explainedQuestion{}, Scores: d.Scores, Choices: []string{},
	}
	if x.Scores == nil {
		x.Scores = []triage.CategoryScore{}
	}
	for _, c := range d.Choices() {
		x.Choices = append(x.Choices, string(c))
	}
	if x.PHI == nil {
		x.PHI = []triage.PHIFinding{}
	}
	if x.Signals.Urgent == nil {
		x.Signals.Urgent = []string{}
	}
	for _, c := range d.Categories {
		x.Categories = append(x.Categories, string(c))
	}
	if t := cfg.TeamFor(d.Category); t != nil {
		x.Team = t.ID
	}
	_, x.SelfHelp = triage.MatchSelfHelp(d, opts)
	for _, q := range triage.Questions(d, opts) {
		eq := explainedQuestion{Question: string(q), Answers: map[string]string{}}
		for _, v := range answersOf(q, x.Choices) {
			key := v
			if key == "" {
				key = "skip"
			}
			eq.Answers[key] = triage.Prioritize(d.With(q, v), opts).Level.String()
		}
		x.Questions = append(x.Questions, eq)
	}
	return x
}

// answersOf lists the answers whose priority explain shows: every button
// for category, care and scope; for free-text questions, an example answer.
func answersOf(q triage.Question, choices []string) []string {
	switch q {
	case triage.AskCategory:
		return choices
	case triage.AskCare:
		return []string{string(triage.CareBlocked), string(triage.CareSlowed), string(triage.CareNone)}
	case triage.AskScope:
		return []string{string(triage.ScopeOne), string(triage.ScopeUnit), string(triage.ScopeSite)}
	case triage.AskDevice:
		return []string{""}
	}
	return []string{"4 West, room 412"}
}
