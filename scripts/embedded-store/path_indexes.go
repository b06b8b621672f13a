package main

// Indexes FerretDB's PostgreSQL backend can use for the connector's most frequent filters.
//
// FerretDB 1.24 pushes an equality on a string field down to PostgreSQL as jsonb containment,
// `(_jsonb -> '_id') @> '"value"'`, while the indexes it builds itself (for `_id_` and for the
// connector's `{tenantId: 1, …}` indexes) are btree indexes on `(_jsonb -> 'field')`, which
// cannot answer `@>`. Every lookup by `_id` or by tenant then reads the whole table: every
// tenant's rows. A GIN index on the same expression with `jsonb_path_ops` answers `@>`
// directly, so this adds one on `_id` and one on `tenantId` to each FerretDB table, as soon as
// FerretDB creates the table. FerretDB does not know about them (they are not in its metadata
// and never listed by listIndexes); dropping a collection drops them with its table.
//
// MongoDB needs none of this: its own `_id` index and the connector's `{tenantId: 1, …}`
// indexes serve the same filters.

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
)

// How often new FerretDB tables are looked for (a catalog read; the connector creates its
// collections at start-up, so nearly all tables appear in the first seconds).
const pathIndexInterval = 2 * time.Second

// The fields that get a GIN index, each named by the prefix of its index names.
var pathIndexFields = []struct{ field, prefix string }{
	{"_id", "pigment_gin_id_"},
	{"tenantId", "pigment_gin_tenant_"},
}

// FerretDB's tables (every table with a `_jsonb` column outside FerretDB's own metadata)
// still lacking the last of the path indexes.
const tablesWithoutPathIndexes = `
SELECT n.nspname, c.relname
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = '_jsonb' AND NOT a.attisdropped
WHERE c.relkind = 'r'
  AND c.relname NOT LIKE '\_ferretdb%'
  AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND NOT EXISTS (
    SELECT 1 FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid
    WHERE i.indrelid = c.oid AND ic.relname LIKE 'pigment\_gin\_tenant\_%'
  )`

// keepPathIndexes adds the path indexes to FerretDB's tables until ctx ends. Failures are
// logged and retried at the next tick: without the indexes the store is only slower.
func keepPathIndexes(ctx context.Context, pgURL string, logger *slog.Logger) {
	ticker := time.NewTicker(pathIndexInterval)
	defer ticker.Stop()
	for {
		if err := addPathIndexes(ctx, pgURL, logger); err != nil && ctx.Err() == nil {
			logger.Warn("could not add path indexes; trying again", slog.String("error", err.Error()))
		}
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
	}
}

func addPathIndexes(ctx context.Context, pgURL string, logger *slog.Logger) error {
	conn, err := pgx.Connect(ctx, pgURL)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())

	rows, err := conn.Query(ctx, tablesWithoutPathIndexes)
	if err != nil {
		return err
	}
	type table struct{ schema, name string }
	var tables []table
	for rows.Next() {
		var t table
		if err := rows.Scan(&t.schema, &t.name); err != nil {
			return err
		}
		tables = append(tables, t)
	}
	if err := rows.Err(); err != nil {
		return err
	}

	for _, t := range tables {
		qualified := pgx.Identifier{t.schema, t.name}.Sanitize()
		// Index names must fit PostgreSQL's 63 bytes and be unique within the schema.
		sum := md5.Sum([]byte(t.schema + "." + t.name))
		suffix := hex.EncodeToString(sum[:])[:16]
		for _, f := range pathIndexFields {
			name := pgx.Identifier{f.prefix + suffix}.Sanitize()
			sql := fmt.Sprintf("CREATE INDEX IF NOT EXISTS %s ON %s USING gin ((_jsonb -> '%s') jsonb_path_ops)", name, qualified, f.field)
			if _, err := conn.Exec(ctx, sql); err != nil {
				return fmt.Errorf("%s: %w", qualified, err)
			}
		}
		logger.Info("path indexes added", slog.String("table", qualified))
	}
	return nil
}
