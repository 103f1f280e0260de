// golab: a second set of Go programs for checking gostd's net/rpc against
// real Go, aimed at what other programs commonly do: rich argument and
// reply types (embedded structs, nil and non-nil pointers, maps and slices
// of structs, []byte, sized numbers, time.Time in other zones, interface
// values), non-struct and untouched replies, large messages, 50 goroutines
// on one client, Go with a caller's done channel, DialHTTPPath, and a
// client closing while its call runs.
//
//	golab serve
//	        Go servers with the Lab and Arith services: rpc.Accept (gob
//	        TCP), HTTP on rpc.DefaultRPCPath and on /lab_rpc, and JSON-RPC.
//	        Prints "LISTENING tcp http json", serves until stdin closes.
//	golab client tcp|http|httppath|json ADDR
//	        runs the script for that transport against ADDR and against an
//	        in-process Go server set up the same way; prints
//	        {"remote":..., "go":...} (replies and exact error texts).
package main

import (
	"encoding/gob"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/rpc"
	"net/rpc/jsonrpc"
	"os"
	"strings"
	"sync"
	"time"
)

const labPath = "/lab_rpc"

type Args struct {
	A, B int
}

type Arith int

func (t *Arith) Multiply(args *Args, reply *int) error {
	*reply = args.A * args.B
	return nil
}

type Vec2 struct {
	X, Y float32
}

type Meta struct {
	Created time.Time
	Labels  map[string]string
}

// Shape embeds Meta: gob sends it as a field named Meta, encoding/json
// flattens its fields into Shape's object.
type Shape struct {
	Meta
	Name     string
	Kind     uint8
	Count    int64
	Ratio    float32
	Origin   Vec2
	Center   *Vec2
	Vertices []Vec2
	Named    map[string]Vec2
	Blob     []byte
}

type Lab int

func (l *Lab) Echo(s *Shape, r *Shape) error {
	*r = *s
	r.Name = strings.ToUpper(s.Name)
	r.Count++
	if s.Center != nil {
		c := *s.Center
		c.X += 1
		r.Center = &c
	}
	if !s.Created.IsZero() {
		r.Created = s.Created.Add(90 * time.Minute).UTC()
	}
	return nil
}

// Area takes its argument by value.
func (l *Lab) Area(s Shape, r *float32) error {
	for _, v := range s.Vertices {
		*r += v.X * v.Y
	}
	return nil
}

func (l *Lab) Describe(s *Shape, r *string) error {
	center := "none"
	if s.Center != nil {
		center = fmt.Sprintf("%g,%g", s.Center.X, s.Center.Y)
	}
	*r = fmt.Sprintf("%s kind=%d count=%d ratio=%g center=%s vertices=%d named=%d blob=%d label=%s",
		s.Name, s.Kind, s.Count, s.Ratio, center, len(s.Vertices), len(s.Named), len(s.Blob),
		s.Labels["k"])
	return nil
}

func (l *Lab) Squares(n int, r *[]int) error {
	if n < 0 {
		return fmt.Errorf("lab: negative count %d", n)
	}
	for i := 0; i < n; i++ {
		*r = append(*r, i*i)
	}
	return nil
}

// Count fills the map the server allocated for the reply.
func (l *Lab) Count(words []string, r *map[string]int) error {
	for _, w := range words {
		(*r)[w]++
	}
	return nil
}

func (l *Lab) Fail(msg string, r *int) error {
	*r = 99 // not sent: an error response carries no reply
	return errors.New(msg)
}

// Checksum: len<<32 | sum of bytes.
func (l *Lab) Checksum(b []byte, r *uint64) error {
	var sum uint64
	for _, c := range b {
		sum += uint64(c)
	}
	*r = uint64(len(b))<<32 | sum
	return nil
}

func (l *Lab) Fill(n int, r *[]byte) error {
	*r = make([]byte, n)
	for i := range *r {
		(*r)[i] = byte(i % 251)
	}
	return nil
}

func (l *Lab) Sleep(ms int, r *int) error {
	time.Sleep(time.Duration(ms) * time.Millisecond)
	*r = ms
	return nil
}

// Totals: per key, the number of vertices of that shape.
func (l *Lab) Totals(m map[string]Shape, r *map[string]int) error {
	for k, s := range m {
		(*r)[k] = len(s.Vertices)
	}
	return nil
}

func (l *Lab) Names(ss []Shape, r *[]string) error {
	for _, s := range ss {
		*r = append(*r, s.Name)
	}
	return nil
}

func (l *Lab) Shapes(n int, r *[]Shape) error {
	for i := 0; i < n; i++ {
		*r = append(*r, Shape{Name: fmt.Sprint("s", i), Count: int64(i),
			Vertices: []Vec2{{float32(i), 0.5}}})
	}
	return nil
}

func (l *Lab) Negate(x int64, r *int64) error {
	*r = -x
	return nil
}

func (l *Lab) Half(x float32, r *float32) error {
	*r = x / 2
	return nil
}

func (l *Lab) Flip(b bool, r *bool) error {
	*r = !b
	return nil
}

// Any sends back a map of interface values (gob: registered type names).
func (l *Lab) Any(m map[string]interface{}, r *map[string]interface{}) error {
	*r = m
	return nil
}

// Blank has no reply value worth sending: the caller passes *struct{}.
func (l *Lab) Blank(n int, r *struct{}) error {
	return nil
}

// Untouched replies: Go's server allocates an empty slice or map for the
// reply before the call, so these send [] and {} (JSON), not null.
func (l *Lab) NoSlice(n int, r *[]string) error     { return nil }
func (l *Lab) NoMap(n int, r *map[string]int) error { return nil }
func (l *Lab) NoArray(n int, r *[2]int) error       { return nil }
func (l *Lab) NoFloat(n int, r *float32) error      { return nil }

// Zone formats a time as received (its offset kept); Same sends it back.
func (l *Lab) Zone(t time.Time, r *string) error {
	*r = t.Format(time.RFC3339Nano)
	return nil
}

func (l *Lab) Same(t time.Time, r *time.Time) error {
	*r = t
	return nil
}

func newServer() *rpc.Server {
	s := rpc.NewServer()
	s.Register(new(Arith))
	s.Register(new(Lab))
	return s
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "golab:", err)
	os.Exit(1)
}

func listen() net.Listener {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fatal(err)
	}
	return l
}

// start serves s on a new listener the way kind says.
func start(s *rpc.Server, kind string) net.Listener {
	l := listen()
	switch kind {
	case "http", "httppath":
		mux := http.NewServeMux()
		mux.Handle(rpc.DefaultRPCPath, s)
		mux.Handle(labPath, s)
		go http.Serve(l, mux)
	case "json":
		go serveJSON(s, l)
	default:
		go s.Accept(l)
	}
	return l
}

func serveJSON(s *rpc.Server, l net.Listener) {
	for {
		conn, err := l.Accept()
		if err != nil {
			return
		}
		go s.ServeCodec(jsonrpc.NewServerCodec(conn))
	}
}

func serve() {
	s := newServer()
	lt := start(s, "tcp")
	lh := start(s, "http")
	lj := start(s, "json")
	fmt.Printf("LISTENING %s %s %s\n", lt.Addr(), lh.Addr(), lj.Addr())
	io.Copy(io.Discard, os.Stdin)
}

func dial(kind, addr string) *rpc.Client {
	var c *rpc.Client
	var err error
	switch kind {
	case "http":
		c, err = rpc.DialHTTP("tcp", addr)
	case "httppath":
		c, err = rpc.DialHTTPPath("tcp", addr, labPath)
	case "json":
		c, err = jsonrpc.Dial("tcp", addr)
	default:
		c, err = rpc.Dial("tcp", addr)
	}
	if err != nil {
		fatal(err)
	}
	return c
}

type result struct {
	Reply any    `json:"reply,omitempty"`
	Err   string `json:"err,omitempty"`
}

func rec(reply any, err error) result {
	if err != nil {
		return result{Err: fmt.Sprintf("%T: %v", err, err)}
	}
	return result{Reply: reply}
}

var when = time.Date(2021, 3, 4, 5, 6, 7, 890123456, time.UTC)

func shapes() []Shape {
	return []Shape{
		{Meta: Meta{Created: when, Labels: map[string]string{"k": "v", "empty": ""}},
			Name: "tri", Kind: 255, Count: -1 << 62, Ratio: 0.1,
			Origin: Vec2{-1.5, 2.25}, Center: &Vec2{0.5, 0.25},
			Vertices: []Vec2{{0, 0}, {1, 0}, {0.5, 3}},
			Named:    map[string]Vec2{"a": {1, 2}, "zero": {}},
			Blob:     []byte{0, 1, 2, 254, 255}},
		{Name: "bare"},
		{Name: "ptr-zero", Center: &Vec2{}, Named: map[string]Vec2{}, Blob: []byte{}},
		{},
	}
}

// common runs what every transport must do identically.
func common(c *rpc.Client, kind string) map[string]any {
	out := map[string]any{}
	var n int
	out["multiply"] = rec(&n, c.Call("Arith.Multiply", &Args{7, 8}, &n))
	for i, s := range shapes() {
		var r Shape
		out[fmt.Sprintf("echo%d", i)] = rec(&r, c.Call("Lab.Echo", &s, &r))
		var d string
		out[fmt.Sprintf("describe%d", i)] = rec(&d, c.Call("Lab.Describe", &s, &d))
		var a float32
		out[fmt.Sprintf("area%d", i)] = rec(&a, c.Call("Lab.Area", s, &a))
	}
	for _, k := range []int{0, 1, 5} {
		var sq []int
		out[fmt.Sprintf("squares%d", k)] = rec(&sq, c.Call("Lab.Squares", k, &sq))
	}
	var neg []int
	out["squares_neg"] = rec(&neg, c.Call("Lab.Squares", -3, &neg))
	var cnt map[string]int
	out["count"] = rec(&cnt, c.Call("Lab.Count", []string{"a", "b", "a", "c", "a"}, &cnt))
	var cnt0 map[string]int
	out["count_empty"] = rec(&cnt0, c.Call("Lab.Count", []string{}, &cnt0))
	var f int
	out["fail"] = rec(&f, c.Call("Lab.Fail", "lab: it broke", &f))
	out["fail_reply_untouched"] = f
	var f2 int
	out["fail_unicode"] = rec(&f2, c.Call("Lab.Fail", "échec: «x» \"q\" \n line2", &f2))
	var tot map[string]int
	m := map[string]Shape{}
	for _, s := range shapes() {
		m[s.Name] = s
	}
	out["totals"] = rec(&tot, c.Call("Lab.Totals", m, &tot))
	var names []string
	out["names"] = rec(&names, c.Call("Lab.Names", shapes(), &names))
	var ss []Shape
	out["shapes"] = rec(&ss, c.Call("Lab.Shapes", 3, &ss))
	var ng int64
	out["negate"] = rec(&ng, c.Call("Lab.Negate", int64(-1<<63+1), &ng))
	var h float32
	out["half"] = rec(&h, c.Call("Lab.Half", float32(0.3), &h))
	var fl bool
	out["flip"] = rec(&fl, c.Call("Lab.Flip", false, &fl))
	anyIn := map[string]interface{}{"i": 1, "s": "x", "f": 2.5, "b": true, "by": []byte{1, 2},
		"i64": int64(-5), "u8": uint8(7), "f32": float32(0.5), "pt": Vec2{1, 2},
		"ss": []string{"a", "b"}, "nil": nil, "list": []interface{}{1, "a", []byte{9}},
		"m": map[string]interface{}{"k": 1.5, "n": map[string]interface{}{}}}
	var anyOut map[string]interface{}
	err := c.Call("Lab.Any", anyIn, &anyOut)
	typed := map[string]string{}
	for k, v := range anyOut {
		typed[k] = fmt.Sprintf("%T %v", v, v)
	}
	out["any"] = rec(typed, err)
	var blank struct{}
	out["blank"] = rec(&blank, c.Call("Lab.Blank", 1, &blank))
	noSlice := []string{"stale"}
	out["no_slice"] = rec(&noSlice, c.Call("Lab.NoSlice", 1, &noSlice))
	var noSlice2 []string
	err = c.Call("Lab.NoSlice", 1, &noSlice2)
	out["no_slice_nil"] = rec(noSlice2 == nil, err)
	var noMap map[string]int
	err = c.Call("Lab.NoMap", 1, &noMap)
	out["no_map"] = rec(fmt.Sprintf("%v nil=%v", noMap, noMap == nil), err)
	noArray := [2]int{5, 6}
	out["no_array"] = rec(&noArray, c.Call("Lab.NoArray", 1, &noArray))
	for i, t := range []time.Time{
		time.Date(2020, 1, 2, 3, 4, 5, 6, time.FixedZone("IST", 19800)),
		time.Date(1969, 12, 31, 23, 59, 59, 999999999, time.FixedZone("", -7*3600)),
		{},
	} {
		var z string
		out[fmt.Sprint("zone", i)] = rec(&z, c.Call("Lab.Zone", t, &z))
		var same time.Time
		err := c.Call("Lab.Same", t, &same)
		out[fmt.Sprint("same", i)] = rec(same.Format(time.RFC3339Nano)+" equal="+
			fmt.Sprint(same.Equal(t)), err)
	}
	noFloat := float32(1.5)
	out["no_float"] = rec(&noFloat, c.Call("Lab.NoFloat", 1, &noFloat))

	// Large messages both ways.
	big := make([]byte, 3<<20+17)
	for i := range big {
		big[i] = byte(i * 7)
	}
	var sum uint64
	out["checksum_big"] = rec(&sum, c.Call("Lab.Checksum", big, &sum))
	var filled []byte
	err = c.Call("Lab.Fill", 2<<20+3, &filled)
	ok := err == nil && len(filled) == 2<<20+3
	for i := 0; ok && i < len(filled); i++ {
		ok = filled[i] == byte(i%251)
	}
	out["fill_big"] = rec(ok, err)
	bigWords := make([]string, 20000)
	for i := range bigWords {
		bigWords[i] = fmt.Sprintf("w%03d", i%500)
	}
	var bigCount map[string]int
	err = c.Call("Lab.Count", bigWords, &bigCount)
	out["count_big"] = rec(len(bigCount) == 500 && bigCount["w007"] == 40, err)

	// Large requests and replies from several goroutines at once: the
	// server must keep reading while its replies are still being sent.
	var bwg sync.WaitGroup
	bigBad := make(chan string, 64)
	for g := 0; g < 8; g++ {
		bwg.Add(1)
		go func(g int) {
			defer bwg.Done()
			for i := 0; i < 3; i++ {
				n := 1<<20 + g*1000 + i
				var sum uint64
				if err := c.Call("Lab.Checksum", make([]byte, n), &sum); err != nil || sum != uint64(n)<<32 {
					bigBad <- fmt.Sprintf("checksum %d/%d: %v %d", g, i, err, sum)
				}
				var b []byte
				if err := c.Call("Lab.Fill", n, &b); err != nil || len(b) != n {
					bigBad <- fmt.Sprintf("fill %d/%d: %v %d", g, i, err, len(b))
				}
			}
		}(g)
	}
	bwg.Wait()
	close(bigBad)
	bigErrs := []string{}
	for e := range bigBad {
		bigErrs = append(bigErrs, e)
	}
	out["big_parallel_bad"] = bigErrs

	// Unknown methods and services; the connection keeps working.
	var x int
	out["no_method"] = rec(&x, c.Call("Lab.Nope", 1, &x))
	out["no_service"] = rec(&x, c.Call("Nope.Echo", 1, &x))
	out["ill_formed"] = rec(&x, c.Call("LabEcho", 1, &x))
	out["empty_method"] = rec(&x, c.Call("", 1, &x))
	out["lower_method"] = rec(&x, c.Call("Lab.echo", 1, &x))
	var y int
	out["after_errors"] = rec(&y, c.Call("Arith.Multiply", &Args{3, 4}, &y))

	// 50 goroutines on one client, mixed methods.
	var wg sync.WaitGroup
	var mu sync.Mutex
	bad := []string{}
	for g := 0; g < 50; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 10; i++ {
				var err error
				okay := true
				switch i % 3 {
				case 0:
					var r int
					err = c.Call("Arith.Multiply", &Args{g, i}, &r)
					okay = r == g*i
				case 1:
					var r Shape
					s := Shape{Name: fmt.Sprint("g", g), Count: int64(i),
						Vertices: []Vec2{{float32(g), float32(i)}}}
					err = c.Call("Lab.Echo", &s, &r)
					okay = r.Name == strings.ToUpper(s.Name) && r.Count == int64(i+1) &&
						len(r.Vertices) == 1 && r.Vertices[0] == s.Vertices[0]
				case 2:
					var r []int
					err = c.Call("Lab.Squares", g%7, &r)
					okay = len(r) == g%7
				}
				if err != nil || !okay {
					mu.Lock()
					bad = append(bad, fmt.Sprintf("%d/%d: %v", g, i, err))
					mu.Unlock()
				}
			}
		}(g)
	}
	wg.Wait()
	out["goroutines50_bad"] = bad

	// Go with the caller's own done channel, shared by several calls.
	done := make(chan *rpc.Call, 4)
	var g1 int
	var g2 []int
	var g3 Shape
	var g4 int
	c.Go("Lab.Sleep", 30, &g1, done)
	c.Go("Lab.Squares", 4, &g2, done)
	c.Go("Lab.Echo", &Shape{Name: "go"}, &g3, done)
	c.Go("Lab.Fail", "async failure", &g4, done)
	got := map[string]any{}
	for i := 0; i < 4; i++ {
		call := <-done
		got[call.ServiceMethod] = rec(call.Reply, call.Error)
	}
	out["go_done"] = got
	// The default done channel.
	call := c.Go("Arith.Multiply", &Args{6, 7}, new(int), nil)
	<-call.Done
	out["go_default"] = rec(call.Reply, call.Error)
	return out
}

// closing: a client closes while its call runs; a new client still works.
func closing(kind, addr string) map[string]any {
	out := map[string]any{}
	c := dial(kind, addr)
	var r int
	call := c.Go("Lab.Sleep", 300, &r, nil)
	time.Sleep(30 * time.Millisecond)
	out["close"] = fmt.Sprint(c.Close())
	select {
	case <-call.Done:
		// Go's client fails it with the read error on the closed
		// connection (its text names the ports), or ErrShutdown.
		if errors.Is(call.Error, net.ErrClosed) {
			out["pending"] = "net.ErrClosed"
		} else {
			out["pending"] = rec(r, call.Error)
		}
	case <-time.After(5 * time.Second):
		out["pending"] = "never completed"
	}
	var x int
	out["after_close"] = rec(x, c.Call("Arith.Multiply", &Args{1, 2}, &x))
	out["close_again"] = fmt.Sprint(c.Close())
	c2 := dial(kind, addr)
	defer c2.Close()
	var y int
	out["new_client"] = rec(&y, c2.Call("Arith.Multiply", &Args{5, 6}, &y))
	return out
}

func script(kind, addr string) map[string]any {
	c := dial(kind, addr)
	out := common(c, kind)
	c.Close()
	for k, v := range closing(kind, addr) {
		out["closing_"+k] = v
	}
	return out
}

func compare(kind, addr string) {
	remote := script(kind, addr)
	l := start(newServer(), kind)
	local := script(kind, l.Addr().String())
	l.Close()
	enc := json.NewEncoder(os.Stdout)
	if err := enc.Encode(map[string]any{"remote": remote, "go": local}); err != nil {
		fatal(err)
	}
}

func init() {
	gob.Register(Vec2{})
	gob.Register([]interface{}{})
	gob.Register(map[string]interface{}{})
}

func main() {
	if len(os.Args) < 2 {
		fatal(errors.New("usage: golab serve | client KIND ADDR"))
	}
	switch os.Args[1] {
	case "serve":
		serve()
	case "client":
		compare(os.Args[2], os.Args[3])
	default:
		fatal(errors.New("unknown mode " + os.Args[1]))
	}
}
