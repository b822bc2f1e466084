// Command reconi adds eHerkenning users for organisations from the terminal.
package main

import (
	"os"

	"github.com/reconi/reconi/cmd"
)

func main() {
	os.Exit(cmd.Main())
}
