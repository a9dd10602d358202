package main

import (
	"fmt"
	"io"
	"runtime/debug"
)

func printVersion(w io.Writer) error {
	fmt.Fprintf(w, "carebot %s\n", version)
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return nil
	}
	fmt.Fprintf(w, "go: %s\n", info.GoVersion)
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision", "vcs.time", "vcs.modified", "GOOS", "GOARCH":
			fmt.Fprintf(w, "%s: %s\n", s.Key, s.Value)
		}
	}
	for _, d := range info.Deps {
		if d.Path == "github.com/slack-go/slack" || d.Path == "github.com/redis/go-redis/v9" {
			fmt.Fprintf(w, "%s: %s\n", d.Path, d.Version)
		}
	}
	return nil
}
