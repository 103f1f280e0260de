"""Channels and ``select``, after Go's runtime/chan.go and runtime/select.go.

A channel is one lock guarding a FIFO buffer and two FIFO queues of blocked
parties (Go's ``recvq``/``sendq`` of sudogs).  A blocked party is a
:class:`_Sudog` whose ``wake`` lock is held while it sleeps; whoever completes
its operation fills in ``value``/``ok`` under the channel lock, dequeues it,
and releases ``wake``.  Each sudog is dequeued exactly once, so it is woken
exactly once.

A ``select`` that must block enqueues one sudog per case, all sharing one
``wake`` lock and one :class:`_Select` whose ``done`` lock is a test-and-set
flag: the first party to win ``done`` completes the select, and every other
sudog of that select is stale -- skipped (and dropped) by whoever meets it,
and removed by the select itself once it wakes.  A select locks all its
channels at once, in ``id()`` order (Go's ``sellock`` locks by address), so
two selects never deadlock; everything else holds at most one channel lock.
"""

from __future__ import annotations

import random
from collections import deque
from threading import Lock
from typing import Any, Callable, Generic, Iterator, TypeVar, Union

from ._panic import Panic

__all__ = ["Chan", "select"]

T = TypeVar("T")

_allocate_lock = Lock
_random = random.random

_SEND_ON_CLOSED = "send on closed channel"


class _Select:
    """What the sudogs of one blocked ``select`` share."""

    __slots__ = ("done", "fired")

    def __init__(self) -> None:
        # done.acquire(False) succeeds exactly once: for the party completing this select.
        self.done = _allocate_lock()
        self.fired: _Sudog | None = None


class _Sudog:
    """A goroutine blocked on one channel (a whole send/recv, or one select case)."""

    __slots__ = ("wake", "sel", "index", "value", "ok")

    def __init__(self, wake: Any, sel: _Select | None, index: int, value: Any) -> None:
        self.wake = wake      # held; released once, by the party that completes us
        self.sel = sel        # None for a plain send/recv
        self.index = index    # the select case this sudog stands for
        self.value = value    # value to send, or value received
        self.ok = True        # False: woken by close


def _live(q: deque) -> _Sudog | None:
    """Drop stale select sudogs at the head of ``q``; return the live head or None.

    The caller holds the channel lock.  A head that is live now may still be
    claimed by another channel before the caller takes it; see :func:`_take`.
    """
    while q:
        sg = q[0]
        sel = sg.sel
        if sel is None or not sel.done.locked():
            return sg
        q.popleft()
    return None


def _take(q: deque) -> _Sudog | None:
    """Dequeue and claim the first live sudog of ``q`` (channel lock held)."""
    while q:
        sg = q.popleft()
        sel = sg.sel
        if sel is None or sel.done.acquire(False):
            return sg
    return None


def _abandon(ch: Chan, q: deque, sg: _Sudog) -> None:
    """Withdraw a plain waiter whose wait was interrupted by an exception.

    If it is still queued nobody will complete it; otherwise its operation
    completed just before the interruption (a received value is then lost
    with the exception, which is reported instead).
    """
    with ch._lock:
        try:
            q.remove(sg)
        except ValueError:
            pass


def _complete(sg: _Sudog, value: Any, ok: bool) -> None:
    """Hand ``sg`` its outcome and wake it; ``sg`` is dequeued and claimed."""
    sg.value = value
    sg.ok = ok
    if sg.sel is not None:
        sg.sel.fired = sg
    sg.wake.release()


class Chan(Generic[T]):
    """A Go channel: ``Chan[T](cap=0)``, i.e. ``make(chan T, cap)``.

    Unbuffered (``cap == 0``): a send completes only when a receiver has
    taken the value (a rendezvous).  Buffered: a send blocks only while
    ``cap`` values are queued; a receive blocks only while none are.  Blocked
    senders and receivers are served first-come, first-served.

    ``send`` on a closed channel, and ``close`` of a closed one, raise
    :class:`gostd.Panic` (``send on closed channel`` /
    ``close of closed channel``); senders blocked when the channel is closed
    raise ``send on closed channel`` too.  Receives drain the buffer after a
    close, then return ``None`` (``recv``) or ``(None, False)`` (``recv_ok``).
    ``for v in ch`` receives until the channel is closed and drained.

    Channels take part in :func:`select` through their bound methods:
    ``ch.recv``, ``ch.recv_ok`` and ``(ch.send, value)``.
    """

    __slots__ = ("_lock", "_buf", "_cap", "_closed", "_recvq", "_sendq", "__weakref__")

    def __init__(self, cap: int = 0) -> None:
        """Make a channel with room for ``cap`` buffered values.

        Raises ``TypeError`` if ``cap`` is not an int and :class:`gostd.Panic`
        (``makechan: size out of range``, Go's text) if it is negative.
        """
        if isinstance(cap, bool) or not isinstance(cap, int):
            raise TypeError(f"Chan cap must be an int, not {type(cap).__name__}")
        if cap < 0:
            raise Panic("makechan: size out of range")
        self._lock = _allocate_lock()
        self._buf: deque[T] = deque()
        self._cap = cap
        self._closed = False
        self._recvq: deque[_Sudog] = deque()   # blocked receivers, FIFO
        self._sendq: deque[_Sudog] = deque()   # blocked senders, FIFO, values held in sudogs

    # Invariants, under _lock:
    #   len(_buf) <= _cap;
    #   live receivers wait only while _buf is empty and no live sender waits;
    #   live senders wait only while _buf is full (len == _cap) and no live
    #   receiver waits; _sendq holds no live sudog once _closed.

    @property
    def cap(self) -> int:
        """The buffer capacity (Go's ``cap(ch)``)."""
        return self._cap

    def __len__(self) -> int:
        """Values queued in the buffer (Go's ``len(ch)``)."""
        return len(self._buf)

    def __bool__(self) -> bool:
        """Always true: a channel is not a container (``ch or default`` keeps ``ch``)."""
        return True

    def send(self, value: T) -> None:
        """Send ``value`` (Go's ``ch <- value``), blocking until it is taken or buffered.

        Raises :class:`gostd.Panic` (``send on closed channel``) if the
        channel is closed, or is closed while this send is blocked.
        """
        with self._lock:
            if self._closed:
                raise Panic(_SEND_ON_CLOSED)
            if self._recvq:
                sg = _take(self._recvq)
                if sg is not None:
                    _complete(sg, value, True)
                    return
            if len(self._buf) < self._cap:
                self._buf.append(value)
                return
            wake = _allocate_lock()
            wake.acquire()
            sg = _Sudog(wake, None, 0, value)
            self._sendq.append(sg)
        try:
            wake.acquire()
        except BaseException:  # interrupted (KeyboardInterrupt): withdraw, if still queued
            _abandon(self, self._sendq, sg)
            raise
        if not sg.ok:
            raise Panic(_SEND_ON_CLOSED)

    def recv_ok(self) -> tuple[T | None, bool]:
        """Receive (Go's ``v, ok := <-ch``): ``(value, True)``, or ``(None, False)``
        once the channel is closed and drained.  Blocks until one of those."""
        with self._lock:
            buf = self._buf
            if self._sendq:
                sg = _take(self._sendq)
                if sg is not None:
                    if buf:  # full buffer: take its head, the sender's value joins the tail
                        value = buf.popleft()
                        buf.append(sg.value)
                    else:
                        value = sg.value
                    _complete(sg, None, True)
                    return value, True
            if buf:
                return buf.popleft(), True
            if self._closed:
                return None, False
            wake = _allocate_lock()
            wake.acquire()
            sg = _Sudog(wake, None, 0, None)
            self._recvq.append(sg)
        try:
            wake.acquire()
        except BaseException:
            _abandon(self, self._recvq, sg)
            raise
        return sg.value, sg.ok

    def recv(self) -> T | None:
        """Receive (Go's ``<-ch``): the next value, or ``None`` once the channel
        is closed and drained.  Blocks until one of those."""
        with self._lock:
            buf = self._buf
            if self._sendq:
                sg = _take(self._sendq)
                if sg is not None:
                    if buf:
                        value = buf.popleft()
                        buf.append(sg.value)
                    else:
                        value = sg.value
                    _complete(sg, None, True)
                    return value
            if buf:
                return buf.popleft()
            if self._closed:
                return None
            wake = _allocate_lock()
            wake.acquire()
            sg = _Sudog(wake, None, 0, None)
            self._recvq.append(sg)
        try:
            wake.acquire()
        except BaseException:
            _abandon(self, self._recvq, sg)
            raise
        return sg.value

    def _offer(self, value: T) -> bool:
        """Send ``value`` if that needs no waiting, else return False: Go's
        ``select`` with this one send case and a default, without the
        general machinery.  Raises :class:`gostd.Panic` on a closed channel."""
        with self._lock:
            return _try(self, _SEND, value)[0]

    def close(self) -> None:
        """Close the channel (Go's ``close(ch)``).

        Blocked receivers get ``(None, False)``; blocked senders raise
        ``send on closed channel``.  Values already buffered can still be
        received.  Raises :class:`gostd.Panic` (``close of closed channel``)
        if already closed.
        """
        with self._lock:
            if self._closed:
                raise Panic("close of closed channel")
            self._closed = True
            for q in (self._recvq, self._sendq):
                while q:
                    sg = _take(q)
                    if sg is None:
                        break
                    _complete(sg, None, False)

    @property
    def closed(self) -> bool:
        """Whether ``close`` has been called (a snapshot; Go has no such query)."""
        return self._closed

    def __iter__(self) -> Iterator[T]:
        """``for v in ch``: Go's ``for v := range ch``."""
        recv_ok = self.recv_ok
        while True:
            value, ok = recv_ok()
            if not ok:
                return
            yield value  # type: ignore[misc]

    def __copy__(self) -> Chan[T]:
        """A channel is a reference (Go copies the reference): the copy is ``self``."""
        return self

    def __deepcopy__(self, memo: Any) -> Chan[T]:
        """``self``, as for :meth:`__copy__`: copying a structure shares its channels."""
        return self

    def __reduce_ex__(self, protocol: Any) -> Any:
        """Channels cannot be pickled: they connect goroutines of one process."""
        raise TypeError(f"cannot pickle {type(self).__name__!r} object: "
                        "a channel connects goroutines of one process")

    def __repr__(self) -> str:
        state = " closed" if self._closed else ""
        return f"<Chan len={len(self._buf)} cap={self._cap}{state} at {id(self):#x}>"


_RECV, _RECV_OK, _SEND = 0, 1, 2
_KINDS = {Chan.recv: _RECV, Chan.recv_ok: _RECV_OK}
_chan_send = Chan.send

Case = Union[Callable[[], Any], "tuple[Callable[[Any], None], Any]"]

_BAD_CASE = "select case must be ch.recv, ch.recv_ok, (ch.send, value) or None"


def _parse(case: Any) -> tuple[Chan | None, int, Any]:
    if case is None:
        return None, _RECV, None            # Go's nil channel: never ready
    try:
        if type(case) is tuple:
            if case[0] is None and len(case) == 2:
                return None, _SEND, None
            fn, value = case
            if fn.__func__ is Chan.send or fn.__name__ == "send":
                ch = fn.__self__
                if isinstance(ch, Chan):
                    return ch, _SEND, value
        else:
            kind = _KINDS.get(case.__func__)
            if kind is None:
                kind = {"recv": _RECV, "recv_ok": _RECV_OK}.get(case.__name__)
            ch = case.__self__
            if kind is not None and isinstance(ch, Chan):
                return ch, kind, None
    except (AttributeError, TypeError, ValueError):
        pass
    raise TypeError(f"{_BAD_CASE}, not {case!r}")


def _try(ch: Chan, kind: int, value: Any) -> tuple[bool, Any]:
    """Attempt one case with ``ch`` locked: (True, result) if it took effect.

    A send on a closed channel raises ``send on closed channel``.
    """
    if kind == _SEND:
        if ch._closed:
            raise Panic(_SEND_ON_CLOSED)
        if ch._recvq:
            sg = _take(ch._recvq)
            if sg is not None:
                _complete(sg, value, True)
                return True, None
        if len(ch._buf) < ch._cap:
            ch._buf.append(value)
            return True, None
        return False, None
    buf = ch._buf
    if ch._sendq:
        sg = _take(ch._sendq)
        if sg is not None:
            if buf:
                got = buf.popleft()
                buf.append(sg.value)
            else:
                got = sg.value
            _complete(sg, None, True)
            return True, (got if kind == _RECV else (got, True))
    if buf:
        got = buf.popleft()
        return True, (got if kind == _RECV else (got, True))
    if ch._closed:
        return True, (None if kind == _RECV else (None, False))
    return False, None


def _dequeue(parsed: list, sudogs: list, fired: _Sudog | None) -> None:
    """Remove a finished select's stale sudogs (Go's selectgo pass 3).

    One channel at a time is enough: the select is claimed, so nobody can
    complete these sudogs any more; they only need to leave the queues.
    """
    for sg in sudogs:
        if sg is fired:
            continue
        ch, kind, _ = parsed[sg.index]
        q = ch._sendq if kind == _SEND else ch._recvq
        with ch._lock:
            try:
                q.remove(sg)
            except ValueError:  # already dropped as stale by someone else
                pass


def select(*cases: Case, default: bool = False) -> tuple[int, Any]:
    """Go's ``select`` statement: perform exactly one of ``cases``.

    A case is ``ch.recv`` (result: the value, or ``None`` if closed),
    ``ch.recv_ok`` (result: ``(value, ok)``) or ``(ch.send, value)``
    (result: ``None``).  Returns ``(index, result)`` for the case that
    proceeded.  When several are ready one is chosen uniformly at random;
    when none is, ``default=True`` returns ``(-1, None)`` at once, otherwise
    ``select`` blocks until one proceeds.  A case may be ``None`` (or
    ``(None, value)``): Go's case on a nil channel, which never proceeds, so
    a case is switched off without renumbering the others -- Go's idiom of
    setting a drained channel variable to nil reads ``c = None`` then
    ``select(c and c.recv_ok, ...)`` (a channel is always true).
    ``select()`` with no cases (or only ``None`` ones) and no default blocks
    forever, as in Go.

    Raises :class:`gostd.Panic` (``send on closed channel``) if a send case
    is chosen on a closed channel, and ``TypeError`` for a malformed case.
    """
    parsed: list[tuple[Any, int, Any]] = []
    nil = False
    for case in cases:
        # Fast path for the usual shapes; _parse handles the rest, and errors.
        if type(case) is tuple:
            fn = case[0] if len(case) == 2 else None
            if getattr(fn, "__func__", None) is _chan_send:
                parsed.append((fn.__self__, _SEND, case[1]))  # type: ignore
                continue
        else:
            kind = _KINDS.get(getattr(case, "__func__", None))  # type: ignore[arg-type]
            if kind is not None:
                parsed.append((case.__self__, kind, None))  # type: ignore
                continue
        p = _parse(case)
        nil = nil or p[0] is None
        parsed.append(p)
    # live: the indices of the cases on real channels (nil ones never proceed).
    live: Any = [i for i, p in enumerate(parsed) if p[0] is not None] if nil else range(len(parsed))
    n = len(live)
    if n == 0:
        if default:
            return -1, None
        forever = _allocate_lock()
        forever.acquire()
        forever.acquire()           # never released: block forever, as Go's select {}
    shuffle = False
    if n == 1:
        locks = [parsed[live[0]][0]._lock]
    else:
        by_id = {id(p[0]): p[0] for p in parsed if p[0] is not None}
        locks = [by_id[k]._lock for k in sorted(by_id)]
        # A channel in several cases: enqueue those cases in random order (Go's
        # pollorder), so the party that arrives first does not always pick the first.
        shuffle = len(by_id) < n
    for lk in locks:
        lk.acquire()
    try:
        while True:
            ready = []
            for i in live:
                ch, kind, _ = parsed[i]
                if ch._closed:
                    ready.append(i)
                elif kind == _SEND:
                    if len(ch._buf) < ch._cap or ch._recvq and _live(ch._recvq) is not None:
                        ready.append(i)
                elif ch._buf or ch._sendq and _live(ch._sendq) is not None:
                    ready.append(i)
            if not ready:
                break
            i = ready[int(_random() * len(ready))] if len(ready) > 1 else ready[0]
            ch, kind, value = parsed[i]
            done, result = _try(ch, kind, value)
            if done:
                return i, result
            # The live head was claimed by another channel meanwhile; look again.
        if default:
            return -1, None
        wake = _allocate_lock()
        wake.acquire()
        sel = _Select()
        sudogs = []
        if shuffle:
            live = list(live)
            random.shuffle(live)
        for i in live:
            ch, kind, value = parsed[i]
            sg = _Sudog(wake, sel, i, value)
            sudogs.append(sg)
            (ch._sendq if kind == _SEND else ch._recvq).append(sg)
    finally:
        for lk in reversed(locks):
            lk.release()

    try:
        wake.acquire()
    except BaseException:  # interrupted: claim our own select so nobody completes it
        sel.done.acquire(False)
        _dequeue(parsed, sudogs, None)
        raise
    fired = sel.fired
    assert fired is not None
    _dequeue(parsed, sudogs, fired)
    i = fired.index
    kind = parsed[i][1]
    if kind == _SEND:
        if not fired.ok:
            raise Panic(_SEND_ON_CLOSED)
        return i, None
    if kind == _RECV:
        return i, fired.value
    return i, (fired.value, fired.ok)
