package triage

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"

	"carebot/ticket"
)

// corpusMessage is one labelled message of testdata/corpus/messages.jsonl.
type corpusMessage struct {
	Text        string `json:"text"`
	Category    string `json:"category"`
	Location    string `json:"location"`
	Device      string `json:"device"`
	MinPriority string `json:"min_priority"`
	CareBlocked bool   `json:"care_blocked"`
}

// corpusUnits are the units of DESIGN.md's example configuration.
var corpusUnits = []string{"4 West", "5 North", "ED", "ICU", "NICU", "OR", "PACU", "L&D", "Oncology"}

func loadCorpus(t *testing.T, path string) []corpusMessage {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var msgs []corpusMessage
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var m corpusMessage
		dec := json.NewDecoder(strings.NewReader(sc.Text()))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&m); err != nil {
			t.Fatalf("%s:%d: %v", path, line, err)
		}
		msgs = append(msgs, m)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return msgs
}

func parsePriority(t *testing.T, s string) ticket.Priority {
	t.Helper()
	for _, p := range []ticket.Priority{ticket.P1, ticket.P2, ticket.P3, ticket.P4} {
		if p.String() == s {
			return p
		}
	}
	t.Fatalf("bad priority %q", s)
	return 0
}

// corpusScore is how the parser did on one labelled file.
type corpusScore struct {
	n, category, location, device, priority, blocked, blockedOK, over int
	perCategory                                                       map[string]int
}

// scoreCorpus parses every message of a labelled file with the DESIGN's
// units, logs the accuracy table and every miss, and returns the counts.
func scoreCorpus(t *testing.T, path string) corpusScore {
	t.Helper()
	msgs := loadCorpus(t, path)
	opts := Options{Units: corpusUnits}
	sc := corpusScore{n: len(msgs), perCategory: map[string]int{}}
	var misses []string
	for _, m := range msgs {
		sc.perCategory[m.Category]++
		d := Parse(m.Text, opts)
		p := Prioritize(d, opts)
		want := parsePriority(t, m.MinPriority)
		var why []string
		if string(d.Category) == m.Category {
			sc.category++
		} else {
			why = append(why, fmt.Sprintf("category %s, want %s", d.Category, m.Category))
		}
		if d.Location == m.Location {
			sc.location++
		} else {
			why = append(why, fmt.Sprintf("location %q, want %q", d.Location, m.Location))
		}
		if d.Device == m.Device {
			sc.device++
		} else {
			why = append(why, fmt.Sprintf("device %q, want %q", d.Device, m.Device))
		}
		if p.Level <= want {
			sc.priority++
		} else {
			why = append(why, fmt.Sprintf("priority %s, want %s or higher (%s)", p.Level, want, strings.Join(p.Reasons, " · ")))
		}
		if p.Level <= want-2 {
			sc.over++ // two or more steps more urgent than needed: noted, not failed
		}
		if m.CareBlocked {
			sc.blocked++
			if p.Level <= want {
				sc.blockedOK++
			}
		}
		if len(why) > 0 {
			misses = append(misses, fmt.Sprintf("%q: %s", m.Text, strings.Join(why, "; ")))
		}
	}
	t.Logf("%s: %d messages", path, sc.n)
	t.Logf("  category   %5.1f%% (%d/%d)", pct(sc.category, sc.n), sc.category, sc.n)
	t.Logf("  location   %5.1f%% (%d/%d)", pct(sc.location, sc.n), sc.location, sc.n)
	t.Logf("  device     %5.1f%% (%d/%d)", pct(sc.device, sc.n), sc.device, sc.n)
	t.Logf("  priority   %5.1f%% (%d/%d) at or above min_priority", pct(sc.priority, sc.n), sc.priority, sc.n)
	t.Logf("  blocked    %5.1f%% (%d/%d) care-blocked messages at or above min_priority", pct(sc.blockedOK, sc.blocked), sc.blockedOK, sc.blocked)
	t.Logf("  over       %5.1f%% (%d/%d) two or more steps above min_priority", pct(sc.over, sc.n), sc.over, sc.n)
	for _, miss := range misses {
		t.Logf("  miss: %s", miss)
	}
	return sc
}

func pct(a, b int) float64 { return 100 * float64(a) / float64(max(b, 1)) }

// checkScore fails the test below the accuracy floors: category 90%,
// location 90%, device 95%, and every care-blocked message at or above its
// minimum priority.
func checkScore(t *testing.T, sc corpusScore) {
	t.Helper()
	if pct(sc.category, sc.n) < 90 {
		t.Errorf("category accuracy %.1f%%, want at least 90%%", pct(sc.category, sc.n))
	}
	if pct(sc.location, sc.n) < 90 {
		t.Errorf("location accuracy %.1f%%, want at least 90%%", pct(sc.location, sc.n))
	}
	if pct(sc.device, sc.n) < 95 {
		t.Errorf("device accuracy %.1f%%, want at least 95%%", pct(sc.device, sc.n))
	}
	if sc.blockedOK != sc.blocked {
		t.Errorf("%d of %d care-blocked messages below their minimum priority", sc.blocked-sc.blockedOK, sc.blocked)
	}
}

// TestCorpusAccuracy runs the labelled corpus (at least 220 messages, every
// built-in category at least 12 times) through Parse and Prioritize with no
// question answered. Location compares normalised strings exactly.
func TestCorpusAccuracy(t *testing.T) {
	t.Parallel()
	sc := scoreCorpus(t, "testdata/corpus/messages.jsonl")
	if sc.n < 220 {
		t.Errorf("corpus has %d messages, want at least 220", sc.n)
	}
	for _, c := range ticket.BuiltinCategories() {
		if sc.perCategory[string(c)] < 12 {
			t.Errorf("corpus has %d %s messages, want at least 12", sc.perCategory[string(c)], c)
		}
	}
	checkScore(t, sc)
}

// TestCorpusHoldout runs a second, smaller set written after the parser in
// other styles (greetings, sign-offs, Slack markup, longer reports), to see
// how the parser does on words it was not written around.
func TestCorpusHoldout(t *testing.T) {
	t.Parallel()
	checkScore(t, scoreCorpus(t, "testdata/corpus/holdout.jsonl"))
}
