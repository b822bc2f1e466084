// Command hello is the floor bench/run.sh measures reconi's start-up
// against: a cobra command that prints a line, with nothing else linked.
//
//	go build -o hello ./bench/hello && ./hello version
package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"
)

func main() {
	root := &cobra.Command{Use: "hello", Short: "Say hello"}
	root.AddCommand(&cobra.Command{Use: "version", Short: "Print the version", Run: func(cmd *cobra.Command, args []string) {
		fmt.Fprintln(cmd.OutOrStdout(), "hello 0.0.0")
	}})
	if err := root.Execute(); err != nil {
		os.Exit(1)
	}
}
