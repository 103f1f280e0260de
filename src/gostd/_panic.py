"""The exception raised where Go would panic."""

__all__ = ["Panic"]


class Panic(RuntimeError):
    """A Go run-time panic or fatal error, carrying Go's exact message.

    Raised for misuse that Go reports at run time: ``send on closed channel``,
    ``close of closed channel``, ``sync: unlock of unlocked mutex``,
    ``sync: negative WaitGroup counter`` and the like.  ``str(err)`` is Go's
    text, so code and tests can match on it.
    """
