package config

import (
	"strings"
	"testing"
	"time"
)

func TestTriageTimeout(t *testing.T) {
	t.Parallel()
	c, err := Parse([]byte("triage_timeout: 3m\n"))
	if err != nil || c.TriageTimeout != 3*time.Minute {
		t.Fatalf("Parse = %v, %v; want 3m", c, err)
	}
	for _, bad := range []string{"0s", "30s", "48h", "soon"} {
		if _, err := Parse([]byte("triage_timeout: " + bad + "\n")); err == nil || !strings.Contains(err.Error(), "triage_timeout") {
			t.Errorf("triage_timeout %s: error %v, want one naming the key", bad, err)
		}
	}
}
