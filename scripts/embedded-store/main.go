// Command embedded-store runs FerretDB 1.24 in-process: a MongoDB-wire server backed by
// SQLite files in a data directory (or by PostgreSQL with --handler postgresql).
//
// The connector starts it when MONGODB_URI is unset. It prints one JSON line on stdout once
// it listens: {"uri":"mongodb://127.0.0.1:PORT/","handler":"sqlite","pid":N}.
//
// With --exit-on-stdin-close the process exits as soon as its standard input reaches EOF.
// The parent keeps a pipe open to it, so the store never outlives the connector, even when
// the connector is killed with SIGKILL and cannot stop it itself.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	host := flag.String("host", "127.0.0.1", "address to listen on")
	port := flag.Int("port", 0, "port to listen on; 0 picks a free port")
	dataDir := flag.String("data-dir", "./data/store", "directory for the SQLite files")
	handler := flag.String("handler", "sqlite", "backend: sqlite or postgresql")
	pgURL := flag.String("postgresql-url", "postgres://127.0.0.1:5432/postgres", "PostgreSQL URL for --handler postgresql")
	exitOnStdinClose := flag.Bool("exit-on-stdin-close", false, "exit when standard input is closed (set by the connector)")
	logLevel := flag.String("log-level", "error", "FerretDB log level: debug, info, warn, error")
	pathIndexes := flag.Bool("path-indexes", true, "with --handler postgresql, add GIN indexes on _id and tenantId to FerretDB's tables (see path_indexes.go)")
	flag.Parse()

	if err := run(*host, *port, *dataDir, *handler, *pgURL, *exitOnStdinClose, *logLevel, *pathIndexes); err != nil {
		fmt.Fprintf(os.Stderr, "embedded-store: %s\n", err)
		os.Exit(1)
	}
}

func run(host string, port int, dataDir, handler, pgURL string, exitOnStdinClose bool, logLevel string, pathIndexes bool) error {
	var level slog.Level
	if err := level.UnmarshalText([]byte(logLevel)); err != nil {
		return fmt.Errorf("--log-level: %w", err)
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	cfg := &ferretdb.Config{
		Listener: ferretdb.ListenerConfig{TCP: net.JoinHostPort(host, strconv.Itoa(port))},
		Logger:   logger,
		Handler:  handler,
	}

	switch handler {
	case "sqlite":
		abs, err := filepath.Abs(dataDir)
		if err != nil {
			return fmt.Errorf("--data-dir: %w", err)
		}
		if err := os.MkdirAll(abs, 0o700); err != nil {
			return fmt.Errorf("--data-dir: %w", err)
		}
		// FerretDB wants a directory URI that ends with a slash.
		cfg.SQLiteURL = "file:" + abs + "/"
	case "postgresql":
		cfg.PostgreSQLURL = pgURL
	default:
		return fmt.Errorf("--handler must be sqlite or postgresql, not %q", handler)
	}

	f, err := ferretdb.New(cfg)
	if err != nil {
		return err
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	if exitOnStdinClose {
		go func() {
			// Blocks until the parent closes the pipe or dies.
			_, _ = io.Copy(io.Discard, os.Stdin)
			stop()
		}()
	}

	if handler == "postgresql" && pathIndexes {
		go keepPathIndexes(ctx, pgURL, logger)
	}

	ready, _ := json.Marshal(map[string]any{"uri": f.MongoDBURI(), "handler": handler, "pid": os.Getpid()})
	fmt.Println(string(ready))

	return f.Run(ctx)
}
