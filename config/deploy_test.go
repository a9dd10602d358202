package config

import "testing"

// The example that deploy/ ships must always be a valid configuration.
func TestDeployExampleIsValid(t *testing.T) {
	t.Parallel()
	if _, err := Load("../deploy/carebot.example.yaml"); err != nil {
		t.Fatalf("deploy/carebot.example.yaml: %v", err)
	}
}
