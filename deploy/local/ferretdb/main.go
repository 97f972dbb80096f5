// Command ferretdb-launcher runs FerretDB 1.x on its SQLite backend, bound to
// 127.0.0.1 only. It exists because `go install` of FerretDB's own command
// panics at start (its version file is not part of the module).
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	port := flag.Int("port", 27017, "TCP port to listen on (127.0.0.1 only)")
	dataDir := flag.String("data", "", "directory for the SQLite files (created if missing)")
	logLevel := flag.String("log-level", "info", "FerretDB log level: debug, info, warn or error (written to stderr)")
	flag.Parse()

	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		fmt.Fprintf(os.Stderr, "ferretdb-launcher: bad -log-level: %v\n", err)
		os.Exit(2)
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	if *dataDir == "" {
		fmt.Fprintln(os.Stderr, "ferretdb-launcher: -data is required")
		os.Exit(2)
	}
	abs, err := filepath.Abs(*dataDir)
	if err != nil {
		fmt.Fprintf(os.Stderr, "ferretdb-launcher: bad -data: %v\n", err)
		os.Exit(2)
	}
	if err := os.MkdirAll(abs, 0o700); err != nil {
		fmt.Fprintf(os.Stderr, "ferretdb-launcher: cannot create %s: %v\n", abs, err)
		os.Exit(1)
	}
	// FerretDB wants a file: URL naming a directory that ends with a slash.
	sqliteURL := "file:" + strings.TrimSuffix(abs, "/") + "/"

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: fmt.Sprintf("127.0.0.1:%d", *port)},
		Logger:    logger,
		Handler:   "sqlite",
		SQLiteURL: sqliteURL,
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "ferretdb-launcher: start failed: %v\n", err)
		os.Exit(1)
	}
	// The listener is bound once New returns: this line is the readiness signal.
	fmt.Printf("ferretdb-launcher: listening %s\n", f.MongoDBURI())

	if err := f.Run(ctx); err != nil && ctx.Err() == nil {
		fmt.Fprintf(os.Stderr, "ferretdb-launcher: stopped with error: %v\n", err)
		os.Exit(1)
	}
	fmt.Println("ferretdb-launcher: stopped")
}
