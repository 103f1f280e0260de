// goaccept: Go programs written the way a Go user writes them (from the
// article and Go's docs), used to check gostd's net/rpc against real Go.
//
//	goaccept serve      the article's server: rpc.Register(new(Arith));
//	                    rpc.HandleHTTP(); http.Serve(l, nil) — plus Store and
//	                    "math"; also serves plain TCP (rpc.Accept) and
//	                    jsonrpc.ServeConn (Book) on two more listeners.
//	                    Prints "LISTENING http tcp json", serves until stdin closes.
//	goaccept client -http|-tcp ADDR
//	                    runs the gob script against ADDR and against an
//	                    in-process Go server; prints {"remote":..., "go":...}.
//	goaccept jsonclient ADDR
//	                    the same with jsonrpc.Dial and the Book service.
//	goaccept stress -tcp|-http|-json ADDR
//	                    many clients, each on its own connection, calls and
//	                    Go calls at once; some hang up mid-call; prints "ok".
//	goaccept inflight -tcp|-http|-json ADDR
//	                    starts Store.Sleep(300) (Arith.Multiply for json),
//	                    prints "started", then the reply and a later call's error.
//	goaccept article ADDR
//	                    the article's asynchronous client over DialHTTP.
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
	"sort"
	"strings"
	"sync"
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

type Sub struct {
	Note  string
	Score float64
}

type Item struct {
	Name  string
	Qty   int64
	Level uint8
	Price float64
	Tags  []string
	Data  []byte
	When  time.Time
	Sub   *Sub
	Attrs map[string]int32
}

// BadArgs has Args' field names with another type for A.
type BadArgs struct {
	A string
	B int
}

// ItemU is Item's Name and Level, Level as a wider unsigned type.
type ItemU struct {
	Name  string
	Level uint
}

// Kitchen holds one of nearly every kind gob has; Echo sends it back.
type Base struct {
	ID   uint16
	Kind string
}

type Node struct {
	Val  int
	Next *Node
}

type Kitchen struct {
	Base
	Arr    [3]int
	Grid   [2][2]float64
	U      uint64
	I8     int8
	F32    float32
	C      complex128 `json:"-"` // encoding/json has no complex numbers
	Any    interface{}
	Tree   *Node
	Quad   [4]byte
	ByInt  map[int]string
	Nested [][]string
	Keys   map[string][]int
	Flags  []bool
	Ptrs   []*Sub
}

type Kitchens int

func (k *Kitchens) Echo(in *Kitchen, out *Kitchen) error {
	*out = *in
	return nil
}

type Filter struct {
	MinQty int64
	Tag    string
}

type Middle struct {
	Depth int
	Leaf  *Sub
	Subs  map[string]Sub
}

type Outer struct {
	Label string
	In    Middle
	Ptr   *Middle
	List  []*Sub
}

type Store struct {
	mu    sync.Mutex
	items map[string]Item
}

func (s *Store) Put(it *Item, _ *struct{}) error {
	if it.Name == "" {
		return errors.New("store: empty name")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.items[it.Name] = *it
	return nil
}

func (s *Store) Get(name string, reply *Item) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	it, ok := s.items[name]
	if !ok {
		return fmt.Errorf("store: no item %q", name)
	}
	*reply = it
	return nil
}

func (s *Store) List(f Filter, reply *[]Item) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	names := make([]string, 0, len(s.items))
	for k := range s.items {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		it := s.items[k]
		if it.Qty < f.MinQty {
			continue
		}
		if f.Tag != "" {
			found := false
			for _, t := range it.Tags {
				found = found || t == f.Tag
			}
			if !found {
				continue
			}
		}
		*reply = append(*reply, it)
	}
	return nil
}

func (s *Store) Index(prefix string, reply *map[string]Item) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, v := range s.items {
		if strings.HasPrefix(k, prefix) {
			(*reply)[k] = v
		}
	}
	return nil
}

func (s *Store) Reset(_ *struct{}, reply *int) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	*reply = len(s.items)
	s.items = map[string]Item{}
	return nil
}

func (s *Store) Stamp(t time.Time, reply *time.Time) error {
	*reply = t.Add(time.Hour).UTC()
	return nil
}

func (s *Store) Sleep(ms int, reply *int) error {
	time.Sleep(time.Duration(ms) * time.Millisecond)
	*reply = ms
	return nil
}

func (s *Store) Hello(name *string, reply *string) error {
	*reply = "hello, " + *name
	return nil
}

func (s *Store) Nest(o *Outer, reply *Outer) error {
	*reply = *o
	reply.Label = strings.Repeat(o.Label, 2)
	reply.In.Depth++
	if o.Ptr != nil {
		p := *o.Ptr
		p.Depth += 10
		reply.Ptr = &p
	}
	return nil
}

type Contact struct {
	FullName string   `json:"full_name"`
	Email    string   `json:"email,omitempty"`
	Age      int      `json:"age"`
	Tags     []string `json:"tags"`
	Secret   string   `json:"-"`
	Since    time.Time `json:"since"`
}

type Book struct {
	mu       sync.Mutex
	contacts []Contact
}

func (b *Book) Add(c *Contact, reply *int) error {
	if c.FullName == "" {
		return errors.New("book: contact without a name")
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.contacts = append(b.contacts, *c)
	*reply = len(b.contacts)
	return nil
}

func (b *Book) Find(name string, reply *Contact) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, c := range b.contacts {
		if c.FullName == name {
			*reply = c
			return nil
		}
	}
	return fmt.Errorf("book: no contact %q", name)
}

func (b *Book) All(minAge int, reply *[]Contact) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, c := range b.contacts {
		if c.Age >= minAge {
			*reply = append(*reply, c)
		}
	}
	return nil
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "goaccept:", err)
	os.Exit(1)
}

func newServer() *rpc.Server {
	s := rpc.NewServer()
	arith := new(Arith)
	s.Register(arith)
	s.RegisterName("math", arith)
	s.Register(&Store{items: map[string]Item{}})
	s.Register(new(Book))
	s.Register(new(Kitchens))
	return s
}

func serve() {
	// The article's server, exactly.
	arith := new(Arith)
	rpc.Register(arith)
	rpc.RegisterName("math", arith)
	rpc.Register(&Store{items: map[string]Item{}})
	rpc.Register(new(Kitchens))
	rpc.HandleHTTP()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fatal(err)
	}
	go http.Serve(l, nil)
	// Plain TCP: rpc.Accept on the same default server.
	lt, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fatal(err)
	}
	go rpc.Accept(lt)
	// JSON-RPC: jsonrpc.ServeConn per accepted connection.
	js := rpc.NewServer()
	js.Register(new(Arith))
	js.Register(new(Book))
	lj, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fatal(err)
	}
	go func() {
		for {
			conn, err := lj.Accept()
			if err != nil {
				return
			}
			go js.ServeCodec(jsonrpc.NewServerCodec(conn))
		}
	}()
	fmt.Printf("LISTENING %s %s %s\n", l.Addr(), lt.Addr(), lj.Addr())
	io.Copy(io.Discard, os.Stdin)
}

// result records one call's outcome for the JSON report.
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

var when = time.Date(2009, 11, 10, 23, 0, 0, 123456789, time.UTC)

func items() []Item {
	return []Item{
		{Name: "apple", Qty: 1 << 40, Level: 255, Price: 0.25, Tags: []string{"fruit", "red"},
			Data: []byte{0, 1, 2, 255}, When: when, Sub: &Sub{"crisp", 9.5},
			Attrs: map[string]int32{"min": -2147483648, "max": 2147483647}},
		{Name: "apricot", Qty: -3, Tags: []string{"fruit"}},
		{Name: "bread", Qty: 7, Level: 1, Sub: &Sub{}, Attrs: map[string]int32{}},
	}
}

func gobScript(c *rpc.Client) map[string]any {
	out := map[string]any{}
	var n int
	out["multiply"] = rec(&n, c.Call("Arith.Multiply", &Args{7, 8}, &n))
	var q Quotient
	out["divide"] = rec(&q, c.Call("Arith.Divide", Args{15, 6}, &q))
	var q0 Quotient
	out["divide0"] = rec(&q0, c.Call("Arith.Divide", &Args{1, 0}, &q0))
	var m int
	out["math"] = rec(&m, c.Call("math.Multiply", &Args{6, 7}, &m))

	var reset int
	out["reset"] = rec(&reset, c.Call("Store.Reset", &struct{}{}, &reset))
	for i, it := range items() {
		var none struct{}
		out[fmt.Sprintf("put%d", i)] = rec(&none, c.Call("Store.Put", &it, &none))
	}
	var none struct{}
	out["put_empty"] = rec(&none, c.Call("Store.Put", &Item{Qty: 1}, &none))
	var got Item
	out["get"] = rec(&got, c.Call("Store.Get", "apple", &got))
	var got2 Item
	out["get_zero"] = rec(&got2, c.Call("Store.Get", "apricot", &got2))
	var missing Item
	out["get_missing"] = rec(&missing, c.Call("Store.Get", "kiwi", &missing))
	var list []Item
	out["list"] = rec(&list, c.Call("Store.List", Filter{MinQty: 0, Tag: "fruit"}, &list))
	var list2 []Item
	out["list_none"] = rec(&list2, c.Call("Store.List", Filter{MinQty: 1 << 50}, &list2))
	var idx map[string]Item
	out["index"] = rec(&idx, c.Call("Store.Index", "ap", &idx))
	var stamp time.Time
	out["stamp"] = rec(&stamp, c.Call("Store.Stamp", when, &stamp))
	var hello string
	name := "gopher"
	out["hello"] = rec(&hello, c.Call("Store.Hello", &name, &hello))
	var nest Outer
	o := Outer{Label: "ab", In: Middle{Depth: 1, Leaf: &Sub{"leaf", 1},
		Subs: map[string]Sub{"x": {"y", 2}}}, Ptr: &Middle{Depth: 2},
		List: []*Sub{{"one", 1}, {"two", 2}}}
	out["nest"] = rec(&nest, c.Call("Store.Nest", &o, &nest))

	kitchens := []Kitchen{
		{Base: Base{7, "full"}, Arr: [3]int{1, -2, 3}, Grid: [2][2]float64{{0.5, -0}, {1e300, -1e-300}},
			U: 1<<64 - 1, I8: -128, F32: 0.1, C: complex(1, -2), Any: Sub{"in iface", 3},
			Tree: &Node{1, &Node{2, &Node{3, nil}}}, Quad: [4]byte{1, 2, 3, 255},
			ByInt: map[int]string{-1: "neg", 0: "zero", 1 << 40: "big"},
			Nested: [][]string{{"a"}, {}, {"b", "c"}}, Keys: map[string][]int{"k": {1, 2}, "e": {}},
			Flags: []bool{true, false, true}, Ptrs: []*Sub{{"p", 1}, {}}},
		{Any: 42},
		{Any: "text", Arr: [3]int{}},
		{},
	}
	for i := range kitchens {
		var k Kitchen
		err := c.Call("Kitchens.Echo", &kitchens[i], &k)
		c := fmt.Sprint(k.C) // encoding/json has no complex numbers

		out[fmt.Sprintf("kitchen%d", i)] = rec(map[string]any{"k": k, "c": c}, err)
	}

	// Error paths; the connection must keep working after each.
	var x int
	out["no_method"] = rec(&x, c.Call("Arith.Nope", &Args{}, &x))
	out["no_service"] = rec(&x, c.Call("Nope.Multiply", &Args{}, &x))
	out["ill_formed"] = rec(&x, c.Call("Multiply", &Args{}, &x))
	out["wrong_struct"] = rec(&x, c.Call("Arith.Multiply", &Quotient{1, 2}, &x))
	out["wrong_kind"] = rec(&x, c.Call("Arith.Multiply", "seven", &x))
	var s string
	out["struct_for_string"] = rec(&s, c.Call("Store.Hello", &Args{1, 2}, &s))
	out["int_for_string"] = rec(&s, c.Call("Store.Hello", 42, &s))
	out["field_type"] = rec(&x, c.Call("Arith.Multiply", &BadArgs{"x", 1}, &x))
	out["overflow"] = rec(&none, c.Call("Store.Put", &ItemU{"over", 300}, &none))
	var y int
	out["after_errors"] = rec(&y, c.Call("Arith.Multiply", &Args{3, 4}, &y))

	// Many goroutines on one client.
	var wg sync.WaitGroup
	var mu sync.Mutex
	bad := 0
	for g := 0; g < 16; g++ {
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
	out["concurrent_bad"] = bad
	return out
}

func contacts() []Contact {
	return []Contact{
		{FullName: "Ada Lovelace", Email: "ada@example.com", Age: 36, Tags: []string{"math"},
			Since: when},
		{FullName: "Rob <Pike>", Age: 67},
	}
}

func jsonScript(c *rpc.Client) map[string]any {
	out := map[string]any{}
	var n int
	out["multiply"] = rec(&n, c.Call("Arith.Multiply", &Args{7, 8}, &n))
	var q Quotient
	out["divide"] = rec(&q, c.Call("Arith.Divide", Args{15, 6}, &q))
	var q0 Quotient
	out["divide0"] = rec(&q0, c.Call("Arith.Divide", &Args{1, 0}, &q0))
	for i, ct := range contacts() {
		ct.Secret = "never sent"
		var k int
		out[fmt.Sprintf("add%d", i)] = rec(&k, c.Call("Book.Add", &ct, &k))
	}
	var k int
	out["add_empty"] = rec(&k, c.Call("Book.Add", &Contact{Age: 1}, &k))
	var found Contact
	out["find"] = rec(&found, c.Call("Book.Find", "Ada Lovelace", &found))
	var missing Contact
	out["find_missing"] = rec(&missing, c.Call("Book.Find", "Nobody", &missing))
	var all []Contact
	out["all"] = rec(&all, c.Call("Book.All", 40, &all))
	var x int
	out["no_method"] = rec(&x, c.Call("Arith.Nope", &Args{}, &x))
	out["no_service"] = rec(&x, c.Call("Nope.Multiply", &Args{}, &x))
	out["wrong_kind"] = rec(&x, c.Call("Arith.Multiply", "seven", &x))
	out["wrong_field"] = rec(&x, c.Call("Arith.Multiply", map[string]string{"A": "x"}, &x))
	var y int
	out["after_errors"] = rec(&y, c.Call("Arith.Multiply", &Args{3, 4}, &y))
	return out
}

// inProcess serves newServer() on a loopback listener the way given.
func inProcess(kind string) (string, func()) {
	s := newServer()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fatal(err)
	}
	switch kind {
	case "http":
		mux := http.NewServeMux()
		mux.Handle(rpc.DefaultRPCPath, s)
		go http.Serve(l, mux)
	case "json":
		go func() {
			for {
				conn, err := l.Accept()
				if err != nil {
					return
				}
				go s.ServeCodec(jsonrpc.NewServerCodec(conn))
			}
		}()
	default:
		go s.Accept(l)
	}
	return l.Addr().String(), func() { l.Close() }
}

func dial(kind, addr string) *rpc.Client {
	var c *rpc.Client
	var err error
	switch kind {
	case "http":
		c, err = rpc.DialHTTP("tcp", addr)
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

func compare(kind, addr string, script func(*rpc.Client) map[string]any) {
	remote := dial(kind, addr)
	r := script(remote)
	remote.Close()
	goAddr, stop := inProcess(kind)
	local := dial(kind, goAddr)
	g := script(local)
	local.Close()
	stop()
	enc := json.NewEncoder(os.Stdout)
	if err := enc.Encode(map[string]any{"remote": r, "go": g}); err != nil {
		fatal(err)
	}
}

// article: the article's client, as written there.
func article(addr string) {
	client, err := rpc.DialHTTP("tcp", addr)
	if err != nil {
		fatal(err)
	}
	args := &Args{7, 8}
	var reply int
	err = client.Call("Arith.Multiply", args, &reply)
	if err != nil {
		fatal(err)
	}
	fmt.Printf("Arith: %d*%d=%d\n", args.A, args.B, reply)

	quotient := new(Quotient)
	divCall := client.Go("Arith.Divide", &Args{15, 6}, quotient, nil)
	var product int
	mulCall := client.Go("Arith.Multiply", &Args{6, 7}, &product, nil)
	ticker := time.NewTicker(time.Millisecond)
	defer ticker.Stop()
	done := 0
	for done < 2 {
		select {
		case call := <-divCall.Done:
			if call.Error != nil {
				fatal(call.Error)
			}
			q := call.Reply.(*Quotient)
			fmt.Printf("Divide: %d/%d=%d rem %d\n", 15, 6, q.Quo, q.Rem)
			done++
		case call := <-mulCall.Done:
			if call.Error != nil {
				fatal(call.Error)
			}
			fmt.Printf("Multiply: %d\n", *call.Reply.(*int))
			done++
		case <-ticker.C:
		}
	}
	bad := client.Go("Arith.Divide", &Args{1, 0}, new(Quotient), make(chan *rpc.Call, 1))
	<-bad.Done
	if _, ok := bad.Error.(rpc.ServerError); !ok {
		fatal(fmt.Errorf("want rpc.ServerError, got %T %v", bad.Error, bad.Error))
	}
	fmt.Printf("Divide by zero: %v\n", bad.Error)
	var m int
	err = client.Call("math.Multiply", &Args{2, 21}, &m)
	if err != nil {
		fatal(err)
	}
	fmt.Printf("math: %d\n", m)
	client.Close()
	err = client.Call("Arith.Multiply", args, &reply)
	fmt.Printf("after close: %v\n", err)
}

// stress: many connections at once, some abandoned mid-call.
func stress(kind, addr string) {
	var wg sync.WaitGroup
	errs := make(chan error, 1000)
	for g := 0; g < 40; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			c := dial(kind, addr)
			defer c.Close()
			calls := make([]*rpc.Call, 0, 5)
			for i := 0; i < 5; i++ {
				calls = append(calls, c.Go("Arith.Multiply", &Args{g, i}, new(int), nil))
			}
			for i := 0; i < 10; i++ {
				var r int
				if err := c.Call("Arith.Multiply", &Args{g, i + 100}, &r); err != nil || r != g*(i+100) {
					errs <- fmt.Errorf("call %d/%d: %v %d", g, i, err, r)
				}
			}
			for i, call := range calls {
				<-call.Done
				if call.Error != nil || *call.Reply.(*int) != g*i {
					errs <- fmt.Errorf("go %d/%d: %v", g, i, call.Error)
				}
			}
		}(g)
	}
	for g := 0; g < 5; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := dial(kind, addr)
			c.Go("Store.Sleep", 100, new(int), nil)
			time.Sleep(5 * time.Millisecond)
			c.Close() // hang up while the call runs
		}()
	}
	wg.Wait()
	c := dial(kind, addr)
	var r int
	if err := c.Call("Arith.Multiply", &Args{6, 7}, &r); err != nil || r != 42 {
		errs <- fmt.Errorf("after: %v %d", err, r)
	}
	c.Close()
	close(errs)
	n := 0
	for err := range errs {
		fmt.Println(err)
		n++
	}
	if n > 0 {
		os.Exit(1)
	}
	fmt.Println("ok")
}

// inflight: a call in flight while the server shuts down gracefully.
func inflight(kind, addr string) {
	c := dial(kind, addr)
	var r int
	call := c.Go("Store.Sleep", 300, &r, nil)
	time.Sleep(20 * time.Millisecond) // the call has reached the server
	fmt.Println("started")
	<-call.Done
	fmt.Printf("reply %d %v\n", r, call.Error)
	var x int
	err := c.Call("Arith.Multiply", &Args{1, 2}, &x)
	fmt.Printf("after %v\n", err)
}

func init() {
	gob.Register(Sub{})
}

func main() {
	if len(os.Args) < 2 {
		fatal(errors.New("usage: goaccept serve|client|jsonclient|article ..."))
	}
	switch os.Args[1] {
	case "serve":
		serve()
	case "client":
		kind := "tcp"
		if os.Args[2] == "-http" {
			kind = "http"
		}
		compare(kind, os.Args[3], gobScript)
	case "jsonclient":
		compare("json", os.Args[2], jsonScript)
	case "article":
		article(os.Args[2])
	case "inflight":
		inflight(strings.TrimPrefix(os.Args[2], "-"), os.Args[3])
	case "stress":
		stress(strings.TrimPrefix(os.Args[2], "-"), os.Args[3])
	default:
		fatal(errors.New("unknown mode " + os.Args[1]))
	}
}
