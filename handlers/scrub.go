package handlers

import (
	"encoding/json"
	"fmt"
	"regexp"

	"carebot/bot"
	"carebot/triage"
)

// Scrub removes patient identifiers from an Events API payload before the
// bot stores it in the inbox, so they never reach Redis (nor its
// append-only file). The inner event's text is redacted; its blocks,
// attachments and files, which repeat or add to the text and which carebot
// does not read, are dropped. The redaction markers stay in the text, and
// the intake handler counts them to remind the requester.
func (h *Handlers) Scrub(payload []byte) ([]byte, error) {
	var outer map[string]json.RawMessage
	if err := json.Unmarshal(payload, &outer); err != nil {
		return nil, fmt.Errorf("scrub: %w", err)
	}
	raw, ok := outer["event"]
	if !ok {
		return payload, nil
	}
	var inner map[string]json.RawMessage
	if err := json.Unmarshal(raw, &inner); err != nil {
		return nil, fmt.Errorf("scrub event: %w", err)
	}
	for _, k := range []string{"blocks", "attachments", "files", "message", "previous_message", "root"} {
		delete(inner, k)
	}
	if rawText, ok := inner["text"]; ok {
		var text string
		if err := json.Unmarshal(rawText, &text); err != nil {
			return nil, fmt.Errorf("scrub text: %w", err)
		}
		b, err := json.Marshal(ReportText(text, h.cfg.PHI.Patterns))
		if err != nil {
			return nil, fmt.Errorf("scrub text: %w", err)
		}
		inner["text"] = b
	}
	b, err := json.Marshal(inner)
	if err != nil {
		return nil, fmt.Errorf("scrub event: %w", err)
	}
	outer["event"] = b
	return json.Marshal(outer)
}

// Guard is the outbound guard's check (bot.GuardTransport): the same
// redaction as reports get, with the configured patterns, over every text
// carebot sends. Text that was redacted before passes unchanged.
func Guard(patterns map[string]*regexp.Regexp) bot.Guard {
	return func(text string) (string, int) {
		out, found := triage.Redact(text, patterns)
		n := 0
		for _, f := range found {
			n += f.Count
		}
		return out, n
	}
}
