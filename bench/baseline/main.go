// Command baseline is the floor bench/run.sh measures `reconi serve`
// against: a bare net/http server that answers GET /v1/applications with
// the same JSON, encoded on every request as reconi does, but with no
// token check, no database and no request log.
//
//	go run ./bench/baseline -json applications.json -addr 127.0.0.1:0
//
// The file is what reconi serve answered (a JSON array of application
// summaries); it is decoded into reconi's own type once. The address it
// listens on is printed on stdout.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/reconi/reconi/internal/reconi"
)

func main() {
	file := flag.String("json", "", "`file` with the answer of reconi's GET /v1/applications")
	addr := flag.String("addr", "127.0.0.1:0", "`address` to listen on (loopback)")
	flag.Parse()
	if err := run(*file, *addr); err != nil {
		fmt.Fprintln(os.Stderr, "baseline:", err)
		os.Exit(1)
	}
}

func run(file, addr string) error {
	b, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	var apps []reconi.ApplicationSummary
	if err := json.Unmarshal(b, &apps); err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/applications", func(w http.ResponseWriter, r *http.Request) {
		// As reconi's httpapi writes every answer: encoded into a buffer
		// without HTML escaping, then sent.
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(apps); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write(buf.Bytes())
	})
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	fmt.Println(ln.Addr().String())
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	return srv.Serve(ln)
}
