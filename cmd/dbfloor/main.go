// Command dbfloor measures the floor that answer saves through HTTP are compared with: the
// raw rate at which a MariaDB/MySQL server takes durable single-row upserts shaped like an
// answer save (INSERT … ON DUPLICATE KEY UPDATE of one attempt_answers-like row), each its
// own commit, from N parallel clients. It works in a scratch database that it creates and
// drops, and prints the rate, latencies and the server's durability settings (a floor
// measured with innodb_flush_log_at_trx_commit=2 is not the same floor as with 1).
//
//	dbfloor --server 'root:@tcp(127.0.0.1:3306)' --clients 64 --duration 10s
package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"sync"
	"time"

	"github.com/csmexam/csmexam/content/db"
)

type config struct {
	server   string
	clients  int
	duration time.Duration
}

func main() {
	var cfg config
	flag.StringVar(&cfg.server, "server", "root:@tcp(127.0.0.1:3306)", "the MySQL server, as USER:PASS@tcp(HOST:PORT)")
	flag.IntVar(&cfg.clients, "clients", 64, "parallel clients, each with its own connection (csmexam's pool is 64)")
	flag.DurationVar(&cfg.duration, "duration", 10*time.Second, "how long to measure")
	flag.Parse()
	if err := run(context.Background(), cfg, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "dbfloor:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, cfg config, out io.Writer) error {
	if cfg.clients < 1 || cfg.duration <= 0 {
		return fmt.Errorf("--clients must be at least 1 and --duration positive")
	}
	admin, err := db.Open(ctx, "mysql://"+cfg.server+"/mysql")
	if err != nil {
		return err
	}
	defer db.Close(admin)
	b := make([]byte, 4)
	rand.Read(b)
	name := "csmexam_floor_" + hex.EncodeToString(b)
	if err := admin.Exec("CREATE DATABASE " + name + " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin").Error; err != nil {
		return fmt.Errorf("create scratch database: %w", err)
	}
	defer admin.Exec("DROP DATABASE IF EXISTS " + name)

	g, err := db.Open(ctx, "mysql://"+cfg.server+"/"+name)
	if err != nil {
		return err
	}
	defer db.Close(g)
	sqlDB, err := g.DB()
	if err != nil {
		return err
	}
	sqlDB.SetMaxOpenConns(cfg.clients)
	sqlDB.SetMaxIdleConns(cfg.clients)
	// The columns and keys of csmexam's attempt_answers.
	if _, err := sqlDB.ExecContext(ctx, `CREATE TABLE answers (
		attempt_id BIGINT NOT NULL, question_id BIGINT NOT NULL, choice LONGTEXT, text LONGTEXT,
		seq BIGINT, saved_at DATETIME(3), PRIMARY KEY (attempt_id, question_id)) ENGINE=InnoDB`); err != nil {
		return fmt.Errorf("create table: %w", err)
	}
	settings, err := durability(ctx, sqlDB)
	if err != nil {
		return err
	}

	const upsert = `INSERT INTO answers (attempt_id, question_id, choice, text, seq, saved_at) VALUES (?, ?, ?, ?, ?, ?)
ON DUPLICATE KEY UPDATE choice = VALUES(choice), text = VALUES(text), seq = VALUES(seq), saved_at = VALUES(saved_at)`
	var (
		mu        sync.Mutex
		latencies []time.Duration
		firstErr  error
		wg        sync.WaitGroup
	)
	start := time.Now()
	end := start.Add(cfg.duration)
	for c := range cfg.clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			// Each client is one candidate answering the 100 questions of a paper in turn,
			// then the next paper: inserts first, updates when a paper comes round again.
			for seq := int64(1); time.Now().Before(end); seq++ {
				attempt, question := int64(c)*1000+seq/100%10, seq%100
				t0 := time.Now()
				if _, err := sqlDB.ExecContext(ctx, upsert, attempt, question, "A,C", "", seq, t0.UTC()); err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = err
					}
					mu.Unlock()
					return
				}
				mine = append(mine, time.Since(t0))
			}
			mu.Lock()
			latencies = append(latencies, mine...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	if firstErr != nil {
		return fmt.Errorf("upsert: %w", firstErr)
	}
	slices.Sort(latencies)
	fmt.Fprintf(out, "durable single-row upserts on %s (%s)\n", cfg.server, settings)
	fmt.Fprintf(out, "clients  upserts   seconds  per second    p50 ms    p99 ms\n")
	fmt.Fprintf(out, "%7d %8d %9.2f %11.0f %9.2f %9.2f\n", cfg.clients, len(latencies), elapsed.Seconds(),
		float64(len(latencies))/elapsed.Seconds(), ms(percentile(latencies, 0.50)), ms(percentile(latencies, 0.99)))
	return nil
}

// durability reads the settings that decide what one commit costs.
func durability(ctx context.Context, sqlDB *sql.DB) (string, error) {
	var flush, syncBinlog, logBin, version string
	err := sqlDB.QueryRowContext(ctx, "SELECT @@innodb_flush_log_at_trx_commit, @@sync_binlog, @@log_bin, @@version").
		Scan(&flush, &syncBinlog, &logBin, &version)
	if err != nil {
		return "", fmt.Errorf("read durability settings: %w", err)
	}
	return fmt.Sprintf("%s, innodb_flush_log_at_trx_commit=%s, log_bin=%s, sync_binlog=%s", version, flush, logBin, syncBinlog), nil
}

func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[min(len(sorted)-1, int(p*float64(len(sorted))))]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
