package main

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestTriageExplain(t *testing.T) {
	clearEnv(t)
	const text = "Pyxis on ICU won't open, pt SSN 219-09-9999 waiting on meds"
	for _, tc := range []struct {
		name  string
		stdin string
		args  []string
	}{
		{"argument", "", []string{"triage", "explain", text}},
		{"stdin", text, []string{"triage", "explain"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, _, err := runCmd(t, tc.stdin, tc.args...)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(out, "219-09-9999") {
				t.Fatalf("explain printed the SSN:\n%s", out)
			}
			var x explanation
			if err := json.Unmarshal([]byte(out), &x); err != nil {
				t.Fatalf("explain output is not JSON: %v\n%s", err, out)
			}
			if x.Category != "pharmacy" || x.Team != "apps" || x.Location != "ICU" || x.Priority == "" || len(x.Reasons) == 0 {
				t.Errorf("explanation = %+v", x)
			}
			if len(x.PHI) != 1 || x.PHI[0].Type != "SSN" || x.PHI[0].Count != 1 {
				t.Errorf("PHI = %+v, want one SSN", x.PHI)
			}
		})
	}
	out, _, err := runCmd(t, "", "triage", "explain", "printer jammed on 4 West")
	if err != nil {
		t.Fatal(err)
	}
	var x explanation
	if err := json.Unmarshal([]byte(out), &x); err != nil {
		t.Fatal(err)
	}
	if len(x.Questions) == 0 || x.Questions[0].Question != "care" || x.Questions[0].Answers["blocked"] == "" {
		t.Fatalf("questions = %+v; want the patient-care question with a priority per answer", x.Questions)
	}
	if p := x.Questions[0].Answers; p["blocked"] > p["not_affected"] {
		t.Errorf("blocked gives %s but not affected %s; blocked must be at least as urgent", p["blocked"], p["not_affected"])
	}
	if len(x.Scores) != 1 || x.Scores[0].Category != "printer" || x.Scores[0].Score <= 0 || len(x.Choices) != 0 {
		t.Errorf("scores %+v, choices %v; want the printer's score and no choice", x.Scores, x.Choices)
	}

	// Two services about equally likely: explain shows both scores, the
	// choice, and the priority each choice would give.
	out, _, err = runCmd(t, "", "triage", "explain", "cant scan meds, epic keeps freezing")
	if err != nil {
		t.Fatal(err)
	}
	x = explanation{}
	if err := json.Unmarshal([]byte(out), &x); err != nil {
		t.Fatal(err)
	}
	if len(x.Scores) != 2 || strings.Join(x.Choices, ",") != "scanner,ehr" {
		t.Fatalf("scores %+v, choices %v; want scanner and ehr offered", x.Scores, x.Choices)
	}
	if q := x.Questions[0]; q.Question != "category" || q.Answers["ehr"] == "" || q.Answers["ehr"] > q.Answers["scanner"] {
		t.Errorf("first question %+v; want the category, the EHR at least as urgent as the scanner", q)
	}
	if _, _, err := runCmd(t, "", "triage", "bogus"); err == nil || !strings.Contains(err.Error(), "usage") {
		t.Errorf("triage bogus = %v, want usage", err)
	}
}
