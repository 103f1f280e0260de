// goapp: the Go side of gostd's net/rpc interoperability tests and benchmarks.
//
//	goapp serve [-http] [-codec gob|json] [-addr 127.0.0.1:0]
//	    serves Arith (also as "math") and Types; prints "LISTENING host:port", then
//	    serves until stdin closes.
//	goapp check [-http] [-codec gob|json] -addr ADDR
//	    runs the interop script against a server and prints one JSON object.
//	goapp bench [-http] [-codec gob|json] -addr ADDR [-n N] [-window W] [-only seq|pipelined]
//	    prints {"seq": calls/s, "pipelined": calls/s, "seq_cpu_us": CPU µs per sequential call}.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/rpc"
	"net/rpc/jsonrpc"
	"os"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"
)

type Args struct {
	A, B int
}

type Quotient struct {
	Quo, Rem int
}

type Arith int

func (t *Arith) Multiply(args *Args, reply *int) error {
	*reply = args.A * args.B
	return nil
}

func (t *Arith) Divide(args *Args, quo *Quotient) error {
	if args.B == 0 {
		return errors.New("divide by 0")
	}
	quo.Quo = args.A / args.B
	quo.Rem = args.A % args.B
	return nil
}

type Inner struct {
	Name string
	Tags []string
}

type Record struct {
	ID     int
	Label  string
	Score  float64
	Big    uint64
	Flag   bool
	Data   []byte
	Inner  Inner
	Ptr    *Inner
	Items  []Inner
	Counts map[string]int
}

type Types int

// Echo returns the record with ID+1 and every Inner name upper-cased.
func (t *Types) Echo(r *Record, reply *Record) error {
	*reply = *r
	reply.ID = r.ID + 1
	reply.Inner.Name = strings.ToUpper(r.Inner.Name)
	if r.Ptr != nil {
		p := *r.Ptr
		p.Name = strings.ToUpper(p.Name)
		reply.Ptr = &p
	}
	return nil
}

func (t *Types) Sum(xs []int, reply *int) error {
	for _, x := range xs {
		*reply += x
	}
	return nil
}

func (t *Types) Keys(m map[string]int, reply *[]string) error {
	for k := range m {
		*reply = append(*reply, k)
	}
	sort.Strings(*reply)
	return nil
}

func (t *Types) Upper(s string, reply *string) error {
	*reply = strings.ToUpper(s)
	return nil
}

func (t *Types) Reverse(b []byte, reply *[]byte) error {
	out := make([]byte, len(b))
	for i, c := range b {
		out[len(b)-1-i] = c
	}
	*reply = out
	return nil
}

func (t *Types) Fail(s string, reply *string) error {
	return errors.New("failed: " + s)
}

func (t *Types) Sleep(ms int, reply *int) error {
	time.Sleep(time.Duration(ms) * time.Millisecond)
	*reply = ms
	return nil
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "goapp:", err)
	os.Exit(1)
}

func serve(args []string) {
	fs := flag.NewFlagSet("serve", flag.ExitOnError)
	useHTTP := fs.Bool("http", false, "serve over HTTP (CONNECT)")
	codec := fs.String("codec", "gob", "gob or json")
	addr := fs.String("addr", "127.0.0.1:0", "listen address")
	fs.Parse(args)
	arith := new(Arith)
	if err := rpc.Register(arith); err != nil {
		fatal(err)
	}
	if err := rpc.RegisterName("math", arith); err != nil {
		fatal(err)
	}
	if err := rpc.Register(new(Types)); err != nil {
		fatal(err)
	}
	l, err := net.Listen("tcp", *addr)
	if err != nil {
		fatal(err)
	}
	fmt.Printf("LISTENING %s\n", l.Addr())
	os.Stdout.Sync()
	go func() { // exit when the parent closes our stdin
		io.Copy(io.Discard, os.Stdin)
		os.Exit(0)
	}()
	switch {
	case *useHTTP:
		rpc.HandleHTTP()
		http.Serve(l, nil)
	case *codec == "json":
		for {
			conn, err := l.Accept()
			if err != nil {
				fatal(err)
			}
			go jsonrpc.ServeConn(conn)
		}
	default:
		rpc.Accept(l)
	}
}

func dial(useHTTP bool, codec, addr string) *rpc.Client {
	var c *rpc.Client
	var err error
	switch {
	case useHTTP:
		c, err = rpc.DialHTTP("tcp", addr)
	case codec == "json":
		c, err = jsonrpc.Dial("tcp", addr)
	default:
		c, err = rpc.Dial("tcp", addr)
	}
	if err != nil {
		fatal(err)
	}
	return c
}

func errText(err error) any {
	if err == nil {
		return nil
	}
	return err.Error()
}

func check(args []string) {
	fs := flag.NewFlagSet("check", flag.ExitOnError)
	useHTTP := fs.Bool("http", false, "dial over HTTP (CONNECT)")
	codec := fs.String("codec", "gob", "gob or json")
	addr := fs.String("addr", "", "server address")
	fs.Parse(args)
	c := dial(*useHTTP, *codec, *addr)
	out := map[string]any{}

	var product int
	out["multiply_err"] = errText(c.Call("Arith.Multiply", &Args{7, 8}, &product))
	out["multiply"] = product
	var q Quotient
	out["divide_err"] = errText(c.Call("Arith.Divide", &Args{15, 6}, &q))
	out["divide"] = q
	var q0 Quotient
	err := c.Call("Arith.Divide", &Args{1, 0}, &q0)
	out["divzero_err"] = errText(err)
	_, isServerErr := err.(rpc.ServerError)
	out["divzero_is_server_error"] = isServerErr
	var m int
	out["math_err"] = errText(c.Call("math.Multiply", Args{6, 7}, &m))
	out["math"] = m

	in := Record{ID: 41, Label: "héllo <&>", Score: 2.5, Big: 1 << 63, Flag: true,
		Data: []byte{0, 1, 2, 255}, Inner: Inner{"inner", []string{"a", "b"}},
		Ptr: &Inner{Name: "ptr"}, Items: []Inner{{"x", nil}, {"y", []string{"z"}}},
		Counts: map[string]int{"one": 1}}
	var rec Record
	out["echo_err"] = errText(c.Call("Types.Echo", &in, &rec))
	out["echo"] = rec
	var sum int
	out["sum_err"] = errText(c.Call("Types.Sum", []int{1, 2, 3, 4}, &sum))
	out["sum"] = sum
	var keys []string
	out["keys_err"] = errText(c.Call("Types.Keys", map[string]int{"b": 2, "a": 1}, &keys))
	out["keys"] = keys
	var up string
	out["upper_err"] = errText(c.Call("Types.Upper", "mixed Case", &up))
	out["upper"] = up
	var rev []byte
	out["reverse_err"] = errText(c.Call("Types.Reverse", []byte{1, 2, 3}, &rev))
	out["reverse"] = rev
	var s string
	out["fail_err"] = errText(c.Call("Types.Fail", "boom", &s))
	out["unknown_method_err"] = errText(c.Call("Arith.Nope", &Args{}, &product))
	out["unknown_service_err"] = errText(c.Call("Nope.Multiply", &Args{}, &product))
	out["illformed_err"] = errText(c.Call("ArithMultiply", &Args{}, &product))

	// Concurrency: many goroutines on one client, replies matched to requests.
	var wg sync.WaitGroup
	var mu sync.Mutex
	bad := 0
	for g := 0; g < 32; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 20; i++ {
				var r int
				err := c.Call("Arith.Multiply", &Args{g, i}, &r)
				if err != nil || r != g*i {
					mu.Lock()
					bad++
					mu.Unlock()
				}
			}
		}(g)
	}
	wg.Wait()
	out["concurrent_calls"] = 32 * 20
	out["concurrent_bad"] = bad

	// Asynchronous calls complete independently of waiting order.
	slow := c.Go("Types.Sleep", 50, new(int), nil)
	fast := c.Go("Arith.Multiply", &Args{2, 3}, new(int), nil)
	first := ""
	select {
	case <-slow.Done:
		first = "slow"
	case <-fast.Done:
		first = "fast"
	}
	<-slow.Done
	out["async_first"] = first

	c.Close()
	out["after_close_err"] = errText(c.Call("Arith.Multiply", &Args{1, 1}, &product))
	enc := json.NewEncoder(os.Stdout)
	if err := enc.Encode(out); err != nil {
		fatal(err)
	}
}

func bench(args []string) {
	fs := flag.NewFlagSet("bench", flag.ExitOnError)
	useHTTP := fs.Bool("http", false, "dial over HTTP (CONNECT)")
	codec := fs.String("codec", "gob", "gob or json")
	addr := fs.String("addr", "", "server address")
	n := fs.Int("n", 2000, "calls per measurement")
	window := fs.Int("window", 100, "calls in flight when pipelined")
	only := fs.String("only", "", "measure only seq or pipelined")
	fs.Parse(args)
	c := dial(*useHTTP, *codec, *addr)
	defer c.Close()
	var r int
	for i := 0; i < 50; i++ { // warm up: type definitions, connections
		c.Call("Arith.Multiply", &Args{i, 2}, &r)
	}
	best := func(f func()) float64 {
		b := 0.0
		for k := 0; k < 3; k++ {
			start := time.Now()
			f()
			rate := float64(*n) / time.Since(start).Seconds()
			if rate > b {
				b = rate
			}
		}
		return b
	}
	// The CPU time of the sequential calls, per call, lets a benchmark
	// weigh latency against what it costs.
	seq, pipe, seqCPU := 0.0, 0.0, 0.0
	if *only != "pipelined" {
		cpuBefore := cpuTime()
		seq = best(func() {
			for i := 0; i < *n; i++ {
				if err := c.Call("Arith.Multiply", &Args{i, 2}, &r); err != nil || r != 2*i {
					fatal(fmt.Errorf("bad reply %d for %d: %v", r, i, err))
				}
			}
		})
		seqCPU = float64(cpuTime()-cpuBefore) / float64(3**n) / 1e3 // µs per call
	}
	if *only != "seq" {
		pipe = best(func() {
			done := make(chan *rpc.Call, *window)
			inflight := 0
			for i := 0; i < *n; i++ {
				if inflight == *window {
					call := <-done
					inflight--
					if call.Error != nil {
						fatal(call.Error)
					}
				}
				c.Go("Arith.Multiply", &Args{i, 2}, new(int), done)
				inflight++
			}
			for ; inflight > 0; inflight-- {
				if call := <-done; call.Error != nil {
					fatal(call.Error)
				}
			}
		})
	}
	json.NewEncoder(os.Stdout).Encode(map[string]float64{"seq": seq, "pipelined": pipe,
		"seq_cpu_us": seqCPU})
}

// cpuTime is the CPU time this process has used (user + system), in nanoseconds.
func cpuTime() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}

func main() {
	if len(os.Args) < 2 {
		fatal(errors.New("usage: goapp serve|check|bench [flags]"))
	}
	switch os.Args[1] {
	case "serve":
		serve(os.Args[2:])
	case "check":
		check(os.Args[2:])
	case "bench":
		bench(os.Args[2:])
	default:
		fatal(fmt.Errorf("unknown command %q", os.Args[1]))
	}
}
