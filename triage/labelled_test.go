package triage

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"carebot/ticket"
)

// labelled is one line of the combined sets (testdata/dev, testdata/holdout):
// a message with its triage labels and the patient identifiers in it.
type labelled struct {
	Text        string `json:"text"`
	Voice       string `json:"voice"`
	Category    string `json:"category"`
	Unit        string `json:"unit"`
	Device      string `json:"device"`
	MinPriority string `json:"min_priority"`
	CareBlocked bool   `json:"care_blocked"`
	PHI         []struct {
		Type  string `json:"type"`
		Value string `json:"value"`
	} `json:"phi"`
}

func loadLabelled(t *testing.T, pattern string) []labelled {
	t.Helper()
	files, err := filepath.Glob(pattern)
	if err != nil || len(files) == 0 {
		t.Fatalf("no files match %s", pattern)
	}
	var out []labelled
	for _, path := range files {
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(nil, 1<<20)
		for line := 1; sc.Scan(); line++ {
			if strings.TrimSpace(sc.Text()) == "" {
				continue
			}
			var m labelled
			dec := json.NewDecoder(strings.NewReader(sc.Text()))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&m); err != nil {
				t.Fatalf("%s:%d: %v", path, line, err)
			}
			for _, p := range m.PHI {
				if !strings.Contains(m.Text, p.Value) {
					t.Fatalf("%s:%d: %s %q is not in the text", path, line, p.Type, p.Value)
				}
			}
			out = append(out, m)
		}
		f.Close()
		if err := sc.Err(); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// setScore is how triage did on one labelled set.
type setScore struct {
	n, category, offered, asked, units, unitFound, devices, deviceFound, deviceWrong int
	floor, access, accessOK                                                          int
	catN, catOK                                                                      map[string]int
	phiN, phiOK                                                                      map[string]int
	leaked, decoys, alarms                                                           int
	misses                                                                           []string
}

// phiSame reports whether a finding of type got accounts for a labelled
// identifier of type want: account numbers are redacted as record numbers.
func phiSame(want, got string) bool {
	return want == got || want == "ACCOUNT" && got == "MRN"
}

// scoreLabelled runs every message through redaction, Parse and Prioritize
// the way the intake handler does, and scores the result.
func scoreLabelled(t *testing.T, msgs []labelled) setScore {
	t.Helper()
	opts := Options{Units: corpusUnits}
	sc := setScore{catN: map[string]int{}, catOK: map[string]int{}, phiN: map[string]int{}, phiOK: map[string]int{}}
	for _, m := range msgs {
		sc.n++
		redacted, findings := Redact(Clean(m.Text), nil)
		d := Parse(redacted, opts)
		p := Prioritize(d, opts)
		var why []string
		sc.catN[m.Category]++
		choices := d.Choices()
		if choices != nil {
			sc.asked++
		}
		if string(d.Category) == m.Category || slices.Contains(choices, ticket.Category(m.Category)) {
			sc.offered++
		}
		if string(d.Category) == m.Category {
			sc.category++
			sc.catOK[m.Category]++
		} else {
			why = append(why, fmt.Sprintf("category %s, want %s", d.Category, m.Category))
		}
		if m.Unit != "" {
			sc.units++
			if strings.Contains(strings.ToLower(d.Location), strings.ToLower(m.Unit)) {
				sc.unitFound++
			} else {
				why = append(why, fmt.Sprintf("location %q, want unit %q", d.Location, m.Unit))
			}
		}
		switch {
		case m.Device != "":
			sc.devices++
			if strings.EqualFold(d.Device, m.Device) {
				sc.deviceFound++
			} else {
				why = append(why, fmt.Sprintf("device %q, want %q", d.Device, m.Device))
			}
		case d.Device != "":
			sc.deviceWrong++
			why = append(why, fmt.Sprintf("device %q, want none", d.Device))
		}
		if p.Level <= parsePriority(t, m.MinPriority) {
			sc.floor++
		} else {
			why = append(why, fmt.Sprintf("priority %s, want %s or higher (%s)", p.Level, m.MinPriority, strings.Join(p.Reasons, " · ")))
		}
		if m.Category == "access" {
			sc.access++
			if p.Level >= parsePriority(t, "P3") {
				sc.accessOK++
			}
		}
		leaked := false
		for _, id := range m.PHI {
			sc.phiN[id.Type]++
			if strings.Contains(redacted, id.Value) {
				leaked = true
				why = append(why, fmt.Sprintf("%s %q kept", id.Type, id.Value))
				continue
			}
			if slices.ContainsFunc(findings, func(f PHIFinding) bool { return phiSame(id.Type, f.Type) }) {
				sc.phiOK[id.Type]++
			}
		}
		if leaked {
			sc.leaked++
		}
		if len(m.PHI) == 0 {
			sc.decoys++
			if len(findings) > 0 {
				sc.alarms++
				why = append(why, fmt.Sprintf("false alarm: %s", redacted))
			}
		}
		if len(why) > 0 {
			sc.misses = append(sc.misses, fmt.Sprintf("%q: %s", m.Text, strings.Join(why, "; ")))
		}
	}
	return sc
}

// report logs the figures of a scored set.
func (sc setScore) report(t *testing.T, name string) {
	t.Helper()
	t.Logf("%s: %d messages", name, sc.n)
	t.Logf("  category        %.3f (%d/%d)", ratio(sc.category, sc.n), sc.category, sc.n)
	for _, c := range slices.Sorted(func(yield func(string) bool) {
		for c := range sc.catN {
			if !yield(c) {
				return
			}
		}
	}) {
		t.Logf("    %-12s  %.3f (%d/%d)", c, ratio(sc.catOK[c], sc.catN[c]), sc.catOK[c], sc.catN[c])
	}
	t.Logf("  category or offered as a choice %.3f (%d/%d; asked in %d)", ratio(sc.offered, sc.n), sc.offered, sc.n, sc.asked)
	t.Logf("  unit found      %.3f (%d/%d)", ratio(sc.unitFound, sc.units), sc.unitFound, sc.units)
	t.Logf("  device found    %.3f (%d/%d), %d devices where none was named", ratio(sc.deviceFound, sc.devices), sc.deviceFound, sc.devices, sc.deviceWrong)
	t.Logf("  priority floor  %.3f (%d/%d)", ratio(sc.floor, sc.n), sc.floor, sc.n)
	t.Logf("  access <= P3    %d/%d", sc.accessOK, sc.access)
	n, ok := 0, 0
	for _, typ := range slices.Sorted(func(yield func(string) bool) {
		for c := range sc.phiN {
			if !yield(c) {
				return
			}
		}
	}) {
		n += sc.phiN[typ]
		ok += sc.phiOK[typ]
		t.Logf("  %-8s recall %.3f (%d/%d)", typ, ratio(sc.phiOK[typ], sc.phiN[typ]), sc.phiOK[typ], sc.phiN[typ])
	}
	t.Logf("  identifiers     %.3f (%d/%d)", ratio(ok, n), ok, n)
	t.Logf("  kept verbatim   %d messages", sc.leaked)
	t.Logf("  false alarms    %.3f (%d of %d messages without identifiers)", ratio(sc.alarms, sc.decoys), sc.alarms, sc.decoys)
}

// TestDevSet scores the development set, the one the detectors are tuned
// on, and logs every miss.
func TestDevSet(t *testing.T) {
	t.Parallel()
	sc := scoreLabelled(t, loadLabelled(t, "testdata/dev/*.jsonl"))
	sc.report(t, "dev")
	for _, m := range sc.misses {
		t.Logf("  miss: %s", m)
	}
	sc.floors(t, floors{category: 0.92, unit: 0.95, device: 0.98, priority: 0.95, identifiers: 0.96, names: 0.96, alarms: 0.015, kept: 18, accessAbove: 9})
}

// floors are the least a set must score; they stop a change from losing
// ground unnoticed.
type floors struct {
	category, unit, device, priority, identifiers, names, alarms float64
	kept, accessAbove                                            int // messages kept verbatim; access requests above P3
}

func (sc setScore) floors(t *testing.T, f floors) {
	t.Helper()
	n, ok := 0, 0
	for typ := range sc.phiN {
		n += sc.phiN[typ]
		ok += sc.phiOK[typ]
	}
	check := func(what string, got, want float64) {
		if got < want {
			t.Errorf("%s %.3f, want at least %.2f", what, got, want)
		}
	}
	check("category", ratio(sc.category, sc.n), f.category)
	check("unit found", ratio(sc.unitFound, sc.units), f.unit)
	check("device found", ratio(sc.deviceFound, sc.devices), f.device)
	check("priority floor", ratio(sc.floor, sc.n), f.priority)
	check("identifiers", ratio(ok, n), f.identifiers)
	check("names", ratio(sc.phiOK["NAME"], sc.phiN["NAME"]), f.names)
	if r := ratio(sc.alarms, sc.decoys); r > f.alarms {
		t.Errorf("false alarms %.3f, want at most %.2f", r, f.alarms)
	}
	if sc.leaked > f.kept {
		t.Errorf("%d messages kept an identifier verbatim, want at most %d", sc.leaked, f.kept)
	}
	if sc.access-sc.accessOK > f.accessAbove {
		t.Errorf("%d of %d access requests above P3, want at most %d", sc.access-sc.accessOK, sc.access, f.accessAbove)
	}
}

// TestHoldoutSet scores the frozen holdouts: written before the detectors
// were changed, in voices the other sets lack, and never tuned on. It logs
// figures only, never the messages it gets wrong, so that nobody tunes on
// them by accident.
func TestHoldoutSet(t *testing.T) {
	t.Parallel()
	// Regression floors a little under the figures measured when the
	// detectors were last changed (README.md beside each set); the targets
	// are higher. Access requests are scored by their detected category,
	// so one read as a system fault can still come out above P3.
	for _, set := range []struct {
		dir string
		min floors
	}{
		{"holdout", floors{category: 0.85, unit: 0.89, device: 0.92, priority: 0.94, identifiers: 0.89, names: 0.87, alarms: 0.08, kept: 21, accessAbove: 6}},
		{"holdout2", floors{category: 0.91, unit: 0.90, device: 0.96, priority: 0.92, identifiers: 0.96, names: 0.96, alarms: 0.04, kept: 6, accessAbove: 4}},
	} {
		t.Run(set.dir, func(t *testing.T) {
			t.Parallel()
			sc := scoreLabelled(t, loadLabelled(t, "testdata/"+set.dir+"/*.jsonl"))
			sc.report(t, set.dir)
			if sc.n < 300 {
				t.Errorf("%s has %d messages, want at least 300", set.dir, sc.n)
			}
			sc.floors(t, set.min)
		})
	}
}
