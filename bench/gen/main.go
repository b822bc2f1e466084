// Command gen writes the users CSV file the import benchmarks read:
//
//	go run ./bench/gen -rows 100000 > users-100k.csv
//
// The file is the same on every run and every machine (see package usersgen).
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/reconi/reconi/bench/usersgen"
)

func main() {
	rows := flag.Int("rows", 100_000, "number of `rows` after the header")
	out := flag.String("o", "-", "output `file`; - for standard output")
	flag.Parse()
	if err := run(*rows, *out); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(rows int, out string) error {
	if out == "-" {
		return usersgen.Write(os.Stdout, rows)
	}
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	if err := usersgen.Write(f, rows); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
